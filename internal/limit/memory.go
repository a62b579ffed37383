package limit

import (
	"context"
	"math"
	"sync"
	"time"
)

// Memory is a token bucket per key in this node's memory: with several
// nodes each enforces the limit on its own.
type Memory struct {
	rate  float64 // tokens per second
	burst float64 // bucket size
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// memoryMaxKeys is the number of buckets at which full (idle) ones are
// dropped: a full bucket is the same as no bucket.
const memoryMaxKeys = 100_000

// NewMemory limits each key to perSecond requests a second, burst at once
// (one second's worth when burst < 1). perSecond must be positive.
func NewMemory(perSecond float64, burst int, now func() time.Time) *Memory {
	return &Memory{rate: perSecond, burst: float64(burstOf(perSecond, burst)), now: now, buckets: map[string]*bucket{}}
}

// Take spends a token of key's bucket if there is one.
func (l *Memory) Take(_ context.Context, key string) Quota {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= memoryMaxKeys {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	if el := now.Sub(b.at).Seconds(); el > 0 {
		b.tokens = min(l.burst, b.tokens+el*l.rate)
	}
	b.at = now
	q := Quota{Limit: int(l.burst)}
	if b.tokens >= 1 {
		b.tokens--
		q.OK = true
	} else {
		q.RetryAfter = seconds((1 - b.tokens) / l.rate)
	}
	q.Remaining = int(math.Floor(b.tokens))
	q.Reset = seconds((l.burst - b.tokens) / l.rate)
	return q
}

func (l *Memory) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}
