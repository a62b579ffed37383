package httpapi_test

import (
	"net/url"
	"testing"
)

type orgBody struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

type orgPage struct {
	Orgs       []orgBody `json:"orgs"`
	NextCursor *string   `json:"next_cursor"`
}

func org(check func(t *testing.T, o orgBody)) func(t *testing.T, r *resp) {
	return func(t *testing.T, r *resp) {
		t.Helper()
		var o orgBody
		r.into(t, &o)
		check(t, o)
	}
}

func TestOrgs(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	tok := root.token
	var created orgBody
	a.run(t, []scenario{
		{name: "the instance admin creates an org with an admin", method: "POST", path: "/v1/orgs", token: tok,
			body:   map[string]any{"name": "Other Org", "admin": map[string]string{"email": "boss@other.example", "password": password, "full_name": "The Boss"}},
			status: 201, check: func(t *testing.T, r *resp) {
				r.into(t, &created)
				if r.header.Get("Location") != "/v1/orgs/"+created.ID || created.Name != "Other Org" {
					t.Fatalf("created %s, Location %q", r.body, r.header.Get("Location"))
				}
			}},
		{name: "and one without", method: "POST", path: "/v1/orgs", token: tok, body: map[string]string{"name": "Empty Org"}, status: 201},
		{name: "a taken name in another case conflicts", method: "POST", path: "/v1/orgs", token: tok,
			body: map[string]string{"name": "OTHER ORG"}, status: 409, code: "conflict"},
		{name: "a name is required", method: "POST", path: "/v1/orgs", token: tok, body: map[string]string{},
			status: 400, code: "validation_failed", fields: []string{"name"}},
		{name: "an invalid admin is named under admin", method: "POST", path: "/v1/orgs", token: tok,
			body:   map[string]any{"name": "Third", "admin": map[string]string{"email": "nope", "password": "short"}},
			status: 400, code: "validation_failed", fields: []string{"admin.email", "admin.password"}},
		{name: "a wrong admin type is named", method: "POST", path: "/v1/orgs", token: tok,
			body: `{"name": "Third", "admin": {"email": 5}}`, status: 400, code: "validation_failed", fields: []string{"admin.email"}},
		{name: "the list pages", method: "GET", path: "/v1/orgs?limit=2", token: tok, status: 200, check: func(t *testing.T, r *resp) {
			var p orgPage
			r.into(t, &p)
			if len(p.Orgs) != 2 || p.NextCursor == nil {
				t.Fatalf("page %s", r.body)
			}
			var rest orgPage
			a.do(t, req{method: "GET", path: "/v1/orgs?limit=2&cursor=" + url.QueryEscape(*p.NextCursor), token: tok}).want(t, 200).into(t, &rest)
			if len(rest.Orgs) != 1 || rest.NextCursor != nil || rest.Orgs[0].Name != "Empty Org" {
				t.Fatalf("second page %+v", rest)
			}
		}},
	})
	other := a.login(t, "boss@other.example", password)
	otherPath := "/v1/orgs/" + other.org
	a.run(t, []scenario{
		{name: "the new admin belongs to the new org", method: "GET", path: "/v1/whoami", token: other.token, status: 200,
			has: []string{`"organization_ids":["` + created.ID + `"]`, `"roles":["admin"]`}},
		{name: "and is not an instance admin", method: "GET", path: "/v1/users/current", token: other.token, status: 200,
			has: []string{`"instance_admin":false`, `"full_name":"The Boss"`}},
		{name: "the instance admin reads any org", method: "GET", path: otherPath, token: tok, status: 200,
			check: org(func(t *testing.T, o orgBody) {
				if o != created {
					t.Fatalf("got %+v, created %+v", o, created)
				}
			})},
		{name: "and renames it with a merge patch", method: "PATCH", path: otherPath, token: tok, ctype: "application/merge-patch+json",
			body: `{"name": "Renamed"}`, status: 200, check: org(func(t *testing.T, o orgBody) {
				if o.Name != "Renamed" || o.UpdatedAt == o.CreatedAt {
					t.Fatalf("patched %+v", o)
				}
			})},
		{name: "or a JSON patch", method: "PATCH", path: otherPath, token: tok, ctype: "application/json-patch+json",
			body: `[{"op": "test", "path": "/name", "value": "Renamed"}, {"op": "replace", "path": "/name", "value": "Renamed Again"}]`, status: 200},
		{name: "a failing test changes nothing", method: "PATCH", path: otherPath, token: tok, ctype: "application/json-patch+json",
			body: `[{"op": "test", "path": "/name", "value": "Renamed"}]`, status: 409, code: "patch_test_failed"},
		{name: "a taken name conflicts", method: "PATCH", path: otherPath, token: tok, ctype: "application/merge-patch+json",
			body: `{"name": "analytical"}`, status: 409, code: "conflict"},
		{name: "an empty name is refused", method: "PATCH", path: otherPath, token: tok, ctype: "application/merge-patch+json",
			body: `{"name": null}`, status: 400, code: "validation_failed", fields: []string{"name"}},
		{name: "a read-only field is refused", method: "PATCH", path: otherPath, token: tok, ctype: "application/merge-patch+json",
			body: `{"created_at": "2020-01-01T00:00:00Z"}`, status: 400, code: "unknown_field", fields: []string{"created_at"}},
		{name: "a plain org admin may not list orgs", method: "GET", path: "/v1/orgs", token: other.token, status: 403, code: "forbidden"},
		{name: "nor create one", method: "POST", path: "/v1/orgs", token: other.token, body: map[string]string{"name": "Mine"}, status: 403, code: "forbidden"},
		{name: "nor delete one", method: "DELETE", path: "/v1/orgs/" + root.org, token: other.token, status: 403, code: "forbidden"},
		{name: "another org is not found to them", method: "GET", path: "/v1/orgs/" + root.org, token: other.token, status: 404, code: "not_found"},
		{name: "nor can they patch it", method: "PATCH", path: "/v1/orgs/" + root.org, token: other.token, ctype: "application/merge-patch+json",
			body: `{"name": "Hijacked"}`, status: 404, code: "not_found"},
		{name: "they read their own org", method: "GET", path: otherPath, token: other.token, status: 200},
		{name: "and rename it", method: "PATCH", path: otherPath, token: other.token, body: map[string]string{"name": "Ours"}, status: 200},
		{name: "an admin cannot delete their own org", method: "DELETE", path: "/v1/orgs/" + root.org, token: tok, status: 412, code: "cannot_delete_own_org"},
		{name: "the instance admin deletes another", method: "DELETE", path: otherPath, token: tok, status: 204},
		{name: "which is then not found", method: "GET", path: otherPath, token: tok, status: 404, code: "not_found"},
		{name: "nor deleted twice", method: "DELETE", path: otherPath, token: tok, status: 404, code: "not_found"},
		{name: "and its users' sessions are gone", method: "GET", path: "/v1/whoami", token: other.token, status: 401},
		{name: "and its users cannot log in", method: "POST", path: "/v1/login",
			body: map[string]string{"login": "boss@other.example", "password": password}, status: 401, code: "invalid_credentials"},
		{name: "the instance's own org is untouched", method: "GET", path: "/v1/orgs/" + root.org, token: tok, status: 200,
			check: org(func(t *testing.T, o orgBody) {
				if o.Name != "Analytical" {
					t.Fatalf("got %+v", o)
				}
			})},
	})
}

// TestCreateOrgNamesEveryInvalidField: like signup and user creation, a
// new organization's problems are named all at once, its admin's included.
func TestCreateOrgNamesEveryInvalidField(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	a.do(t, req{method: "POST", path: "/v1/orgs", token: root.token, body: map[string]any{
		"admin": map[string]string{"email": "nope", "password": "short"}}}).
		want(t, 400, "validation_failed").naming(t, "name", "admin.email", "admin.password")
}
