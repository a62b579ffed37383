package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"testing"
)

type userBody struct {
	ID        string          `json:"id"`
	Email     string          `json:"email"`
	Username  string          `json:"username"`
	FullName  string          `json:"full_name"`
	Roles     []string        `json:"roles"`
	Metadata  json.RawMessage `json:"metadata"`
	Disabled  bool            `json:"disabled"`
	CreatedAt string          `json:"created_at"`
}

type userPage struct {
	Users      []userBody `json:"users"`
	NextCursor *string    `json:"next_cursor"`
}

func sameJSON(t *testing.T, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if json.Unmarshal(got, &g) != nil || json.Unmarshal([]byte(want), &w) != nil || !reflect.DeepEqual(g, w) {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestUsersCRUD(t *testing.T) {
	a := newTestAPI(t)
	admin := a.signup()
	var bob userBody
	r := a.do(req{method: "POST", path: "/v1/users", token: admin.token, body: map[string]any{
		"email": "Bob@Example.com", "username": "bob", "first_name": "Bob", "last_name": "Builder",
		"roles": []string{"user"}, "metadata": map[string]any{"team": map[string]any{"name": "core", "tags": []int{1, 2}}}}}).want(t, 201)
	r.into(t, &bob)
	if r.header.Get("Location") != "/v1/users/"+bob.ID || bob.FullName != "Bob Builder" {
		t.Fatalf("Location %q, full_name %q", r.header.Get("Location"), bob.FullName)
	}
	sameJSON(t, bob.Metadata, `{"team":{"name":"core","tags":[1,2]}}`)

	t.Run("a duplicate email in another case conflicts", func(t *testing.T) {
		a.do(req{method: "POST", path: "/v1/users", token: admin.token, body: map[string]string{"email": "BOB@example.com"}}).
			want(t, 409, "conflict")
	})
	t.Run("get returns what was created", func(t *testing.T) {
		var got userBody
		a.do(req{method: "GET", path: "/v1/users/" + bob.ID, token: admin.token}).want(t, 200).into(t, &got)
		if got.Email != "Bob@Example.com" || got.Username != "bob" {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("merge patch changes fields and edits metadata", func(t *testing.T) {
		var got userBody
		a.do(req{method: "PATCH", path: "/v1/users/" + bob.ID, token: admin.token, ctype: "application/merge-patch+json",
			body: `{"full_name": "Robert", "metadata": {"team": {"tags": null}, "desk": 7}}`}).want(t, 200).into(t, &got)
		if got.FullName != "Robert" {
			t.Fatalf("full_name %q", got.FullName)
		}
		sameJSON(t, got.Metadata, `{"team":{"name":"core"},"desk":7}`)
	})
	t.Run("JSON patch applies operations", func(t *testing.T) {
		var got userBody
		a.do(req{method: "PATCH", path: "/v1/users/" + bob.ID, token: admin.token, ctype: "application/json-patch+json",
			body: `[{"op":"test","path":"/username","value":"bob"},{"op":"replace","path":"/roles","value":["reader"]},{"op":"add","path":"/metadata/floor","value":3}]`}).
			want(t, 200).into(t, &got)
		if !reflect.DeepEqual(got.Roles, []string{"reader"}) {
			t.Fatalf("roles %v", got.Roles)
		}
		sameJSON(t, got.Metadata, `{"team":{"name":"core"},"desk":7,"floor":3}`)
	})
	t.Run("a failed JSON patch test is a conflict and changes nothing", func(t *testing.T) {
		a.do(req{method: "PATCH", path: "/v1/users/" + bob.ID, token: admin.token, ctype: "application/json-patch+json",
			body: `[{"op":"test","path":"/username","value":"alice"},{"op":"replace","path":"/full_name","value":"X"}]`}).
			want(t, 409, "patch_test_failed")
		var got userBody
		a.do(req{method: "GET", path: "/v1/users/" + bob.ID, token: admin.token}).want(t, 200).into(t, &got)
		if got.FullName != "Robert" {
			t.Fatalf("full_name changed to %q", got.FullName)
		}
	})
	t.Run("read-only and unknown fields are refused", func(t *testing.T) {
		a.do(req{method: "PATCH", path: "/v1/users/" + bob.ID, token: admin.token, ctype: "application/merge-patch+json",
			body: `{"id": "0190f1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b"}`}).want(t, 400, "unknown_field")
		a.do(req{method: "PATCH", path: "/v1/users/" + bob.ID, token: admin.token, ctype: "application/json-patch+json",
			body: `[{"op":"add","path":"/created_at","value":"2020-01-01T00:00:00Z"}]`}).want(t, 400, "unknown_field")
		a.do(req{method: "PATCH", path: "/v1/users/" + bob.ID, token: admin.token, ctype: "application/json-patch+json",
			body: `[{"op":"remove","path":"/nothing"}]`}).want(t, 400, "invalid_patch")
	})
	t.Run("an invalid email after patching is refused", func(t *testing.T) {
		a.do(req{method: "PATCH", path: "/v1/users/" + bob.ID, token: admin.token, ctype: "application/merge-patch+json",
			body: `{"email": "nope"}`}).want(t, 400, "validation_failed")
	})
	t.Run("delete then get is not found", func(t *testing.T) {
		a.do(req{method: "DELETE", path: "/v1/users/" + bob.ID, token: admin.token}).want(t, 204)
		a.do(req{method: "GET", path: "/v1/users/" + bob.ID, token: admin.token}).want(t, 404, "not_found")
		a.do(req{method: "DELETE", path: "/v1/users/" + bob.ID, token: admin.token}).want(t, 404, "not_found")
	})
}

func TestUsersEditThemselves(t *testing.T) {
	a := newTestAPI(t)
	admin := a.signup()
	reader := a.member(admin, "rita@example.com", "reader")
	t.Run("a reader edits their own profile", func(t *testing.T) {
		a.do(req{method: "PATCH", path: "/v1/users/" + reader.id, token: reader.token, ctype: "application/merge-patch+json",
			body: `{"full_name": "Rita R", "metadata": {"theme": "dark"}}`}).want(t, 200)
		a.do(req{method: "GET", path: "/v1/users/" + reader.id, token: reader.token}).want(t, 200)
		a.do(req{method: "GET", path: "/v1/users/current", token: reader.token}).want(t, 200)
	})
	t.Run("but not their own roles or disabled flag", func(t *testing.T) {
		a.do(req{method: "PATCH", path: "/v1/users/" + reader.id, token: reader.token, ctype: "application/merge-patch+json",
			body: `{"roles": ["admin"]}`}).want(t, 403, "forbidden")
		a.do(req{method: "PATCH", path: "/v1/users/" + reader.id, token: reader.token, ctype: "application/merge-patch+json",
			body: `{"disabled": true}`}).want(t, 403, "forbidden")
	})
	t.Run("nor anyone else's profile", func(t *testing.T) {
		a.do(req{method: "PATCH", path: "/v1/users/" + admin.id, token: reader.token, ctype: "application/merge-patch+json",
			body: `{"full_name": "pwned"}`}).want(t, 403, "forbidden")
	})
	t.Run("an admin cannot demote, disable or delete themselves", func(t *testing.T) {
		a.do(req{method: "PATCH", path: "/v1/users/" + admin.id, token: admin.token, ctype: "application/merge-patch+json",
			body: `{"roles": ["user"]}`}).want(t, 412, "cannot_demote_self")
		a.do(req{method: "PATCH", path: "/v1/users/" + admin.id, token: admin.token, ctype: "application/merge-patch+json",
			body: `{"disabled": true}`}).want(t, 412, "cannot_demote_self")
		a.do(req{method: "DELETE", path: "/v1/users/" + admin.id, token: admin.token}).want(t, 412, "cannot_delete_self")
	})
}

func TestUsersListPagesAndFilters(t *testing.T) {
	a := newTestAPI(t)
	admin := a.signup()
	for i := range 25 {
		a.do(req{method: "POST", path: "/v1/users", token: admin.token, body: map[string]any{
			"email": fmt.Sprintf("user%02d@example.com", i), "username": fmt.Sprintf("handle%02d", i),
			"first_name": fmt.Sprintf("Given%02d", i), "last_name": "Family"}}).want(t, 201)
	}
	t.Run("keyset pages return every user once", func(t *testing.T) {
		seen := map[string]bool{}
		path := "/v1/users?limit=10"
		for pages := 1; ; pages++ {
			var page userPage
			a.do(req{method: "GET", path: path, token: admin.token}).want(t, 200).into(t, &page)
			for _, u := range page.Users {
				if seen[u.ID] {
					t.Fatalf("%s seen twice", u.Email)
				}
				seen[u.ID] = true
			}
			if page.NextCursor == nil {
				if pages != 3 {
					t.Fatalf("%d pages, want 3", pages)
				}
				break
			}
			path = "/v1/users?limit=10&cursor=" + url.QueryEscape(*page.NextCursor)
		}
		if len(seen) != 26 {
			t.Fatalf("saw %d users, want 26", len(seen))
		}
	})
	cases := map[string]int{
		"email=USER07%40example.com": 1,
		"email=user07":               0,
		"q=USER1":                    10,
		"q=handle2":                  5,
		"q=given0":                   10,
		"q=family":                   25,
		"q=Family&limit=5":           5,
		"q=nobody":                   0,
	}
	for query, want := range cases {
		t.Run(query, func(t *testing.T) {
			var page userPage
			a.do(req{method: "GET", path: "/v1/users?" + query, token: admin.token}).want(t, 200).into(t, &page)
			if len(page.Users) != want {
				t.Fatalf("%d users, want %d", len(page.Users), want)
			}
		})
	}
}
