package httpapi_test

import (
	"strings"
	"testing"
)

// TestIdempotencyKey: a retried write with the same Idempotency-Key gets
// the first answer again instead of writing twice.
func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	bob := a.member(t, root, "bob@example.com", "admin")
	create := func(token, key string, body any) *resp {
		return a.do(t, req{method: "POST", path: "/v1/users", token: token, body: body, header: map[string]string{"Idempotency-Key": key}})
	}
	first := create(root.token, "k-1", map[string]string{"email": "carol@example.com"}).want(t, 201)
	t.Run("a retry gets the same answer and writes nothing", func(t *testing.T) {
		again := create(root.token, "k-1", map[string]string{"email": "carol@example.com"}).want(t, 201)
		if string(again.body) != string(first.body) || again.header.Get("Idempotent-Replayed") != "true" ||
			again.header.Get("Location") != first.header.Get("Location") {
			t.Fatalf("the retry answered %s %v, the first %s", again.body, again.header, first.body)
		}
		list := a.do(t, req{method: "GET", path: "/v1/users?email=carol@example.com", token: root.token}).want(t, 200)
		if strings.Count(string(list.body), `"email":"carol@example.com"`) != 1 {
			t.Fatalf("carol exists %d times", strings.Count(string(list.body), "carol@"))
		}
	})
	t.Run("another request under the key is refused", func(t *testing.T) {
		create(root.token, "k-1", map[string]string{"email": "dave@example.com"}).want(t, 422, "idempotency_key_reused")
	})
	t.Run("the key is the caller's own", func(t *testing.T) {
		create(bob.token, "k-1", map[string]string{"email": "dave@example.com"}).want(t, 201)
	})
	t.Run("a refusal is kept too", func(t *testing.T) {
		create(root.token, "k-2", map[string]string{"email": "not an email"}).want(t, 400, "validation_failed")
		r := create(root.token, "k-2", map[string]string{"email": "not an email"}).want(t, 400, "validation_failed")
		if r.header.Get("Idempotent-Replayed") != "true" {
			t.Fatal("the refusal was not replayed")
		}
	})
	t.Run("a key must be visible ASCII", func(t *testing.T) {
		create(root.token, "a key", map[string]string{"email": "erin@example.com"}).want(t, 400, "validation_failed")
	})
	t.Run("a one-time secret comes back on retry, and only sealed is kept", func(t *testing.T) {
		path := "/v1/users/" + root.id + "/api-keys"
		body := map[string]any{"valid_sources": []string{"127.0.0.1"}}
		h := map[string]string{"Idempotency-Key": "mint-1"}
		one := a.do(t, req{method: "POST", path: path, token: root.token, body: body, header: h}).want(t, 201)
		two := a.do(t, req{method: "POST", path: path, token: root.token, body: body, header: h}).want(t, 201)
		if string(one.body) != string(two.body) {
			t.Fatalf("two keys minted: %s / %s", one.body, two.body)
		}
	})
}
