package httpapi_test

import (
	"strings"
	"testing"

	"github.com/wardenhq/warden/internal/authz"
)

// validBody is a body each mutating route accepts, so that a refusal in
// the walk below is about who asks, not what they send.
var validBody = map[string]any{
	"POST /v1/users":       map[string]string{"email": "new@example.com"},
	"PATCH /v1/users/{id}": map[string]string{"full_name": "Changed"},
	"POST /v1/orgs":        map[string]string{"name": "New Org"},
	"PATCH /v1/orgs/{id}":  map[string]string{"name": "Changed Org"},
	"POST /v1/signup":      map[string]string{"email": "x@example.com", "password": password, "org_name": "X"},
	"POST /v1/login":       map[string]string{"login": "x@example.com", "password": password},
}

// TestEveryRouteEnforcesItsPermission walks the route table: for each
// route that declares a permission, a caller whose roles lack it gets 403,
// and an administrator of another organization gets 404 for this
// organization's objects (or 403 where the route itself is beyond them).
// Every non-public route refuses anonymous callers.
func TestEveryRouteEnforcesItsPermission(t *testing.T) {
	a := newTestAPI(t)
	root := a.signup()
	target := a.member(root, "target@example.com", "user")
	callers := []struct {
		actor
		roles []string
	}{
		{a.member(root, "reader@example.com", "reader"), []string{"reader"}},
		{a.member(root, "user@example.com", "user"), []string{"user"}},
		{a.member(root, "admin@example.com", "admin"), []string{"admin"}},
	}
	stranger := a.otherOrg(root)
	ids := map[string]string{"/v1/users/{id}": target.id, "/v1/orgs/{id}": root.org}

	for _, rt := range a.server.Routes() {
		key := rt.Method + " " + rt.Path
		path := strings.Replace(rt.Path, "{id}", ids[rt.Path], 1)
		if !rt.Public {
			t.Run(key+" refuses anonymous callers", func(t *testing.T) {
				r := a.do(req{method: rt.Method, path: path, body: validBody[key]}).want(t, 401)
				if r.header.Get("WWW-Authenticate") == "" {
					t.Fatal("401 without WWW-Authenticate")
				}
			})
		}
		if rt.Permission == "" {
			continue
		}
		for _, c := range callers {
			if authz.Allowed(c.roles, false, rt.Permission) {
				continue
			}
			t.Run(key+" forbids a "+c.roles[0], func(t *testing.T) {
				a.do(req{method: rt.Method, path: path, token: c.token, body: validBody[key]}).want(t, 403, "forbidden")
			})
		}
		if strings.Contains(rt.Path, "{id}") {
			t.Run(key+" hides this org's objects from another org", func(t *testing.T) {
				r := a.do(req{method: rt.Method, path: path, token: stranger.token, body: validBody[key]})
				want := 404
				if rt.Permission == authz.InstanceOrgs {
					want = 403 // beyond any org admin, whatever the ID
				}
				r.want(t, want)
			})
		}
	}
	t.Run("nothing of this org changed", func(t *testing.T) {
		var u userBody
		a.do(req{method: "GET", path: "/v1/users/" + target.id, token: root.token}).want(t, 200).into(t, &u)
		if u.FullName != "" {
			t.Fatalf("the target's name changed to %q", u.FullName)
		}
		var o orgBody
		a.do(req{method: "GET", path: "/v1/orgs/" + root.org, token: root.token}).want(t, 200).into(t, &o)
		if o.Name != "Analytical" {
			t.Fatalf("the org was renamed to %q", o.Name)
		}
	})
}

// TestOtherOrgUsersAreNotFound tries every user route with every user ID of
// one organization as an administrator of another.
func TestOtherOrgUsersAreNotFound(t *testing.T) {
	a := newTestAPI(t)
	root := a.signup()
	victims := []string{root.id, a.member(root, "v1@example.com", "user").id, a.member(root, "v2@example.com", "admin").id}
	stranger := a.otherOrg(root)
	for _, id := range victims {
		a.do(req{method: "GET", path: "/v1/users/" + id, token: stranger.token}).want(t, 404, "not_found")
		a.do(req{method: "PATCH", path: "/v1/users/" + id, token: stranger.token, body: map[string]string{"full_name": "x"}}).want(t, 404, "not_found")
		a.do(req{method: "DELETE", path: "/v1/users/" + id, token: stranger.token}).want(t, 404, "not_found")
	}
	var page userPage
	a.do(req{method: "GET", path: "/v1/users?email=v1%40example.com", token: stranger.token}).want(t, 200).into(t, &page)
	if len(page.Users) != 0 {
		t.Fatal("another org's user is listed")
	}
	a.do(req{method: "GET", path: "/v1/users/" + victims[1], token: root.token}).want(t, 200)
}
