package httpapi_test

import (
	"strings"
	"testing"
)

// TestBadInputIsAClientError sends every kind of bad input to every route
// that takes a body, and bad IDs and parameters elsewhere: each answer is a
// 4xx with a problem code, never a 5xx.
func TestBadInputIsAClientError(t *testing.T) {
	a := newTestAPI(t)
	root := a.signup()
	huge := `{"email": "` + strings.Repeat("a", 2<<20) + `@example.com"}`
	bodies := []struct {
		name, body, ctype string
		status            int
	}{
		{"malformed JSON", `{"email": `, "", 400},
		{"an empty body", ``, "", 400},
		{"an array", `[1, 2]`, "", 400},
		{"a number", `42`, "", 400},
		{"an unknown field", `{"emale": "x@example.com"}`, "", 400},
		{"two JSON values", `{} {}`, "", 400},
		{"a 2 MiB body", huge, "", 413},
		{"a text/plain body", `{"email": "x@example.com"}`, "text/plain", 415},
	}
	for _, rt := range a.server.Routes() {
		if rt.Method != "POST" && rt.Method != "PATCH" || rt.Path == "/v1/logout" {
			continue
		}
		path := strings.Replace(rt.Path, "{id}", root.id, 1)
		if strings.HasPrefix(rt.Path, "/v1/orgs/") {
			path = strings.Replace(rt.Path, "{id}", root.org, 1)
		}
		for _, b := range bodies {
			t.Run(rt.Method+" "+rt.Path+" with "+b.name, func(t *testing.T) {
				r := a.do(req{method: rt.Method, path: path, token: root.token, body: b.body, ctype: b.ctype})
				if r.status != b.status || r.code() == "" {
					t.Fatalf("got %d %s, want %d with a code", r.status, r.body, b.status)
				}
			})
		}
	}
	typeErrors := map[string]string{
		`{"email": 5}`: "email",
		`{"email": "x@example.com", "roles": "a"}`:      "roles",
		`{"email": "x@example.com", "metadata": "x"}`:   "metadata",
		`{"email": "x@example.com", "disabled": "yes"}`: "disabled",
	}
	for body, field := range typeErrors {
		t.Run("a wrong type names the field "+field, func(t *testing.T) {
			r := a.do(req{method: "POST", path: "/v1/users", token: root.token, body: body})
			if r.status != 400 || !strings.Contains(string(r.body), `"field":"`+field+`"`) {
				t.Fatalf("got %d %s", r.status, r.body)
			}
		})
	}
	params := map[string]string{
		"/v1/users/not-an-id":              "invalid_parameter",
		"/v1/users?limit=0":                "invalid_parameter",
		"/v1/users?limit=abc":              "invalid_parameter",
		"/v1/users?limit=1001":             "invalid_parameter",
		"/v1/users?cursor=garbage":         "invalid_parameter",
		"/v1/orgs/12345":                   "invalid_parameter",
		"/v1/audit-events?since=yesterday": "invalid_parameter",
		"/v1/audit-events?cursor=-1":       "invalid_parameter",
		"/v1/audit-events?order=sideways":  "invalid_parameter",
		"/v1/audit-events?actor=nobody":    "invalid_parameter",
	}
	for path, code := range params {
		t.Run("GET "+path, func(t *testing.T) {
			a.do(req{method: "GET", path: path, token: root.token}).want(t, 400, code)
		})
	}
	t.Run("a merge patch that is not an object", func(t *testing.T) {
		a.do(req{method: "PATCH", path: "/v1/users/" + root.id, token: root.token, ctype: "application/merge-patch+json", body: `[1]`}).
			want(t, 400, "malformed_json")
	})
	t.Run("a JSON patch that is not a list of operations", func(t *testing.T) {
		a.do(req{method: "PATCH", path: "/v1/users/" + root.id, token: root.token, ctype: "application/json-patch+json", body: `{"op": "add"}`}).
			want(t, 400, "invalid_patch")
	})
	t.Run("an unknown path is a problem+json 404", func(t *testing.T) {
		a.do(req{method: "GET", path: "/v1/nothing-here", token: root.token}).want(t, 404, "not_found")
	})
	t.Run("a wrong method is a problem+json 405 with Allow", func(t *testing.T) {
		r := a.do(req{method: "PUT", path: "/v1/users", token: root.token}).want(t, 405, "method_not_allowed")
		if r.header.Get("Allow") != "GET, POST" {
			t.Fatalf("Allow = %q", r.header.Get("Allow"))
		}
	})
}

// FuzzCreateUserBody posts arbitrary bytes as a new user: whatever they
// are, the answer is never a server error.
func FuzzCreateUserBody(f *testing.F) {
	for _, seed := range []string{`{"email":"a@example.com"}`, `{"email":"a@example.com","roles":["admin"],"metadata":{"a":[1,{}]}}`,
		`{`, `null`, `{"password":"\u0000"}`, `{"email":"a@b.c","username":"x y"}`, `{"metadata":{"a":` + strings.Repeat("[", 1000) + `}`} {
		f.Add(seed)
	}
	a := newTestAPI(f)
	root := a.signup()
	f.Fuzz(func(t *testing.T, body string) {
		a.t = t
		r := a.do(req{method: "POST", path: "/v1/users", token: root.token, body: body})
		if r.status >= 500 {
			t.Fatalf("%d for %q: %s", r.status, body, r.body)
		}
	})
}
