// Package admission lets at most n callers at a time through, and the
// rest in the order they came: a channel's blocked senders are woken in
// order. The store queues its reads for the connection pool with it, and
// the HTTP layer its costly lists for the CPU.
package admission

import "context"

// Queue holds n places. A nil Queue admits everyone.
type Queue struct{ places chan struct{} }

// New is a Queue of n places, or nil (no limit) when n ≤ 0.
func New(n int) *Queue {
	if n <= 0 {
		return nil
	}
	return &Queue{places: make(chan struct{}, n)}
}

// Enter waits for a place, or until ctx ends; a caller that gives up
// leaves the queue without taking a place.
func (q *Queue) Enter(ctx context.Context) error {
	if q == nil {
		return nil
	}
	select {
	case q.places <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Leave gives back the place Enter took.
func (q *Queue) Leave() {
	if q != nil {
		<-q.places
	}
}

// Taken is how many places are held.
func (q *Queue) Taken() int {
	if q == nil {
		return 0
	}
	return len(q.places)
}
