package httpapi_test

import "testing"

type orgBody struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func TestOrgs(t *testing.T) {
	a := newTestAPI(t)
	root := a.signup()
	other := a.otherOrg(root)
	t.Run("the instance admin lists, reads and renames every org", func(t *testing.T) {
		var list struct {
			Orgs []orgBody `json:"orgs"`
		}
		a.do(req{method: "GET", path: "/v1/orgs", token: root.token}).want(t, 200).into(t, &list)
		if len(list.Orgs) != 2 {
			t.Fatalf("%d orgs, want 2", len(list.Orgs))
		}
		a.do(req{method: "GET", path: "/v1/orgs/" + other.org, token: root.token}).want(t, 200)
		var o orgBody
		a.do(req{method: "PATCH", path: "/v1/orgs/" + other.org, token: root.token, ctype: "application/merge-patch+json",
			body: `{"name": "Renamed"}`}).want(t, 200).into(t, &o)
		if o.Name != "Renamed" {
			t.Fatalf("name %q", o.Name)
		}
	})
	t.Run("org names are unique ignoring case", func(t *testing.T) {
		a.do(req{method: "POST", path: "/v1/orgs", token: root.token, body: map[string]string{"name": "RENAMED"}}).want(t, 409, "conflict")
	})
	t.Run("a plain org admin sees only their own org", func(t *testing.T) {
		a.do(req{method: "GET", path: "/v1/orgs", token: other.token}).want(t, 403, "forbidden")
		a.do(req{method: "POST", path: "/v1/orgs", token: other.token, body: map[string]string{"name": "Mine"}}).want(t, 403, "forbidden")
		a.do(req{method: "GET", path: "/v1/orgs/" + root.org, token: other.token}).want(t, 404, "not_found")
		a.do(req{method: "PATCH", path: "/v1/orgs/" + root.org, token: other.token, ctype: "application/merge-patch+json",
			body: `{"name": "Hijacked"}`}).want(t, 404, "not_found")
		a.do(req{method: "GET", path: "/v1/orgs/" + other.org, token: other.token}).want(t, 200)
		a.do(req{method: "PATCH", path: "/v1/orgs/" + other.org, token: other.token, body: map[string]string{"name": "Ours"}}).want(t, 200)
	})
	t.Run("an admin cannot delete their own org", func(t *testing.T) {
		a.do(req{method: "DELETE", path: "/v1/orgs/" + root.org, token: root.token}).want(t, 412, "cannot_delete_own_org")
	})
	t.Run("deleting an org removes its users and their sessions", func(t *testing.T) {
		a.do(req{method: "DELETE", path: "/v1/orgs/" + other.org, token: root.token}).want(t, 204)
		a.do(req{method: "GET", path: "/v1/orgs/" + other.org, token: root.token}).want(t, 404)
		a.do(req{method: "GET", path: "/v1/whoami", token: other.token}).want(t, 401)
	})
}
