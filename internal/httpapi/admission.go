package httpapi

import (
	"context"
	"slices"
	"sync"
)

// admission runs at most n requests at once and lets the rest in by order
// of arrival. Under load, a page of users costs a core for a millisecond;
// with every request running at once, the Go scheduler shares the two
// cores in 10 ms slices in no particular order, and a page's latency
// depends on its luck. Run one page per core, in turn, and each finishes
// in about its own time plus the queue ahead of it.
type admission struct {
	mu      sync.Mutex
	free    int
	waiting []chan struct{} // oldest first
}

// newAdmission is an admission of n places; nil, which admits everyone,
// when n ≤ 0.
func newAdmission(n int) *admission {
	if n <= 0 {
		return nil
	}
	return &admission{free: n}
}

// enter waits for a place, or until ctx ends.
func (a *admission) enter(ctx context.Context) error {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	if a.free > 0 && len(a.waiting) == 0 {
		a.free--
		a.mu.Unlock()
		return nil
	}
	turn := make(chan struct{})
	a.waiting = append(a.waiting, turn)
	a.mu.Unlock()
	select {
	case <-turn:
		return nil
	case <-ctx.Done():
		a.mu.Lock()
		i := slices.Index(a.waiting, turn)
		if i >= 0 {
			a.waiting = slices.Delete(a.waiting, i, i+1)
		}
		a.mu.Unlock()
		if i < 0 { // the place came as ctx ended: pass it on
			a.leave()
		}
		return ctx.Err()
	}
}

// leave hands the place to the oldest waiter, or frees it.
func (a *admission) leave() {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.waiting) == 0 {
		a.free++
		return
	}
	close(a.waiting[0])
	a.waiting = slices.Delete(a.waiting, 0, 1)
}
