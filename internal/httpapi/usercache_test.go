package httpapi_test

import (
	"testing"
)

// TestUserReadsFollowEveryChange: a user read once is served from the
// node's user cache afterwards; each kind of change to what GET
// /v1/users/{id} shows must appear in the very next read.
func TestUserReadsFollowEveryChange(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	w := newWorld(t, a)
	tok, path := w.root.token, "/v1/users/"+w.target.id
	var detail struct {
		userBody
		Access []struct {
			Workspace *struct{ Title string } `json:"workspace"`
			Bindings  []struct{ Role string } `json:"bindings"`
		} `json:"access"`
	}
	read := func() {
		t.Helper()
		detail.Access = nil
		a.do(t, req{method: "GET", path: path, token: tok}).want(t, 200).into(t, &detail)
	}
	workspaceTitle := func() string {
		for _, ac := range detail.Access {
			if ac.Workspace != nil {
				return ac.Workspace.Title
			}
		}
		return ""
	}
	read()
	read() // now cached
	firstLogin := *detail.LastLoginAt

	a.do(t, req{method: "PATCH", path: path, token: tok, body: map[string]string{"full_name": "Tara Get"}}).want(t, 200)
	if read(); detail.FullName != "Tara Get" {
		t.Errorf("after a rename: full_name %q", detail.FullName)
	}

	a.do(t, req{method: "PATCH", path: "/v1/workspaces/" + w.workspace, token: tok, body: map[string]string{"title": "Observatory"}}).want(t, 200)
	if read(); workspaceTitle() != "Observatory" {
		t.Errorf("after a workspace rename: %+v", detail.Access)
	}

	a.do(t, req{method: "DELETE", path: "/v1/role-bindings/" + w.binding, token: tok}).want(t, 204)
	read()
	for _, ac := range detail.Access {
		for _, b := range ac.Bindings {
			if b.Role == w.role {
				t.Errorf("a deleted binding is still listed: %+v", detail.Access)
			}
		}
	}

	a.login(t, "target@example.com", password)
	if read(); detail.LastLoginAt == nil || *detail.LastLoginAt == firstLogin {
		t.Errorf("after a login: last_login_at %v, was %s", detail.LastLoginAt, firstLogin)
	}

	// The cached user is no way into another organization.
	other := a.otherOrg(t, w.root, "Babbage", "charles@example.com")
	a.do(t, req{method: "GET", path: path, token: other.token}).want(t, 404)

	a.do(t, req{method: "DELETE", path: path, token: tok}).want(t, 204)
	a.do(t, req{method: "GET", path: path, token: tok}).want(t, 404)
}
