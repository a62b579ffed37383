package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/wardenhq/warden/internal/iam"
)

func TestPasswordChange(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	pat := a.member(t, root, "pat@example.com", "user")
	other := a.login(t, "pat@example.com", password) // a second session of pat's
	path := "/v1/users/" + pat.id + "/password"
	change := func(token string, body map[string]string) *resp {
		return a.do(t, req{method: "PUT", path: path, token: token, body: body})
	}
	const next = "a brand new passphrase"

	a.run(t, []scenario{
		{name: "one's own needs the current password", method: "PUT", path: path, token: pat.token,
			body:   map[string]string{"new_password": next, "new_password_confirm": next},
			status: 400, code: "validation_failed", fields: []string{"current_password"}},
		{name: "the right current password", method: "PUT", path: path, token: pat.token,
			body:   map[string]string{"current_password": "not my password", "new_password": next, "new_password_confirm": next},
			status: 400, code: "validation_failed", fields: []string{"current_password"}},
		{name: "a confirmation that matches", method: "PUT", path: path, token: pat.token,
			body:   map[string]string{"current_password": password, "new_password": next, "new_password_confirm": next + "!"},
			status: 400, code: "validation_failed", fields: []string{"new_password_confirm"}},
		{name: "a new password the policy accepts", method: "PUT", path: path, token: pat.token,
			body:   map[string]string{"current_password": password, "new_password": "short", "new_password_confirm": "short"},
			status: 400, code: "validation_failed", fields: []string{"new_password"}},
		{name: "not a common one", method: "PUT", path: path, token: pat.token,
			body:   map[string]string{"current_password": password, "new_password": "password123", "new_password_confirm": "password123"},
			status: 400, code: "validation_failed", fields: []string{"new_password"}},
		{name: "nor someone else's without passwords.set", method: "PUT", path: "/v1/users/" + root.id + "/password", token: pat.token,
			body:   map[string]string{"new_password": next, "new_password_confirm": next},
			status: 403, code: "forbidden"},
	})
	t.Run("a good change signs out the other sessions only", func(t *testing.T) {
		change(pat.token, map[string]string{"current_password": password, "new_password": next, "new_password_confirm": next}).want(t, 204)
		a.do(t, req{method: "GET", path: "/v1/users/current", token: pat.token}).want(t, 200)
		a.do(t, req{method: "GET", path: "/v1/users/current", token: other.token}).want(t, 401)
		a.tryLogin(t, "pat@example.com", password).want(t, 401, "invalid_credentials")
		a.login(t, "pat@example.com", next)
	})
	t.Run("an administrator sets it without the current one", func(t *testing.T) {
		change(root.token, map[string]string{"new_password": "set by the admin", "new_password_confirm": "set by the admin"}).want(t, 204)
		a.do(t, req{method: "GET", path: "/v1/users/current", token: pat.token}).want(t, 401)
		pat = a.login(t, "pat@example.com", "set by the admin")
	})
	t.Run("another org's administrator does not find the user", func(t *testing.T) {
		boss := a.otherOrg(t, root, "Other", "boss@other.example")
		change(boss.token, map[string]string{"new_password": next, "new_password_confirm": next}).want(t, 404, "not_found")
	})

	t.Run("the policy starts as the server's defaults", func(t *testing.T) {
		a.do(t, req{method: "GET", path: "/v1/password-policy", token: pat.token}).want(t, 200).
			has(t, `"min_length":8`, `"history":0`, `"updated_at":null`)
	})
	policy := func(min, max, history int) map[string]any {
		return map[string]any{"min_length": min, "max_length": max, "blocklist": true, "history": history, "max_age_days": 90}
	}
	a.run(t, []scenario{
		{name: "the policy needs at least 8 characters", method: "PUT", path: "/v1/password-policy", token: root.token,
			body: policy(6, 128, 0), status: 400, code: "validation_failed", fields: []string{"min_length"}},
		{name: "and permits at least 64", method: "PUT", path: "/v1/password-policy", token: root.token,
			body: policy(8, 32, 0), status: 400, code: "validation_failed", fields: []string{"max_length"}},
		{name: "and remembers at most 24", method: "PUT", path: "/v1/password-policy", token: root.token,
			body: policy(8, 64, 25), status: 400, code: "validation_failed", fields: []string{"history"}},
		{name: "a plain user may not change it", method: "PUT", path: "/v1/password-policy", token: pat.token,
			body: policy(12, 128, 3), status: 403, code: "forbidden"},
		{name: "an administrator may", method: "PUT", path: "/v1/password-policy", token: root.token,
			body: policy(12, 128, 3), status: 200, has: []string{`"min_length":12`, `"history":3`, `"max_age_days":90`}},
		{name: "and everyone reads it", method: "GET", path: "/v1/password-policy", token: pat.token,
			status: 200, has: []string{`"min_length":12`, `"updated_at":"`}},
		{name: "new users follow it", method: "POST", path: "/v1/users", token: root.token,
			body:   map[string]any{"email": "newbie@example.com", "password": "eleven char"},
			status: 400, code: "validation_failed", fields: []string{"password"}},
		{name: "so do changes", method: "PUT", path: path, token: pat.token,
			body:   map[string]string{"current_password": "set by the admin", "new_password": "eleven char", "new_password_confirm": "eleven char"},
			status: 400, code: "validation_failed", fields: []string{"new_password"}},
		{name: "a recent password cannot come back", method: "PUT", path: path, token: pat.token,
			body:   map[string]string{"current_password": "set by the admin", "new_password": next, "new_password_confirm": next},
			status: 400, code: "validation_failed", fields: []string{"new_password"}},
		{name: "nor the current one", method: "PUT", path: path, token: pat.token,
			body:   map[string]string{"current_password": "set by the admin", "new_password": "set by the admin", "new_password_confirm": "set by the admin"},
			status: 400, code: "validation_failed", fields: []string{"new_password"}},
		{name: "nor the first one, within the last 3", method: "PUT", path: path, token: pat.token,
			body:   map[string]string{"current_password": "set by the admin", "new_password": password, "new_password_confirm": password},
			status: 400, code: "validation_failed", fields: []string{"new_password"}},
		{name: "a fresh one is fine", method: "PUT", path: path, token: pat.token,
			body:   map[string]string{"current_password": "set by the admin", "new_password": "yet another passphrase", "new_password_confirm": "yet another passphrase"},
			status: 204},
	})
	t.Run("the audit log has the changes and no password", func(t *testing.T) {
		body := string(a.do(t, req{method: "GET", path: "/v1/audit-events?limit=1000", token: root.token}).want(t, 200).
			has(t, `"password.changed"`, `"password_policy.updated"`).body)
		for _, s := range []string{next, "set by the admin", password, "argon2"} {
			if strings.Contains(body, s) {
				t.Fatalf("the audit log shows %q", s)
			}
		}
	})
}

// TestImportedBcryptHashIsUpgraded: a user whose password was imported as
// a bcrypt hash logs in with it, and the hash becomes argon2id.
func TestImportedBcryptHashIsUpgraded(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	var u struct {
		ID string `json:"id"`
	}
	a.do(t, req{method: "POST", path: "/v1/users", token: root.token, body: map[string]any{"email": "old@example.com"}}).
		want(t, 201).into(t, &u)
	orgID, _ := iam.ParseID(root.org)
	userID, _ := iam.ParseID(u.ID)
	hash, err := bcrypt.GenerateFromPassword([]byte("imported secret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := a.store.SetPassword(ctx, orgID, userID, string(hash), time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	a.login(t, "old@example.com", "imported secret")
	stored, err := a.store.GetPasswordHash(ctx, orgID, userID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stored, "$argon2id$") {
		t.Fatalf("the hash was not upgraded: %.10s…", stored)
	}
	a.login(t, "old@example.com", "imported secret")
}

// TestExpiredPasswords: past the policy's max_age_days a login is refused
// with password_expired, and the same login with new_password sets a new
// one (policy and history apply) and logs in.
func TestExpiredPasswords(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	a.member(t, root, "pat@example.com", "user")
	a.do(t, req{method: "PUT", path: "/v1/password-policy", token: root.token, body: map[string]any{
		"min_length": 8, "max_length": 64, "blocklist": true, "history": 2, "max_age_days": 30}}).want(t, 200)
	login := func(body map[string]string) req { return req{method: "POST", path: "/v1/login", body: body} }
	a.run(t, []scenario{
		{name: "a fresh password logs in", method: "POST", path: "/v1/login",
			body: map[string]string{"login": "pat@example.com", "password": password}, status: 200},
	})
	a.clock.Advance(31 * 24 * time.Hour)
	const next = "a fresher passphrase"
	for _, sc := range []struct {
		name   string
		r      req
		status int
		code   string
	}{
		{"an old one is refused", login(map[string]string{"login": "pat@example.com", "password": password}), 401, "password_expired"},
		{"a wrong one says nothing of age", login(map[string]string{"login": "pat@example.com", "password": "not the password"}), 401, "invalid_credentials"},
		{"the same password again is history", login(map[string]string{"login": "pat@example.com", "password": password, "new_password": password}), 400, "validation_failed"},
		{"a new one logs in", login(map[string]string{"login": "pat@example.com", "password": password, "new_password": next}), 200, ""},
		{"and is the password now", login(map[string]string{"login": "pat@example.com", "password": next}), 200, ""},
	} {
		t.Run(sc.name, func(t *testing.T) {
			r := a.do(t, sc.r)
			if sc.code == "" {
				r.want(t, sc.status)
			} else {
				r.want(t, sc.status, sc.code)
			}
		})
	}
}
