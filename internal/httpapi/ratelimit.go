package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/limit"
)

// ceilSeconds is d in whole seconds, rounded up.
func ceilSeconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

// rateLimit charges r to its bucket and writes the X-RateLimit headers; it
// returns a RateLimited error when the bucket is empty. Only the API (/v1
// and /oauth) is limited: not the probes, metrics and documents.
func (s *Server) rateLimit(w http.ResponseWriter, r *http.Request, p *iam.Principal) error {
	if s.limiter == nil || !(strings.HasPrefix(r.URL.Path, "/v1/") || strings.HasPrefix(r.URL.Path, "/oauth/")) {
		return nil
	}
	q := s.limiter.Take(r.Context(), limit.Key(r.Context(), p))
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(q.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(q.Remaining))
	h.Set("X-RateLimit-Reset", strconv.Itoa(ceilSeconds(q.Reset)))
	if q.OK {
		return nil
	}
	return &iam.Error{Kind: iam.RateLimited, Code: "rate_limited", Message: "too many requests; slow down",
		RetryAfter: q.RetryAfter, Extra: map[string]any{"retry_after": max(1, ceilSeconds(q.RetryAfter)), "limit": q.Limit}}
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
