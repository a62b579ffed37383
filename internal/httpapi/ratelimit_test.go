package httpapi_test

import (
	"strconv"
	"testing"

	"github.com/wardenhq/warden/internal/httpapi"
)

func TestAPIRateLimit(t *testing.T) {
	t.Parallel()
	a := newTestAPIWith(t, httpapi.Config{RateLimit: 0.1, RateBurst: 5})
	root := a.signup(t) // two requests from the address, none from root yet
	t.Run("successes carry the quota", func(t *testing.T) {
		for i := range 5 {
			r := a.do(t, req{method: "GET", path: "/v1/whoami", token: root.token}).want(t, 200)
			if r.header.Get("X-RateLimit-Limit") != "5" || r.header.Get("X-RateLimit-Remaining") != strconv.Itoa(4-i) || r.header.Get("X-RateLimit-Reset") == "" {
				t.Fatalf("request %d: headers %v", i, r.header)
			}
		}
	})
	t.Run("an empty bucket is 429 with Retry-After", func(t *testing.T) {
		r := a.do(t, req{method: "GET", path: "/v1/whoami", token: root.token}).want(t, 429, "rate_limited")
		if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 || s > 10 {
			t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
		}
		if r.header.Get("X-RateLimit-Remaining") != "0" || r.header.Get("X-RateLimit-Limit") != "5" || r.header.Get("X-RateLimit-Reset") == "" {
			t.Fatalf("headers %v", r.header)
		}
	})
	t.Run("each credential has its own bucket", func(t *testing.T) {
		r := a.do(t, req{method: "GET", path: "/v1/whoami", token: a.login(t, "ada@example.com", password).token})
		// The login spent the address's third token; the new session
		// shares the principal's bucket, which is empty.
		r.want(t, 429, "rate_limited")
	})
	t.Run("anonymous requests are limited by address", func(t *testing.T) {
		var last *resp
		for range 5 {
			last = a.tryLogin(t, "nobody@example.com", "wrong password!")
			if last.status == 429 {
				break
			}
		}
		last.want(t, 429, "rate_limited")
		if last.header.Get("Retry-After") == "" {
			t.Fatalf("no Retry-After: %v", last.header)
		}
	})
	t.Run("probes are not limited", func(t *testing.T) {
		for range 10 {
			a.do(t, req{method: "GET", path: "/healthz"}).want(t, 200)
		}
	})
}
