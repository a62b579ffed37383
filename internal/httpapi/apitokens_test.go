package httpapi_test

import (
	"bytes"
	"testing"
	"time"
)

// apiToken is a token as POST /v1/api-tokens/rotate returns it.
type apiToken struct {
	ID          string    `json:"id"`
	BearerToken string    `json:"bearer_token"`
	ValidUntil  time.Time `json:"valid_until"`
}

func (a *api) rotate(t testing.TB, token string) apiToken {
	t.Helper()
	var tok apiToken
	r := a.do(t, req{method: "POST", path: "/v1/api-tokens/rotate", token: token}).want(t, 201).into(t, &tok)
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
	}
	if !keyShape.MatchString(tok.BearerToken) {
		t.Fatalf("token %q", tok.BearerToken)
	}
	return tok
}

func (a *api) countTokens(t testing.TB, token string) int {
	t.Helper()
	var out struct {
		APITokens []map[string]any `json:"api_tokens"`
	}
	r := a.do(t, req{method: "GET", path: "/v1/api-tokens", token: token}).want(t, 200).into(t, &out)
	if bytes.Contains(r.body, []byte("bearer_token")) {
		t.Fatalf("the list shows a secret: %s", r.body)
	}
	return len(out.APITokens)
}

func TestAPITokenRotation(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	user := a.member(t, root, "user@example.com", "user")

	first := a.rotate(t, user.token)
	if d := time.Until(first.ValidUntil); d < 2*365*24*time.Hour-time.Hour || d > 2*366*24*time.Hour {
		t.Fatalf("valid until %v", first.ValidUntil)
	}
	if whoami(t, a, first.BearerToken)["internal_user_id"] != user.id {
		t.Fatal("the token is not the user's")
	}
	if n := a.countTokens(t, user.token); n != 1 {
		t.Fatalf("%d tokens listed", n)
	}

	// The current token rotates itself, as ThousandEyes clients do.
	second := a.rotate(t, first.BearerToken)
	if n := a.countTokens(t, second.BearerToken); n != 2 {
		t.Fatalf("%d tokens listed during the overlap", n)
	}
	whoami(t, a, first.BearerToken)
	whoami(t, a, second.BearerToken)
	t.Run("a second rotation inside the overlap is 409", func(t *testing.T) {
		a.do(t, req{method: "POST", path: "/v1/api-tokens/rotate", token: second.BearerToken}).want(t, 409, "rotation_in_progress")
		a.do(t, req{method: "POST", path: "/v1/api-tokens/rotate", token: user.token}).want(t, 409, "rotation_in_progress")
	})
	t.Run("an ordinary API key may not rotate", func(t *testing.T) {
		k := a.mintKey(t, root.token, "/v1/users/"+root.id+"/api-keys", map[string]any{"description": "ci"})
		a.do(t, req{method: "POST", path: "/v1/api-tokens/rotate", token: k.Key}).want(t, 403, "apikey_cannot_mint")
	})
	t.Run("nor an API token mint ordinary keys", func(t *testing.T) {
		a.do(t, req{method: "POST", path: "/v1/users/" + user.id + "/api-keys", token: second.BearerToken,
			body: map[string]any{"description": "x", "valid_sources": []string{"10.0.0.0/8"}}}).want(t, 403, "apikey_cannot_mint")
	})
	t.Run("the marker is reserved", func(t *testing.T) {
		a.do(t, req{method: "POST", path: "/v1/users/" + root.id + "/api-keys", token: root.token,
			body: map[string]any{"description": "api-token"}}).want(t, 400).naming(t, "description")
	})
	t.Run("the audit log records rotations without secrets", func(t *testing.T) {
		r := a.do(t, req{method: "GET", path: "/v1/audit-events?limit=1000", token: root.token}).want(t, 200)
		if !bytes.Contains(r.body, []byte(`"apitoken.rotated"`)) {
			t.Fatal("no apitoken.rotated event")
		}
		for _, tok := range []apiToken{first, second} {
			secret := tok.BearerToken[len("wdn_")+32+1:]
			if bytes.Contains(r.body, []byte(secret)) {
				t.Fatal("the audit log holds a token's secret")
			}
		}
	})

	a.clock.Advance(13 * 24 * time.Hour)
	t.Run("the old token works for 14 days", func(t *testing.T) {
		whoami(t, a, first.BearerToken)
		a.do(t, req{method: "POST", path: "/v1/api-tokens/rotate", token: second.BearerToken}).want(t, 409, "rotation_in_progress")
	})
	a.clock.Advance(2 * 24 * time.Hour)
	t.Run("and not after", func(t *testing.T) {
		a.do(t, req{method: "GET", path: "/v1/whoami", token: first.BearerToken}).want(t, 401, "apikey_expired")
		whoami(t, a, second.BearerToken)
		if n := a.countTokens(t, second.BearerToken); n != 1 {
			t.Fatalf("%d tokens listed after the overlap", n)
		}
	})
	t.Run("then it rotates again", func(t *testing.T) {
		third := a.rotate(t, second.BearerToken)
		whoami(t, a, third.BearerToken)
	})
}

func TestServiceAccountAPIToken(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	sa, client := a.serviceClient(t, root, "exporter")
	tok := a.form(t, "/oauth/token", &client, "grant_type", "client_credentials").want(t, 200).token(t)
	minted := a.rotate(t, tok.AccessToken)
	if w := whoami(t, a, minted.BearerToken); w["service_account_id"] != sa {
		t.Fatalf("whoami %v, want service account %s", w, sa)
	}
	narrowed := a.form(t, "/oauth/token", &client, "grant_type", "client_credentials", "scope", "users.read").want(t, 200).token(t)
	a.do(t, req{method: "POST", path: "/v1/api-tokens/rotate", token: narrowed.AccessToken}).want(t, 403)
	if n := a.countTokens(t, minted.BearerToken); n != 1 {
		t.Fatalf("%d tokens", n)
	}
}
