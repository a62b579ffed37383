package httpapi_test

import (
	"strings"
	"testing"
)

func TestOperations(t *testing.T) {
	a := newTestAPI(t)
	admin := a.signup()
	a.do(req{method: "GET", path: "/healthz"}).want(t, 200)
	a.do(req{method: "GET", path: "/readyz"}).want(t, 200)
	a.do(req{method: "GET", path: "/v1/users/" + admin.id, token: admin.token}).want(t, 200)
	r := a.do(req{method: "GET", path: "/metrics"}).want(t, 200)
	for _, want := range []string{
		`warden_http_requests_total{method="GET",route="/v1/users/{id}",status="200"} 1`,
		`warden_http_request_duration_seconds_bucket{method="GET",route="/v1/users/{id}"`,
	} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
