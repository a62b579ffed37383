package httpapi_test

import (
	"strings"
	"testing"
)

func TestHealth(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	a.run(t, []scenario{
		{name: "healthz is ok", method: "GET", path: "/healthz", status: 200, has: []string{`"status":"ok"`}},
		{name: "readyz is ready", method: "GET", path: "/readyz", status: 200, has: []string{`"status":"ready"`}},
		{name: "a user read", method: "GET", path: "/v1/users/" + admin.id, token: admin.token, status: 200},
		{name: "another", method: "GET", path: "/v1/users/" + admin.id, token: admin.token, status: 200},
		{name: "a refused one", method: "GET", path: "/v1/users/" + admin.id, status: 401},
		{name: "an unknown path", method: "GET", path: "/v1/nothing", status: 404},
		{name: "metrics count requests by route pattern, never by raw path", method: "GET", path: "/metrics", status: 200,
			check: func(t *testing.T, r *resp) {
				body := string(r.body)
				for _, want := range []string{
					`warden_http_requests_total{method="GET",route="/v1/users/{id}",status="200"} 2`,
					`warden_http_requests_total{method="GET",route="/v1/users/{id}",status="401"} 1`,
					`warden_http_requests_total{method="POST",route="/v1/login",status="200"} 1`,
					`warden_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
					`warden_http_request_duration_seconds_bucket{method="GET",route="/v1/users/{id}"`,
				} {
					if !strings.Contains(body, want) {
						t.Errorf("metrics lack %s", want)
					}
				}
				if strings.Contains(body, admin.id) {
					t.Error("metrics name a raw path")
				}
			}},
	})
	t.Run("readyz answers 503 without the database", func(t *testing.T) {
		a.store.Close()
		a.do(t, req{method: "GET", path: "/readyz"}).want(t, 503, "database_unavailable")
		a.do(t, req{method: "GET", path: "/healthz"}).want(t, 200)
	})
}
