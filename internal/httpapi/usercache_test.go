package httpapi_test

import (
	"bytes"
	"net/url"
	"slices"
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

// TestEmailLookupsFollowEveryChange: GET /v1/users?email= answers a repeated
// lookup from the node's caches; the cached answer is the store's, byte
// for byte, and each change to the user shows in the very next lookup.
func TestEmailLookupsFollowEveryChange(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	w := newWorld(t, a)
	tok := w.root.token
	lookup := func(email string) (userPage, []byte) {
		t.Helper()
		var page userPage
		r := a.do(t, req{method: "GET", path: "/v1/users?email=" + url.QueryEscape(email), token: tok}).want(t, 200).into(t, &page)
		return page, r.body
	}
	_, fromStore := lookup("target@example.com")
	for _, email := range []string{"target@example.com", "TARGET@Example.COM"} {
		if page, cached := lookup(email); !bytes.Equal(cached, fromStore) || len(page.Users) != 1 || page.Users[0].ID != w.target.id {
			t.Fatalf("lookup of %s:\n%s\nfirst answer:\n%s", email, cached, fromStore)
		}
	}

	path := "/v1/users/" + w.target.id
	a.do(t, req{method: "PATCH", path: path, token: tok, body: map[string]any{"full_name": "Tara Look", "roles": []string{"admin"}}}).want(t, 200)
	if page, _ := lookup("target@example.com"); page.Users[0].FullName != "Tara Look" || !slices.Equal(page.Users[0].Roles, []string{"admin"}) {
		t.Errorf("after an edit: %+v", page.Users[0])
	}

	a.login(t, "target@example.com", password)
	if page, _ := lookup("target@example.com"); page.Users[0].LastLoginAt == nil {
		t.Errorf("after a login: last_login_at %v", page.Users[0].LastLoginAt)
	}

	a.do(t, req{method: "PATCH", path: path, token: tok, body: map[string]string{"email": "tara@example.com"}}).want(t, 200)
	if page, _ := lookup("target@example.com"); len(page.Users) != 0 {
		t.Errorf("the old email still finds %+v", page.Users)
	}
	if page, _ := lookup("tara@example.com"); len(page.Users) != 1 || page.Users[0].ID != w.target.id {
		t.Errorf("the new email finds %+v", page.Users)
	}

	// Another organization's lookups of the same address find its own
	// user or nobody, never the cached one.
	other := a.otherOrg(t, w.root, "Babbage", "charles@example.com")
	var mine userPage
	a.do(t, req{method: "GET", path: "/v1/users?email=tara%40example.com", token: other.token}).want(t, 200).into(t, &mine)
	if len(mine.Users) != 0 {
		t.Fatalf("another organization finds %+v", mine.Users)
	}
	twin := a.create(t, other.token, "/v1/users", map[string]any{"email": "tara@example.com"})
	a.do(t, req{method: "GET", path: "/v1/users?email=tara%40example.com", token: other.token}).want(t, 200).into(t, &mine)
	if len(mine.Users) != 1 || mine.Users[0].ID != twin {
		t.Fatalf("another organization's own tara: %+v, want %s", mine.Users, twin)
	}
	if page, _ := lookup("tara@example.com"); len(page.Users) != 1 || page.Users[0].ID != w.target.id {
		t.Errorf("after the other organization's lookup: %+v", page.Users)
	}

	a.do(t, req{method: "DELETE", path: path, token: tok}).want(t, 204)
	if page, _ := lookup("tara@example.com"); len(page.Users) != 0 {
		t.Errorf("a deleted user is still found: %+v", page.Users)
	}
}
