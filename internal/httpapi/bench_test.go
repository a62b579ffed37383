package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkGetUser serves GET /v1/users/{id} through the real handler
// (routing, authentication, the permission check, the store read and the
// JSON encoding of the user) into a recorder: no network. The caller is the
// organization's administrator reading another user, by session token
// (JWT) and by API key.
func BenchmarkGetUser(b *testing.B) {
	a := newTestAPI(b)
	admin := a.signup(b)
	target := a.create(b, admin.token, "/v1/users", map[string]any{"email": "grace@example.com",
		"full_name": "Grace Hopper", "username": "grace", "roles": []string{"user"}})
	var key struct {
		Key string `json:"key"`
	}
	a.do(b, req{method: "POST", path: "/v1/users/" + admin.id + "/api-keys", token: admin.token,
		body: map[string]any{"description": "bench"}}).want(b, 201).into(b, &key)
	for _, c := range []struct{ name, token string }{{"jwt", admin.token}, {"apikey", key.Key}} {
		b.Run(c.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/v1/users/"+target, nil)
			r.Header.Set("Authorization", "Bearer "+c.token)
			serveOK(b, a, r)
		})
	}
}

// BenchmarkWhoAmI serves GET /v1/whoami through the real handler, by
// session token (JWT): the request of the whoami-jwt load scenario.
func BenchmarkWhoAmI(b *testing.B) {
	a := newTestAPI(b)
	admin := a.signup(b)
	r := httptest.NewRequest("GET", "/v1/whoami", nil)
	r.Header.Set("Authorization", "Bearer "+admin.token)
	serveOK(b, a, r)
}

// serveOK serves r through the whole handler into a recorder, b.N times,
// and fails on any status but 200.
func serveOK(b *testing.B, a *api, r *http.Request) {
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		a.server.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
