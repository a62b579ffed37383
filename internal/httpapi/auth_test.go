package httpapi_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSignup(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	signup := func(email, pw, org string) map[string]string {
		return map[string]string{"email": email, "password": pw, "full_name": "Ada Lovelace", "org_name": org}
	}
	a.run(t, []scenario{
		{name: "invalid fields are all named", method: "POST", path: "/v1/signup",
			body:   map[string]string{"email": "not-an-email", "password": "x"},
			status: 400, code: "validation_failed", fields: []string{"email", "org_name", "password"}},
		{name: "a missing password is named", method: "POST", path: "/v1/signup",
			body:   map[string]string{"email": "ada@example.com", "org_name": "Analytical"},
			status: 400, code: "validation_failed", fields: []string{"password"}},
		{name: "a short password is refused", method: "POST", path: "/v1/signup", body: signup("ada@example.com", "abc123", "Analytical"),
			status: 400, code: "validation_failed", fields: []string{"password"}},
		{name: "a blocklisted password is refused", method: "POST", path: "/v1/signup", body: signup("ada@example.com", "password1", "Analytical"),
			status: 400, code: "validation_failed", fields: []string{"password"}},
		{name: "the email as password is refused", method: "POST", path: "/v1/signup", body: signup("ada@example.com", "ada@example.com", "Analytical"),
			status: 400, code: "validation_failed", fields: []string{"password"}},
		{name: "an email with a display name is refused", method: "POST", path: "/v1/signup", body: signup("Ada <ada@example.com>", password, "Analytical"),
			status: 400, code: "validation_failed", fields: []string{"email"}},
		{name: "the first signup creates the org and its admin", method: "POST", path: "/v1/signup", body: signup("ada@example.com", password, "Analytical"),
			status: 201, check: func(t *testing.T, r *resp) {
				var out struct {
					UserID string `json:"user_id"`
					OrgID  string `json:"org_id"`
				}
				r.into(t, &out)
				me := a.login(t, "ada@example.com", password)
				if out.UserID != me.id || out.OrgID != me.org {
					t.Fatalf("signup answered %+v, login says user %s org %s", out, me.id, me.org)
				}
			}},
		{name: "a second signup is closed", method: "POST", path: "/v1/signup", body: signup("eve@example.com", password, "Evil"),
			status: 409, code: "signup_closed"},
		{name: "a second signup with the same email is closed too", method: "POST", path: "/v1/signup", body: signup("ada@example.com", password, "Analytical 2"),
			status: 409, code: "signup_closed"},
	})
}

func TestLogin(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	a.do(t, req{method: "POST", path: "/v1/users", token: admin.token, body: map[string]string{"email": "nopass@example.com"}}).want(t, 201)
	login := func(name, pw string) map[string]string { return map[string]string{"login": name, "password": pw} }
	var bodies []string
	failed := func(t *testing.T, r *resp) {
		if r.header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		bodies = append(bodies, string(r.body))
	}
	a.run(t, []scenario{
		{name: "succeeds with an HttpOnly, SameSite=Lax session cookie", method: "POST", path: "/v1/login", body: login("ada@example.com", password),
			status: 200, check: func(t *testing.T, r *resp) {
				var out struct {
					User        struct{ ID, Email string }
					AccessToken string `json:"access_token"`
					TokenType   string `json:"token_type"`
					ExpiresAt   time.Time
				}
				r.into(t, &out)
				if out.User.ID != admin.id || out.TokenType != "Bearer" || out.AccessToken == "" {
					t.Fatalf("login answered %s", r.body)
				}
				cookies := (&http.Response{Header: r.header}).Cookies()
				if len(cookies) != 1 {
					t.Fatalf("Set-Cookie: %v", r.header.Values("Set-Cookie"))
				}
				c := cookies[0]
				if c.Name != "Authorization" || c.Value != out.AccessToken || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
					t.Fatalf("cookie %+v", c)
				}
				if r.header.Get("Cache-Control") != "no-store" {
					t.Fatalf("Cache-Control %q", r.header.Get("Cache-Control"))
				}
			}},
		{name: "works with the email in another case", method: "POST", path: "/v1/login", body: login("ADA@example.COM", password), status: 200},
		{name: "needs a login and a password", method: "POST", path: "/v1/login", body: map[string]string{},
			status: 400, code: "validation_failed", fields: []string{"login", "password"}},
		{name: "a wrong password is 401", method: "POST", path: "/v1/login", body: login("ada@example.com", "wrong password!"),
			status: 401, code: "invalid_credentials", check: failed},
		{name: "an unknown user is 401", method: "POST", path: "/v1/login", body: login("nobody@example.com", "wrong password!"),
			status: 401, code: "invalid_credentials", check: failed},
		{name: "a user without a password is 401", method: "POST", path: "/v1/login", body: login("nopass@example.com", "wrong password!"),
			status: 401, code: "invalid_credentials", check: failed},
		{name: "the right password in another org is 401", method: "POST", path: "/v1/login",
			body:   map[string]string{"login": "ada@example.com", "password": password, "org_id": "0190f1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b"},
			status: 401, code: "invalid_credentials", check: failed},
	})
	t.Run("failures do not tell users apart", func(t *testing.T) {
		for _, b := range bodies[1:] {
			if b != bodies[0] {
				t.Fatalf("bodies differ:\n%s\n%s", bodies[0], b)
			}
		}
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	cookie := "Authorization=" + admin.token
	cross := map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "cross-site"}
	a.run(t, []scenario{
		{name: "a Bearer token works", method: "GET", path: "/v1/whoami", token: admin.token, status: 200},
		{name: "a lower-case bearer scheme works", method: "GET", path: "/v1/whoami", header: map[string]string{"Authorization": "bearer " + admin.token}, status: 200},
		{name: "a bare token works", method: "GET", path: "/v1/whoami", header: map[string]string{"Authorization": admin.token}, status: 200},
		{name: "the cookie works", method: "GET", path: "/v1/whoami", header: map[string]string{"Cookie": cookie}, status: 200},
		{name: "no credential is 401", method: "GET", path: "/v1/whoami", status: 401, code: "unauthenticated"},
		{name: "a garbage token is 401", method: "GET", path: "/v1/whoami", token: "garbage", status: 401, code: "invalid_token"},
		{name: "a tampered token is 401", method: "GET", path: "/v1/whoami", token: tamper(admin.token), status: 401},
		{name: "another scheme is 401", method: "GET", path: "/v1/whoami", header: map[string]string{"Authorization": "Basic YTpi"},
			status: 401, code: "unsupported_scheme"},
		{name: "a cross-site cookie GET works", method: "GET", path: "/v1/users/" + admin.id, header: cross, status: 200},
		{name: "a cross-site cookie POST is refused", method: "POST", path: "/v1/users", header: cross,
			body: map[string]string{"email": "x@example.com"}, status: 403, code: "csrf"},
		{name: "a cross-site cookie PATCH is refused", method: "PATCH", path: "/v1/users/" + admin.id, header: cross,
			ctype: "application/merge-patch+json", body: `{"full_name": "x"}`, status: 403, code: "csrf"},
		{name: "a cross-site cookie DELETE is refused", method: "DELETE", path: "/v1/users/" + admin.id, header: cross, status: 403, code: "csrf"},
		{name: "a cross-site cookie logout is refused", method: "POST", path: "/v1/logout", header: cross, status: 403, code: "csrf"},
		{name: "a cookie POST from a foreign Origin is refused", method: "POST", path: "/v1/users",
			header: map[string]string{"Cookie": cookie, "Origin": "https://evil.example"},
			body:   map[string]string{"email": "x@example.com"}, status: 403, code: "csrf"},
		{name: "a cross-site Bearer POST is not a CSRF risk", method: "POST", path: "/v1/users", token: admin.token,
			header: map[string]string{"Sec-Fetch-Site": "cross-site"}, body: map[string]string{"email": "bearer@example.com"}, status: 201},
		{name: "a same-origin cookie POST works", method: "POST", path: "/v1/users",
			header: map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "same-origin"}, body: map[string]string{"email": "y@example.com"}, status: 201},
	})
	t.Run("nothing was changed by the refused requests", func(t *testing.T) {
		var page userPage
		a.do(t, req{method: "GET", path: "/v1/users", token: admin.token}).want(t, 200).into(t, &page)
		if len(page.Users) != 3 || page.Users[0].FullName != "Ada Lovelace" {
			t.Fatalf("users %+v", page.Users)
		}
	})
}

// tamper changes one character of a JWT's signature.
func tamper(token string) string {
	i := strings.LastIndexByte(token, '.') + 2
	c := byte('A')
	if token[i] == 'A' {
		c = 'B'
	}
	return token[:i] + string(c) + token[i+1:]
}

func TestLogout(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	other := a.login(t, "ada@example.com", password)
	a.run(t, []scenario{
		{name: "clears the cookie", method: "POST", path: "/v1/logout", token: other.token, status: 204, check: func(t *testing.T, r *resp) {
			c := (&http.Response{Header: r.header}).Cookies()
			if len(c) != 1 || c[0].Name != "Authorization" || c[0].Value != "" || c[0].MaxAge >= 0 {
				t.Fatalf("Set-Cookie %v", r.header.Values("Set-Cookie"))
			}
		}},
		{name: "the token is refused at once", method: "GET", path: "/v1/whoami", token: other.token, status: 401, code: "session_revoked"},
		{name: "so is its cookie", method: "GET", path: "/v1/whoami", header: map[string]string{"Cookie": "Authorization=" + other.token},
			status: 401, code: "session_revoked"},
		{name: "a second logout is 401", method: "POST", path: "/v1/logout", token: other.token, status: 401},
		{name: "other sessions live on", method: "GET", path: "/v1/whoami", token: admin.token, status: 200},
		{name: "a cookie logout works", method: "POST", path: "/v1/logout", header: map[string]string{"Cookie": "Authorization=" + admin.token}, status: 204},
		{name: "and revokes that session", method: "GET", path: "/v1/whoami", token: admin.token, status: 401, code: "session_revoked"},
	})
}

func TestSessionsExpire(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	a.do(t, req{method: "GET", path: "/v1/whoami", token: admin.token}).want(t, 200)
	a.clock.Advance(59 * time.Minute)
	a.do(t, req{method: "GET", path: "/v1/whoami", token: admin.token}).want(t, 200)
	a.clock.Advance(2 * time.Minute)
	a.do(t, req{method: "GET", path: "/v1/whoami", token: admin.token}).want(t, 401)
	a.login(t, "ada@example.com", password)
}

func TestAccountsThatGoAway(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	bob := a.member(t, admin, "bob@example.com", "user")
	carol := a.member(t, admin, "carol@example.com", "user")
	a.run(t, []scenario{
		{name: "disabling a user", method: "PATCH", path: "/v1/users/" + bob.id, token: admin.token,
			ctype: "application/merge-patch+json", body: `{"disabled": true}`, status: 200},
		{name: "stops their token", method: "GET", path: "/v1/whoami", token: bob.token, status: 401, code: "account_disabled"},
		{name: "and their login", method: "POST", path: "/v1/login", body: map[string]string{"login": "bob@example.com", "password": password},
			status: 401, code: "account_disabled"},
		{name: "deleting a user", method: "DELETE", path: "/v1/users/" + carol.id, token: admin.token, status: 204},
		{name: "stops their token", method: "GET", path: "/v1/whoami", token: carol.token, status: 401},
		{name: "and their login", method: "POST", path: "/v1/login", body: map[string]string{"login": "carol@example.com", "password": password},
			status: 401, code: "invalid_credentials"},
	})
}

func TestWhoAmI(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	a.do(t, req{method: "POST", path: "/v1/users", token: admin.token, body: map[string]any{
		"email": "rita@example.com", "username": "rita", "first_name": "Rita", "last_name": "Reader",
		"password": password, "roles": []string{"reader"}}}).want(t, 201)
	rita := a.login(t, "rita", password)
	type whoami struct {
		OrganizationIDs  []string `json:"organization_ids"`
		Issuer           string   `json:"issuer"`
		InternalUserID   *string  `json:"internal_user_id"`
		ServiceAccountID *string  `json:"service_account_id"`
		Username         string   `json:"username"`
		FirstName        string   `json:"first_name"`
		LastName         string   `json:"last_name"`
		Email            string   `json:"email"`
		Roles            []string `json:"roles"`
	}
	for _, c := range []struct {
		who  actor
		want whoami
	}{
		{admin, whoami{OrganizationIDs: []string{admin.org}, Issuer: "warden-test", InternalUserID: &admin.id,
			Email: "ada@example.com", Roles: []string{"admin"}}},
		{rita, whoami{OrganizationIDs: []string{admin.org}, Issuer: "warden-test", InternalUserID: &rita.id,
			Username: "rita", FirstName: "Rita", LastName: "Reader", Email: "rita@example.com", Roles: []string{"reader"}}},
	} {
		t.Run("describes "+c.who.email, func(t *testing.T) {
			var got whoami
			a.do(t, req{method: "GET", path: "/v1/whoami", token: c.who.token}).want(t, 200).into(t, &got)
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(c.want)
			if string(g) != string(w) {
				t.Fatalf("whoami = %s\nwant     %s", g, w)
			}
		})
	}
}

func TestJWKS(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	var set struct {
		Keys []struct{ Kty, Crv, Alg, Kid, Use, X string } `json:"keys"`
	}
	r := a.do(t, req{method: "GET", path: "/.well-known/jwks.json"}).want(t, http.StatusOK).into(t, &set)
	if len(set.Keys) == 0 {
		t.Fatalf("JWKS = %s", r.body)
	}
	k := set.Keys[0]
	pub, err := base64.RawURLEncoding.DecodeString(k.X)
	if k.Kty != "OKP" || k.Crv != "Ed25519" || k.Alg != "EdDSA" || k.Use != "sig" || k.Kid == "" || err != nil || len(pub) != 32 {
		t.Fatalf("JWKS = %s", r.body)
	}
	if !strings.Contains(r.header.Get("Cache-Control"), "max-age") {
		t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
	}
	t.Run("the key signs session tokens", func(t *testing.T) {
		admin := a.signup(t)
		header, _, _ := strings.Cut(admin.token, ".")
		raw, _ := base64.RawURLEncoding.DecodeString(header)
		var h struct{ Alg, Kid string }
		json.Unmarshal(raw, &h)
		if h.Alg != "EdDSA" || !slices.ContainsFunc(set.Keys, func(k struct{ Kty, Crv, Alg, Kid, Use, X string }) bool { return k.Kid == h.Kid }) {
			t.Fatalf("token header %s, keys %+v", raw, set.Keys)
		}
	})
}
