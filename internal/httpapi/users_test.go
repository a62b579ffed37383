package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/httpapi"
)

type userBody struct {
	ID            string          `json:"id"`
	OrgID         string          `json:"org_id"`
	Email         string          `json:"email"`
	Username      string          `json:"username"`
	FirstName     string          `json:"first_name"`
	LastName      string          `json:"last_name"`
	FullName      string          `json:"full_name"`
	Roles         []string        `json:"roles"`
	Metadata      json.RawMessage `json:"metadata"`
	Disabled      bool            `json:"disabled"`
	InstanceAdmin bool            `json:"instance_admin"`
	CreatedAt     string          `json:"created_at"`
	UpdatedAt     string          `json:"updated_at"`
	LastLoginAt   *string         `json:"last_login_at"`
}

type userPage struct {
	Users      []userBody `json:"users"`
	NextCursor *string    `json:"next_cursor"`
}

// sameJSON fails unless got and want are the same JSON value.
func sameJSON(t *testing.T, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if json.Unmarshal(got, &g) != nil || json.Unmarshal([]byte(want), &w) != nil || !reflect.DeepEqual(g, w) {
		t.Fatalf("got %s, want %s", got, want)
	}
}

// user decodes a user body and checks a field of it.
func user(check func(t *testing.T, u userBody)) func(t *testing.T, r *resp) {
	return func(t *testing.T, r *resp) {
		t.Helper()
		var u userBody
		r.into(t, &u)
		check(t, u)
	}
}

func TestUsersCRUD(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	tok := admin.token
	var bob userBody
	metadata := `{"team": {"name": "core", "tags": [1, 2.5, "x", null, true]}, "empty": {}, "list": [[]]}`
	a.run(t, []scenario{
		{name: "create answers 201 with Location", method: "POST", path: "/v1/users", token: tok,
			body: `{"email": "Bob@Example.com", "username": "bob", "first_name": "Bob", "last_name": "Builder",
				"roles": ["user"], "metadata": ` + metadata + `}`,
			status: 201, check: func(t *testing.T, r *resp) {
				r.into(t, &bob)
				if r.header.Get("Location") != "/v1/users/"+bob.ID {
					t.Errorf("Location %q", r.header.Get("Location"))
				}
				if bob.FullName != "Bob Builder" || bob.OrgID != admin.org || bob.LastLoginAt != nil || bob.CreatedAt != bob.UpdatedAt ||
					!slices.Equal(bob.Roles, []string{"user"}) || bob.Disabled || bob.InstanceAdmin {
					t.Errorf("created %+v", bob)
				}
				sameJSON(t, bob.Metadata, metadata)
			}},
		{name: "roles default to user and metadata to {}", method: "POST", path: "/v1/users", token: tok,
			body: map[string]string{"email": "plain@example.com"}, status: 201, check: user(func(t *testing.T, u userBody) {
				if !slices.Equal(u.Roles, []string{"user"}) || string(u.Metadata) != "{}" {
					t.Errorf("created %+v", u)
				}
			})},
		{name: "a duplicate email in another case conflicts", method: "POST", path: "/v1/users", token: tok,
			body: map[string]string{"email": "BOB@example.com"}, status: 409, code: "conflict"},
		{name: "a duplicate username in another case conflicts", method: "POST", path: "/v1/users", token: tok,
			body: map[string]string{"email": "bob2@example.com", "username": "BOB"}, status: 409, code: "conflict"},
		{name: "invalid fields are all named", method: "POST", path: "/v1/users", token: tok,
			body:   map[string]any{"email": "nope", "username": "has space", "roles": []string{"emperor"}, "metadata": []int{1}, "password": "short"},
			status: 400, code: "validation_failed", fields: []string{"email", "username", "roles", "metadata", "password"}},
		{name: "metadata must be an object", method: "POST", path: "/v1/users", token: tok,
			body: `{"email": "m@example.com", "metadata": "x"}`, status: 400, code: "validation_failed", fields: []string{"metadata"}},
	})
	path := "/v1/users/" + bob.ID
	a.run(t, []scenario{
		{name: "get returns what was created, with its access", method: "GET", path: path, token: tok, status: 200,
			check: func(t *testing.T, r *resp) {
				var got struct {
					userBody
					Access []struct {
						Workspace *struct{ ID string } `json:"workspace"`
						Bindings  []struct{ Role string }
					} `json:"access"`
				}
				r.into(t, &got)
				if got.Email != "Bob@Example.com" || got.Username != "bob" || len(got.Access) != 1 || got.Access[0].Workspace != nil ||
					len(got.Access[0].Bindings) != 1 || got.Access[0].Bindings[0].Role != "user" {
					t.Fatalf("got %s", r.body)
				}
				sameJSON(t, got.Metadata, metadata)
			}},
		{name: "get accepts the ID in its hex form", method: "GET", path: "/v1/users/" + hexID(bob.ID), token: tok, status: 200,
			check: user(func(t *testing.T, u userBody) {
				if u.ID != bob.ID {
					t.Fatalf("got %s", u.ID)
				}
			})},
		{name: "merge patch changes fields and edits metadata", method: "PATCH", path: path, token: tok,
			ctype: "application/merge-patch+json", body: `{"full_name": "Robert", "metadata": {"team": {"tags": null}, "desk": 7, "empty": null}}`,
			status: 200, check: user(func(t *testing.T, u userBody) {
				if u.FullName != "Robert" || u.FirstName != "Bob" || u.UpdatedAt == u.CreatedAt {
					t.Fatalf("patched %+v", u)
				}
				sameJSON(t, u.Metadata, `{"team": {"name": "core"}, "desk": 7, "list": [[]]}`)
			})},
		{name: "plain JSON is a merge patch", method: "PATCH", path: path, token: tok, body: `{"last_name": "Baumeister"}`,
			status: 200, check: user(func(t *testing.T, u userBody) {
				if u.LastName != "Baumeister" || u.FullName != "Robert" {
					t.Fatalf("patched %+v", u)
				}
			})},
		{name: "JSON patch applies operations in order", method: "PATCH", path: path, token: tok, ctype: "application/json-patch+json",
			body: `[{"op": "test", "path": "/username", "value": "bob"}, {"op": "replace", "path": "/roles", "value": ["reader"]},
				{"op": "add", "path": "/metadata/floor", "value": {"n": 3, "wing": ["east"]}}, {"op": "move", "from": "/metadata/desk", "path": "/metadata/seat"}]`,
			status: 200, check: user(func(t *testing.T, u userBody) {
				if !slices.Equal(u.Roles, []string{"reader"}) {
					t.Fatalf("roles %v", u.Roles)
				}
				sameJSON(t, u.Metadata, `{"team": {"name": "core"}, "seat": 7, "list": [[]], "floor": {"n": 3, "wing": ["east"]}}`)
			})},
		{name: "a failed JSON patch test is a conflict", method: "PATCH", path: path, token: tok, ctype: "application/json-patch+json",
			body:   `[{"op": "replace", "path": "/full_name", "value": "X"}, {"op": "test", "path": "/username", "value": "alice"}]`,
			status: 409, code: "patch_test_failed"},
		{name: "and changes nothing", method: "GET", path: path, token: tok, status: 200, check: user(func(t *testing.T, u userBody) {
			if u.FullName != "Robert" {
				t.Fatalf("full_name changed to %q", u.FullName)
			}
		})},
		{name: "a merge patch of a read-only field is refused", method: "PATCH", path: path, token: tok, ctype: "application/merge-patch+json",
			body: `{"id": "0190f1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b"}`, status: 400, code: "unknown_field", fields: []string{"id"}},
		{name: "a JSON patch of a read-only field is refused", method: "PATCH", path: path, token: tok, ctype: "application/json-patch+json",
			body: `[{"op": "add", "path": "/created_at", "value": "2020-01-01T00:00:00Z"}]`, status: 400, code: "unknown_field", fields: []string{"created_at"}},
		{name: "a JSON patch of a missing path is refused", method: "PATCH", path: path, token: tok, ctype: "application/json-patch+json",
			body: `[{"op": "remove", "path": "/nothing"}]`, status: 400, code: "invalid_patch"},
		{name: "a patched invalid email is refused", method: "PATCH", path: path, token: tok, ctype: "application/merge-patch+json",
			body: `{"email": "nope"}`, status: 400, code: "validation_failed", fields: []string{"email"}},
		{name: "a patched taken email conflicts", method: "PATCH", path: path, token: tok, ctype: "application/merge-patch+json",
			body: `{"email": "PLAIN@example.com"}`, status: 409, code: "conflict"},
		{name: "a patched unknown role is refused", method: "PATCH", path: path, token: tok, ctype: "application/merge-patch+json",
			body: `{"roles": ["root"]}`, status: 400, code: "validation_failed", fields: []string{"roles"}},
		{name: "a merge patch null empties metadata", method: "PATCH", path: path, token: tok, ctype: "application/merge-patch+json",
			body: `{"metadata": null}`, status: 200, check: user(func(t *testing.T, u userBody) { sameJSON(t, u.Metadata, `{}`) })},
		{name: "an unchanged patch changes nothing", method: "PATCH", path: path, token: tok, ctype: "application/json-patch+json",
			body: `[]`, status: 200},
		{name: "delete answers 204", method: "DELETE", path: path, token: tok, status: 204},
		{name: "then get is not found", method: "GET", path: path, token: tok, status: 404, code: "not_found"},
		{name: "and patch is not found", method: "PATCH", path: path, token: tok, body: `{"full_name": "x"}`, status: 404, code: "not_found"},
		{name: "and a second delete is not found", method: "DELETE", path: path, token: tok, status: 404, code: "not_found"},
		{name: "and the email is free again", method: "POST", path: "/v1/users", token: tok, body: map[string]string{"email": "bob@example.com"}, status: 201},
	})
}

// hexID is the 32-hex-digit form of a dashed ID.
func hexID(id string) string {
	out := make([]byte, 0, 32)
	for i := 0; i < len(id); i++ {
		if id[i] != '-' {
			out = append(out, id[i])
		}
	}
	return string(out)
}

func TestUsersEditThemselves(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	reader := a.member(t, admin, "rita@example.com", "reader")
	me := "/v1/users/" + reader.id
	a.run(t, []scenario{
		{name: "a reader edits their own profile", method: "PATCH", path: me, token: reader.token, ctype: "application/merge-patch+json",
			body: `{"full_name": "Rita R", "username": "rita", "metadata": {"theme": "dark"}}`, status: 200},
		{name: "and with a JSON patch", method: "PATCH", path: me, token: reader.token, ctype: "application/json-patch+json",
			body: `[{"op": "replace", "path": "/first_name", "value": "Rita"}]`, status: 200},
		{name: "reads their own record", method: "GET", path: me, token: reader.token, status: 200},
		{name: "and themselves as current", method: "GET", path: "/v1/users/current", token: reader.token, status: 200,
			check: user(func(t *testing.T, u userBody) {
				if u.ID != reader.id || u.FullName != "Rita R" || u.FirstName != "Rita" || u.LastLoginAt == nil {
					t.Fatalf("current %+v", u)
				}
			})},
		{name: "but not their own roles", method: "PATCH", path: me, token: reader.token, ctype: "application/merge-patch+json",
			body: `{"roles": ["admin"]}`, status: 403, code: "forbidden"},
		{name: "nor through a JSON patch", method: "PATCH", path: me, token: reader.token, ctype: "application/json-patch+json",
			body: `[{"op": "add", "path": "/roles/-", "value": "admin"}]`, status: 403, code: "forbidden"},
		{name: "nor their disabled flag", method: "PATCH", path: me, token: reader.token, ctype: "application/merge-patch+json",
			body: `{"disabled": true}`, status: 403, code: "forbidden"},
		{name: "nor anyone else's profile", method: "PATCH", path: "/v1/users/" + admin.id, token: reader.token,
			ctype: "application/merge-patch+json", body: `{"full_name": "pwned"}`, status: 403, code: "forbidden"},
		{name: "nor delete themselves", method: "DELETE", path: me, token: reader.token, status: 403, code: "forbidden"},
		{name: "an admin cannot demote themselves", method: "PATCH", path: "/v1/users/" + admin.id, token: admin.token,
			ctype: "application/merge-patch+json", body: `{"roles": ["user"]}`, status: 412, code: "cannot_demote_self"},
		{name: "nor through a JSON patch", method: "PATCH", path: "/v1/users/" + admin.id, token: admin.token,
			ctype: "application/json-patch+json", body: `[{"op": "remove", "path": "/roles/0"}]`, status: 412, code: "cannot_demote_self"},
		{name: "nor disable themselves", method: "PATCH", path: "/v1/users/" + admin.id, token: admin.token,
			ctype: "application/merge-patch+json", body: `{"disabled": true}`, status: 412, code: "cannot_demote_self"},
		{name: "nor delete themselves", method: "DELETE", path: "/v1/users/" + admin.id, token: admin.token, status: 412, code: "cannot_delete_self"},
		{name: "but may add a role of their own", method: "PATCH", path: "/v1/users/" + admin.id, token: admin.token,
			ctype: "application/merge-patch+json", body: `{"roles": ["admin", "reader"]}`, status: 200},
		{name: "and promote someone else", method: "PATCH", path: me, token: admin.token,
			ctype: "application/merge-patch+json", body: `{"roles": ["user"]}`, status: 200},
		{name: "who now has the role's permissions at once", method: "POST", path: "/v1/workspaces", token: reader.token,
			body: map[string]string{"title": "Rita's"}, status: 201},
	})
}

// TestUsersListedInTurn lists users from many clients at once through a
// server that runs one list at a time: each waits its turn and gets its
// full answer.
func TestUsersListedInTurn(t *testing.T) {
	t.Parallel()
	a := newTestAPIWith(t, httpapi.Config{ListConcurrency: 1})
	admin := a.signup(t)
	for i := range 5 {
		a.do(t, req{method: "POST", path: "/v1/users", token: admin.token,
			body: map[string]any{"email": fmt.Sprintf("turn%d@example.com", i)}}).want(t, 201)
	}
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			query := "limit=100"
			if i%2 == 1 {
				query = "q=turn"
			}
			var page userPage
			a.do(t, req{method: "GET", path: "/v1/users?" + query, token: admin.token}).want(t, 200).into(t, &page)
			if want := map[bool]int{false: 6, true: 5}[i%2 == 1]; len(page.Users) != want {
				t.Errorf("GET /v1/users?%s: %d users, want %d", query, len(page.Users), want)
			}
		}()
	}
	wg.Wait()
}

// TestUsersListSentWhole: a page of users, far past net/http's 2 KiB
// chunking buffer, goes out with its Content-Length, not in chunks; a
// small answer has one too, and a Date.
func TestUsersListSentWhole(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	for i := range 20 {
		a.do(t, req{method: "POST", path: "/v1/users", token: admin.token,
			body: map[string]any{"email": fmt.Sprintf("whole%d@example.com", i), "full_name": "Whole Page"}}).want(t, 201)
	}
	r := a.do(t, req{method: "GET", path: "/v1/users?limit=100", token: admin.token}).want(t, 200)
	if len(r.body) < 4096 {
		t.Fatalf("a page of 21 users is only %d bytes", len(r.body))
	}
	if got := r.header.Get("Content-Length"); got != strconv.Itoa(len(r.body)) {
		t.Errorf("Content-Length %q for a body of %d bytes (sent in chunks?)", got, len(r.body))
	}
	// A small answer carries the length net/http computes.
	r = a.do(t, req{method: "GET", path: "/v1/users/" + admin.id, token: admin.token}).want(t, 200)
	if got := r.header.Get("Content-Length"); len(r.body) >= 2048 || got != strconv.Itoa(len(r.body)) {
		t.Errorf("Content-Length %q for a body of %d bytes", got, len(r.body))
	}
	// And one Date, of now (set by the server, see dateHeader).
	if d := r.header.Values("Date"); len(d) != 1 {
		t.Errorf("Date headers %q", d)
	} else if at, err := http.ParseTime(d[0]); err != nil || time.Since(at).Abs() > time.Minute {
		t.Errorf("Date %q: %v", d[0], err)
	}
}

// TestUsersListLeftWhileQueued: a list whose client leaves while it waits
// for its turn ends without an answer and is counted as 499, not as a
// server error; the place it waited for is not lost.
func TestUsersListLeftWhileQueued(t *testing.T) {
	t.Parallel()
	a := newTestAPIWith(t, httpapi.Config{ListConcurrency: 1})
	admin := a.signup(t)
	a.do(t, req{method: "GET", path: "/v1/users", token: admin.token}).want(t, 200) // the token is now cached
	release := a.server.HoldListPlace()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // gone before its turn: the only place is held
	r := httptest.NewRequestWithContext(ctx, "GET", "/v1/users", nil)
	r.Header.Set("Authorization", "Bearer "+admin.token)
	w := httptest.NewRecorder()
	a.server.ServeHTTP(w, r)
	if w.Code != 499 || w.Body.Len() != 0 {
		t.Fatalf("left while queued: %d %q, want 499 and no body", w.Code, w.Body)
	}
	release()
	a.do(t, req{method: "GET", path: "/v1/users", token: admin.token}).want(t, 200)
}

func TestUsersListPagesAndFilters(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	for i := range 25 {
		a.do(t, req{method: "POST", path: "/v1/users", token: admin.token, body: map[string]any{
			"email": fmt.Sprintf("user%02d@example.com", i), "username": fmt.Sprintf("handle%02d", i),
			"first_name": fmt.Sprintf("Given%02d", i), "last_name": "Family", "full_name": fmt.Sprintf("Person %02d", i)}}).want(t, 201)
	}
	list := func(t *testing.T, query string) userPage {
		t.Helper()
		var page userPage
		a.do(t, req{method: "GET", path: "/v1/users?" + query, token: admin.token}).want(t, 200).into(t, &page)
		return page
	}
	t.Run("keyset pages return every user once, in ID order", func(t *testing.T) {
		var ids []string
		query := "limit=10"
		for pages := 1; ; pages++ {
			page := list(t, query)
			if len(page.Users) > 10 {
				t.Fatalf("page %d has %d users", pages, len(page.Users))
			}
			for _, u := range page.Users {
				ids = append(ids, u.ID)
			}
			if page.NextCursor == nil {
				if pages != 3 {
					t.Fatalf("%d pages, want 3", pages)
				}
				break
			}
			query = "limit=10&cursor=" + url.QueryEscape(*page.NextCursor)
		}
		if len(ids) != 26 || !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != 26 {
			t.Fatalf("saw %d users: %v", len(ids), ids)
		}
	})
	t.Run("the default page holds everyone", func(t *testing.T) {
		if page := list(t, ""); len(page.Users) != 26 || page.NextCursor != nil {
			t.Fatalf("%d users, next %v", len(page.Users), page.NextCursor)
		}
	})
	cases := map[string]int{
		"email=USER07%40EXAMPLE.com":        1,
		"email=user07":                      0,
		"email=ada%40example.com":           1,
		"q=USER1":                           10,
		"q=user":                            25,
		"q=handle2":                         5,
		"q=HANDLE":                          25,
		"q=given0":                          10,
		"q=family":                          25,
		"q=person%2007":                     1,
		"q=ada":                             1,
		"q=amily":                           0,
		"q=Family&limit=5":                  5,
		"q=nobody":                          0,
		"q=user&email=user03%40example.com": 1,
	}
	for query, want := range cases {
		t.Run("filter "+query, func(t *testing.T) {
			if page := list(t, query); len(page.Users) != want {
				t.Fatalf("%d users, want %d", len(page.Users), want)
			}
		})
	}
	t.Run("a filtered list pages too", func(t *testing.T) {
		seen := map[string]bool{}
		query := "q=given&limit=7"
		for range 10 {
			page := list(t, query)
			for _, u := range page.Users {
				seen[u.ID] = true
			}
			if page.NextCursor == nil {
				break
			}
			query = "q=given&limit=7&cursor=" + url.QueryEscape(*page.NextCursor)
		}
		if len(seen) != 25 {
			t.Fatalf("saw %d users", len(seen))
		}
	})
}
