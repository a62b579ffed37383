package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// rateLimiter is a token bucket per credential: per principal for
// authenticated requests, per client address otherwise. Buckets live in
// this node's memory, so with several nodes each enforces the limit on its
// own (DESIGN: rate limits are per node unless Redis is configured).
type rateLimiter struct {
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

// rateLimitMaxKeys is the number of buckets at which full (idle) ones are
// dropped: a full bucket is the same as no bucket.
const rateLimitMaxKeys = 100_000

// newRateLimiter returns nil (no limit) when perSecond is not positive.
func newRateLimiter(perSecond float64, burst int, now func() time.Time) *rateLimiter {
	if perSecond <= 0 {
		return nil
	}
	if burst < 1 {
		burst = max(1, int(math.Ceil(perSecond)))
	}
	return &rateLimiter{rate: perSecond, burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// quota is the state of a bucket after a request.
type quota struct {
	ok         bool
	limit      int
	remaining  int
	reset      time.Duration // until the bucket is full again
	retryAfter time.Duration // until one token is there, when !ok
}

// take spends a token of key's bucket if there is one.
func (l *rateLimiter) take(key string) quota {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= rateLimitMaxKeys {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	if el := now.Sub(b.at).Seconds(); el > 0 {
		b.tokens = min(l.burst, b.tokens+el*l.rate)
	}
	b.at = now
	q := quota{limit: int(l.burst)}
	if b.tokens >= 1 {
		b.tokens--
		q.ok = true
	} else {
		q.retryAfter = seconds((1 - b.tokens) / l.rate)
	}
	q.remaining = int(math.Floor(b.tokens))
	q.reset = seconds((l.burst - b.tokens) / l.rate)
	return q
}

func (l *rateLimiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// ceilSeconds is d in whole seconds, rounded up.
func ceilSeconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

// rateLimit charges r to its bucket and writes the X-RateLimit headers; it
// returns a RateLimited error when the bucket is empty. Only the API (/v1
// and /oauth) is limited: not the probes, metrics and documents.
func (s *Server) rateLimit(w http.ResponseWriter, r *http.Request, p *iam.Principal) error {
	if s.limiter == nil || !(strings.HasPrefix(r.URL.Path, "/v1/") || strings.HasPrefix(r.URL.Path, "/oauth/")) {
		return nil
	}
	key := "ip:" + iam.RequestFrom(r.Context()).IP
	if p != nil {
		key = "principal:" + p.ID.String()
	}
	q := s.limiter.take(key)
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(q.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(q.remaining))
	h.Set("X-RateLimit-Reset", strconv.Itoa(ceilSeconds(q.reset)))
	if q.ok {
		return nil
	}
	return &iam.Error{Kind: iam.RateLimited, Code: "rate_limited", Message: "too many requests; slow down",
		RetryAfter: q.retryAfter, Extra: map[string]any{"retry_after": max(1, ceilSeconds(q.retryAfter)), "limit": q.limit}}
}

// rateLimitHeaders describes a RateLimited error in the X-RateLimit
// headers: nothing remains until Retry-After, and the limit is the one the
// error names (the login lockout's attempts, or the API bucket's size).
func rateLimitHeaders(h http.Header, e *iam.Error) {
	retry := max(1, ceilSeconds(e.RetryAfter))
	if h.Get("Retry-After") == "" {
		h.Set("Retry-After", strconv.Itoa(retry))
	}
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", strconv.Itoa(retry))
	if n, ok := e.Extra["limit"].(int); ok {
		h.Set("X-RateLimit-Limit", strconv.Itoa(n))
	} else if h.Get("X-RateLimit-Limit") == "" {
		h.Set("X-RateLimit-Limit", "0")
	}
}
