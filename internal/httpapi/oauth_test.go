package httpapi_test

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

const formType = "application/x-www-form-urlencoded"

// oauthClient is a client_id and its secret.
type oauthClient struct{ id, secret string }

// basic is the client's HTTP Basic header (RFC 6749 §2.3.1).
func (c oauthClient) basic() map[string]string {
	return map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString(
		[]byte(url.QueryEscape(c.id)+":"+url.QueryEscape(c.secret)))}
}

// form posts a form to an OAuth endpoint, the client authenticating with
// Basic when given.
func (a *api) form(t testing.TB, path string, c *oauthClient, fields ...string) *resp {
	t.Helper()
	v := url.Values{}
	for i := 0; i+1 < len(fields); i += 2 {
		v.Set(fields[i], fields[i+1])
	}
	r := req{method: "POST", path: path, body: v.Encode(), ctype: formType}
	if c != nil {
		r.header = c.basic()
	}
	return a.do(t, r)
}

type tokenBody struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
}

func (r *resp) token(t testing.TB) tokenBody {
	t.Helper()
	var b tokenBody
	r.into(t, &b)
	return b
}

// wantOAuth fails unless the response is an RFC 6749 error with status and
// error code.
func (r *resp) wantOAuth(t testing.TB, status int, code string) *resp {
	t.Helper()
	var b tokenBody
	r.into(t, &b)
	if r.status != status || b.Error != code || b.Description == "" {
		t.Fatalf("got %d %s, want %d %s", r.status, r.body, status, code)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("Cache-Control %q", r.header.Get("Cache-Control"))
	}
	return r
}

// serviceClient creates a service account and an OAuth client of it.
func (a *api) serviceClient(t testing.TB, admin actor, name string) (string, oauthClient) {
	t.Helper()
	sa := a.create(t, admin.token, "/v1/service-accounts", map[string]string{"name": name})
	var c struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	a.do(t, req{method: "POST", path: "/v1/service-accounts/" + sa + "/clients", token: admin.token,
		body: map[string]string{"name": name + " client"}}).want(t, 201).into(t, &c)
	return sa, oauthClient{c.ClientID, c.ClientSecret}
}

// appClient creates a first-party OAuth client.
func (a *api) appClient(t testing.TB, admin actor, name string, allowPassword bool) oauthClient {
	t.Helper()
	var c struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	a.do(t, req{method: "POST", path: "/v1/oauth-clients", token: admin.token,
		body: map[string]any{"name": name, "allow_password": allowPassword}}).want(t, 201).into(t, &c)
	if c.ClientID == "" || c.ClientSecret == "" {
		t.Fatal("no client_id or secret")
	}
	return oauthClient{c.ClientID, c.ClientSecret}
}

func whoami(t testing.TB, a *api, token string) map[string]any {
	t.Helper()
	var w map[string]any
	a.do(t, req{method: "GET", path: "/v1/whoami", token: token}).want(t, 200).into(t, &w)
	return w
}

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	sa, client := a.serviceClient(t, root, "deployer")

	res := a.form(t, "/oauth/token", &client, "grant_type", "client_credentials")
	tok := res.want(t, 200).token(t)
	if tok.TokenType != "Bearer" || tok.ExpiresIn != 3600 || tok.RefreshToken != "" || tok.AccessToken == "" {
		t.Fatalf("token %+v", tok)
	}
	if res.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("Cache-Control %q", res.header.Get("Cache-Control"))
	}
	t.Run("the token authenticates as the service account", func(t *testing.T) {
		if w := whoami(t, a, tok.AccessToken); w["service_account_id"] != sa || w["internal_user_id"] != nil {
			t.Fatalf("whoami %v", w)
		}
	})
	t.Run("form fields authenticate the client too", func(t *testing.T) {
		a.form(t, "/oauth/token", nil, "grant_type", "client_credentials", "client_id", client.id,
			"client_secret", client.secret).want(t, 200)
	})
	t.Run("a wrong secret with Basic is 401 invalid_client", func(t *testing.T) {
		bad := oauthClient{client.id, client.secret + "x"}
		r := a.form(t, "/oauth/token", &bad, "grant_type", "client_credentials").wantOAuth(t, 401, "invalid_client")
		if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Basic") {
			t.Fatalf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
		}
	})
	t.Run("a wrong secret in the form is 400 invalid_client", func(t *testing.T) {
		a.form(t, "/oauth/token", nil, "grant_type", "client_credentials", "client_id", client.id,
			"client_secret", "wsc_guess").wantOAuth(t, 400, "invalid_client")
	})
	t.Run("an unknown client is invalid_client", func(t *testing.T) {
		a.form(t, "/oauth/token", &oauthClient{root.org, "x"}, "grant_type", "client_credentials").wantOAuth(t, 401, "invalid_client")
	})
	t.Run("no client is invalid_client", func(t *testing.T) {
		a.form(t, "/oauth/token", nil, "grant_type", "client_credentials").wantOAuth(t, 400, "invalid_client")
	})
	t.Run("an unknown grant type is unsupported_grant_type", func(t *testing.T) {
		a.form(t, "/oauth/token", &client, "grant_type", "implicit").wantOAuth(t, 400, "unsupported_grant_type")
	})
	t.Run("no grant type is invalid_request", func(t *testing.T) {
		a.form(t, "/oauth/token", &client).wantOAuth(t, 400, "invalid_request")
	})
	t.Run("a JSON body is 415", func(t *testing.T) {
		r := a.do(t, req{method: "POST", path: "/oauth/token", body: map[string]string{"grant_type": "client_credentials"},
			header: client.basic()})
		r.wantOAuth(t, 415, "invalid_request")
	})
	t.Run("an unknown scope is invalid_scope", func(t *testing.T) {
		a.form(t, "/oauth/token", &client, "grant_type", "client_credentials", "scope", "launch.missiles").
			wantOAuth(t, 400, "invalid_scope")
	})
	t.Run("a service account's client may not use the password grant", func(t *testing.T) {
		a.form(t, "/oauth/token", &client, "grant_type", "password", "username", root.email, "password", password).
			wantOAuth(t, 400, "unauthorized_client")
	})
	t.Run("introspection describes the token to a client of its org", func(t *testing.T) {
		var in map[string]any
		a.form(t, "/oauth/introspect", &client, "token", tok.AccessToken).want(t, 200).into(t, &in)
		if in["active"] != true || in["sub"] != sa || in["org"] != root.org || in["client_id"] != client.id ||
			in["token_type"] != "access_token" {
			t.Fatalf("introspection %v", in)
		}
	})
	t.Run("introspection without a client is invalid_client", func(t *testing.T) {
		a.form(t, "/oauth/introspect", nil, "token", tok.AccessToken).wantOAuth(t, 400, "invalid_client")
	})
	t.Run("another org's client sees the token inactive", func(t *testing.T) {
		boss := a.otherOrg(t, root, "Other Org", "boss@other.example")
		_, theirs := a.serviceClient(t, boss, "spy")
		a.form(t, "/oauth/introspect", &theirs, "token", tok.AccessToken).want(t, 200).has(t, `{"active":false}`)
		a.form(t, "/oauth/revoke", &theirs, "token", tok.AccessToken).want(t, 200)
		whoami(t, a, tok.AccessToken) // still works
	})
	t.Run("an unknown token revokes nothing and is 200", func(t *testing.T) {
		a.form(t, "/oauth/revoke", &client, "token", "garbage").want(t, 200)
	})
	t.Run("revocation ends the token on the next request", func(t *testing.T) {
		a.form(t, "/oauth/revoke", &client, "token", tok.AccessToken, "token_type_hint", "access_token").want(t, 200)
		a.do(t, req{method: "GET", path: "/v1/whoami", token: tok.AccessToken}).want(t, 401, "token_revoked")
		a.form(t, "/oauth/introspect", &client, "token", tok.AccessToken).want(t, 200).has(t, `{"active":false}`)
	})
	t.Run("a narrowed token is refused outside its scope", func(t *testing.T) {
		// The service account may read users once bound to reader.
		a.do(t, req{method: "POST", path: "/v1/role-bindings", token: root.token, body: map[string]any{
			"subject": map[string]string{"type": "service_account", "id": sa}, "role": "reader",
			"scope": map[string]string{"type": "org", "id": root.org}}}).want(t, 201)
		narrow := a.form(t, "/oauth/token", &client, "grant_type", "client_credentials", "scope", "groups.read").want(t, 200).token(t)
		if narrow.Scope != "groups.read" {
			t.Fatalf("scope %q", narrow.Scope)
		}
		a.do(t, req{method: "GET", path: "/v1/groups", token: narrow.AccessToken}).want(t, 200)
		a.do(t, req{method: "GET", path: "/v1/users", token: narrow.AccessToken}).want(t, 403, "forbidden")
		full := a.form(t, "/oauth/token", &client, "grant_type", "client_credentials").want(t, 200).token(t)
		a.do(t, req{method: "GET", path: "/v1/users", token: full.AccessToken}).want(t, 200)
	})
	t.Run("a disabled service account gets no token, and its tokens stop", func(t *testing.T) {
		live := a.form(t, "/oauth/token", &client, "grant_type", "client_credentials").want(t, 200).token(t)
		a.do(t, req{method: "PATCH", path: "/v1/service-accounts/" + sa, token: root.token,
			body: `{"disabled": true}`, ctype: "application/merge-patch+json"}).want(t, 200)
		a.do(t, req{method: "GET", path: "/v1/whoami", token: live.AccessToken}).want(t, 401)
		a.form(t, "/oauth/token", &client, "grant_type", "client_credentials").wantOAuth(t, 401, "invalid_client")
	})
}

func TestRefreshRotationAndReuse(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	app := a.appClient(t, root, "portal", true)

	first := a.form(t, "/oauth/token", &app, "grant_type", "password", "username", root.email, "password", password).
		want(t, 200).token(t)
	if !strings.HasPrefix(first.RefreshToken, "wrt_") || first.AccessToken == "" {
		t.Fatalf("token %+v", first)
	}
	if w := whoami(t, a, first.AccessToken); w["internal_user_id"] != root.id {
		t.Fatalf("whoami %v", w)
	}
	second := a.form(t, "/oauth/token", &app, "grant_type", "refresh_token", "refresh_token", first.RefreshToken).
		want(t, 200).token(t)
	if second.RefreshToken == first.RefreshToken || second.RefreshToken == "" || second.AccessToken == first.AccessToken {
		t.Fatal("the refresh did not rotate")
	}
	whoami(t, a, second.AccessToken)
	var intro map[string]any
	a.form(t, "/oauth/introspect", &app, "token", second.RefreshToken).want(t, 200).into(t, &intro)
	if intro["active"] != true || intro["token_type"] != "refresh_token" || intro["sub"] != root.id {
		t.Fatalf("introspection %v", intro)
	}

	t.Run("the refresh token needs its client", func(t *testing.T) {
		a.form(t, "/oauth/token", nil, "grant_type", "refresh_token", "refresh_token", second.RefreshToken).
			wantOAuth(t, 400, "invalid_client")
		other := a.appClient(t, root, "other", true)
		a.form(t, "/oauth/token", &other, "grant_type", "refresh_token", "refresh_token", second.RefreshToken).
			wantOAuth(t, 400, "invalid_grant")
	})
	t.Run("a forged secret is invalid_grant and no reuse", func(t *testing.T) {
		forged := second.RefreshToken[:len(second.RefreshToken)-4] + "AAAA"
		a.form(t, "/oauth/token", &app, "grant_type", "refresh_token", "refresh_token", forged).wantOAuth(t, 400, "invalid_grant")
		whoami(t, a, second.AccessToken)
	})
	t.Run("reusing a refresh token revokes the whole grant", func(t *testing.T) {
		a.form(t, "/oauth/token", &app, "grant_type", "refresh_token", "refresh_token", first.RefreshToken).
			wantOAuth(t, 400, "invalid_grant")
		a.form(t, "/oauth/token", &app, "grant_type", "refresh_token", "refresh_token", second.RefreshToken).
			wantOAuth(t, 400, "invalid_grant")
		a.do(t, req{method: "GET", path: "/v1/whoami", token: first.AccessToken}).want(t, 401)
		a.do(t, req{method: "GET", path: "/v1/whoami", token: second.AccessToken}).want(t, 401)
		a.form(t, "/oauth/introspect", &app, "token", second.RefreshToken).want(t, 200).has(t, `{"active":false}`)
	})
	t.Run("the audit log tells, and holds no secret", func(t *testing.T) {
		r := a.do(t, req{method: "GET", path: "/v1/audit-events?limit=1000", token: root.token}).want(t, 200)
		r.has(t, "reuse_detected", "grant.revoked", "token.issued", "grant.created", "oauth_client.created")
		for _, secret := range []string{"wrt_", "wsc_", app.secret, first.AccessToken} {
			if strings.Contains(string(r.body), secret) {
				t.Fatalf("the audit log holds %q", secret)
			}
		}
	})
	t.Run("revoking a refresh token ends its grant", func(t *testing.T) {
		tok := a.form(t, "/oauth/token", &app, "grant_type", "password", "username", root.email, "password", password).
			want(t, 200).token(t)
		a.form(t, "/oauth/revoke", &app, "token", tok.RefreshToken, "token_type_hint", "refresh_token").want(t, 200)
		a.do(t, req{method: "GET", path: "/v1/whoami", token: tok.AccessToken}).want(t, 401)
		a.form(t, "/oauth/token", &app, "grant_type", "refresh_token", "refresh_token", tok.RefreshToken).
			wantOAuth(t, 400, "invalid_grant")
	})
	t.Run("an expired grant is invalid_grant", func(t *testing.T) {
		tok := a.form(t, "/oauth/token", &app, "grant_type", "password", "username", root.email, "password", password).
			want(t, 200).token(t)
		a.clock.Advance(31 * 24 * time.Hour)
		a.form(t, "/oauth/token", &app, "grant_type", "refresh_token", "refresh_token", tok.RefreshToken).
			wantOAuth(t, 400, "invalid_grant")
	})
}

func TestPasswordGrant(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	app := a.appClient(t, root, "portal", true)
	noPassword := a.appClient(t, root, "backend", false)
	a.member(t, root, "reader@example.com", "reader")

	t.Run("a client without allow_password is unauthorized_client", func(t *testing.T) {
		a.form(t, "/oauth/token", &noPassword, "grant_type", "password", "username", root.email, "password", password).
			wantOAuth(t, 400, "unauthorized_client")
	})
	t.Run("a wrong password is invalid_grant", func(t *testing.T) {
		a.form(t, "/oauth/token", &app, "grant_type", "password", "username", root.email, "password", "wrong password here").
			wantOAuth(t, 400, "invalid_grant")
	})
	t.Run("a missing password is invalid_request", func(t *testing.T) {
		a.form(t, "/oauth/token", &app, "grant_type", "password", "username", root.email).wantOAuth(t, 400, "invalid_request")
	})
	t.Run("a user of another org is invalid_grant", func(t *testing.T) {
		a.otherOrg(t, root, "Other Org", "boss@other.example")
		a.form(t, "/oauth/token", &app, "grant_type", "password", "username", "boss@other.example", "password", password).
			wantOAuth(t, 400, "invalid_grant")
	})
	t.Run("the token acts as the user, narrowed by scope", func(t *testing.T) {
		tok := a.form(t, "/oauth/token", &app, "grant_type", "password", "username", "reader@example.com", "password", password,
			"scope", "users.read").want(t, 200).token(t)
		if tok.Scope != "users.read" {
			t.Fatalf("scope %q", tok.Scope)
		}
		a.do(t, req{method: "GET", path: "/v1/users", token: tok.AccessToken}).want(t, 200)
		a.do(t, req{method: "GET", path: "/v1/groups", token: tok.AccessToken}).want(t, 403, "forbidden")
		t.Run("a refresh keeps the narrowing and cannot widen it", func(t *testing.T) {
			a.form(t, "/oauth/token", &app, "grant_type", "refresh_token", "refresh_token", tok.RefreshToken, "scope", "groups.read").
				wantOAuth(t, 400, "invalid_scope")
			next := a.form(t, "/oauth/token", &app, "grant_type", "refresh_token", "refresh_token", tok.RefreshToken).
				want(t, 200).token(t)
			a.do(t, req{method: "GET", path: "/v1/groups", token: next.AccessToken}).want(t, 403, "forbidden")
		})
	})
	t.Run("a revoked client's tokens stop at once", func(t *testing.T) {
		tok := a.form(t, "/oauth/token", &app, "grant_type", "password", "username", root.email, "password", password).
			want(t, 200).token(t)
		whoami(t, a, tok.AccessToken)
		a.do(t, req{method: "DELETE", path: "/v1/oauth-clients/" + app.id, token: root.token}).want(t, 204)
		a.do(t, req{method: "GET", path: "/v1/whoami", token: tok.AccessToken}).want(t, 401)
		a.form(t, "/oauth/token", &app, "grant_type", "refresh_token", "refresh_token", tok.RefreshToken).
			wantOAuth(t, 401, "invalid_client")
		a.do(t, req{method: "DELETE", path: "/v1/oauth-clients/" + app.id, token: root.token}).want(t, 404, "not_found")
	})
}

func TestFirstPartyClients(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	reader := a.member(t, root, "reader@example.com", "reader")
	app := a.appClient(t, root, "portal", true)
	boss := a.otherOrg(t, root, "Other Org", "boss@other.example")
	_, saClient := a.serviceClient(t, root, "deployer")
	a.run(t, []scenario{
		{name: "listed without secrets", method: "GET", path: "/v1/oauth-clients", token: root.token, status: 200,
			has: []string{app.id, `"allow_password":true`}, check: func(t *testing.T, r *resp) {
				if strings.Contains(string(r.body), "secret") || strings.Contains(string(r.body), saClient.id) {
					t.Fatalf("the list shows %s", r.body)
				}
			}},
		{name: "a reader may not list", method: "GET", path: "/v1/oauth-clients", token: reader.token, status: 403, code: "forbidden"},
		{name: "a name is required", method: "POST", path: "/v1/oauth-clients", token: root.token,
			body: map[string]any{"allow_password": true}, status: 400, code: "validation_failed", fields: []string{"name"}},
		{name: "another org cannot revoke it", method: "DELETE", path: "/v1/oauth-clients/" + app.id, token: boss.token,
			status: 404, code: "not_found"},
		{name: "a service account's client is not one", method: "DELETE", path: "/v1/oauth-clients/" + saClient.id, token: root.token,
			status: 404, code: "not_found"},
		{name: "revoked", method: "DELETE", path: "/v1/oauth-clients/" + app.id, token: root.token, status: 204},
		{name: "and gone from the list", method: "GET", path: "/v1/oauth-clients", token: root.token, status: 200,
			has: []string{`"clients":[]`}},
	})
}

// TestOAuthBadInput sends the OAuth endpoints what they must refuse: an
// RFC 6749 error with a 4xx, never a problem or a 5xx.
func TestOAuthBadInput(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	_, client := a.serviceClient(t, root, "deployer")
	for _, path := range []string{"/oauth/token", "/oauth/revoke", "/oauth/introspect"} {
		for _, c := range []struct {
			what, body, ctype string
			status            int
			header            map[string]string
		}{
			{"a JSON body", `{"grant_type":"client_credentials"}`, "application/json", 415, client.basic()},
			{"no content type", "grant_type=client_credentials", "", 415, client.basic()},
			{"a repeated field", "grant_type=client_credentials&grant_type=password&token=x&token=y", formType, 400, client.basic()},
			{"a malformed form", "grant_type=%zz&token=%zz", formType, 400, client.basic()},
			{"a huge form", "token=" + strings.Repeat("a", 2<<20), formType, 413, client.basic()},
			{"two client authentications", "grant_type=client_credentials&token=x&client_id=" + client.id + "&client_secret=" + client.secret,
				formType, 400, client.basic()},
			{"a Basic credential not form-encoded", "grant_type=client_credentials&token=x", formType, 400,
				map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("%zz:%zz"))}},
			{"a garbage Basic client", "grant_type=client_credentials&token=x", formType, 401,
				map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("nobody:nothing"))}},
		} {
			t.Run(path+" refuses "+c.what, func(t *testing.T) {
				r := req{method: "POST", path: path, body: c.body, ctype: c.ctype, header: c.header}
				if c.ctype == "" {
					r.header = map[string]string{"Content-Type": "", "Authorization": c.header["Authorization"]}
				}
				res := a.do(t, r)
				var b tokenBody
				res.into(t, &b)
				if res.status != c.status || b.Error == "" {
					t.Fatalf("got %d %s, want %d", res.status, res.body, c.status)
				}
			})
		}
	}
	t.Run("revocation and introspection need a token", func(t *testing.T) {
		a.form(t, "/oauth/revoke", &client).wantOAuth(t, 400, "invalid_request")
		a.form(t, "/oauth/introspect", &client).wantOAuth(t, 400, "invalid_request")
	})
	t.Run("a malformed refresh token is invalid_grant", func(t *testing.T) {
		for _, tok := range []string{"wrt_", "wrt_x_y", "wrt_" + strings.Repeat("0", 32) + "_x", "nonsense"} {
			a.form(t, "/oauth/token", nil, "grant_type", "refresh_token", "refresh_token", tok).wantOAuth(t, 400, "invalid_grant")
		}
		a.form(t, "/oauth/token", nil, "grant_type", "refresh_token").wantOAuth(t, 400, "invalid_request")
	})
}

// TestWhoAmIFollowsChanges: whoami's answer is encoded once and sent again,
// so a change to the caller's profile or roles must show in the next one,
// and another caller never gets the first caller's answer.
func TestWhoAmIFollowsChanges(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	grace := a.member(t, admin, "grace@example.com", "user")
	if w := whoami(t, a, grace.token); w["first_name"] != "" || fmt.Sprint(w["roles"]) != "[user]" {
		t.Fatalf("whoami before %v", w)
	}
	a.do(t, req{method: "PATCH", path: "/v1/users/" + grace.id, token: admin.token, ctype: "application/merge-patch+json",
		body: `{"first_name": "Grace", "roles": ["admin"]}`}).want(t, 200)
	if w := whoami(t, a, grace.token); w["first_name"] != "Grace" || fmt.Sprint(w["roles"]) != "[admin]" {
		t.Fatalf("whoami after the change %v", w)
	}
	if w := whoami(t, a, admin.token); w["internal_user_id"] != admin.id || w["email"] != "ada@example.com" {
		t.Fatalf("the admin's whoami %v", w)
	}
}
