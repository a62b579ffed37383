package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestSignup(t *testing.T) {
	a := newTestAPI(t)
	t.Run("invalid fields are named", func(t *testing.T) {
		r := a.do(req{method: "POST", path: "/v1/signup", body: map[string]string{"email": "not-an-email", "password": "x"}}).
			want(t, 400, "validation_failed")
		for _, f := range []string{"email", "org_name", "password"} {
			if !strings.Contains(string(r.body), `"field":"`+f+`"`) {
				t.Errorf("field %s not named in %s", f, r.body)
			}
		}
	})
	for name, pw := range map[string]string{"short": "abc123", "common": "password1", "the email": "ada@example.com"} {
		t.Run("a "+name+" password is refused", func(t *testing.T) {
			a.do(req{method: "POST", path: "/v1/signup", body: map[string]string{
				"email": "ada@example.com", "password": pw, "org_name": "X"}}).want(t, 400, "validation_failed")
		})
	}
	t.Run("the first signup creates the org and its admin", func(t *testing.T) {
		var out struct {
			UserID string `json:"user_id"`
			OrgID  string `json:"org_id"`
		}
		a.do(req{method: "POST", path: "/v1/signup", body: map[string]string{
			"email": "ada@example.com", "password": password, "full_name": "Ada", "org_name": "Analytical"}}).want(t, 201).into(t, &out)
		if out.UserID == "" || out.OrgID == "" {
			t.Fatalf("signup answered %+v", out)
		}
	})
	t.Run("a second signup is closed", func(t *testing.T) {
		a.do(req{method: "POST", path: "/v1/signup", body: map[string]string{
			"email": "eve@example.com", "password": password, "org_name": "Evil"}}).want(t, 409, "signup_closed")
	})
}

func TestLoginAndTokens(t *testing.T) {
	a := newTestAPI(t)
	admin := a.signup()
	t.Run("login sets an HttpOnly cookie", func(t *testing.T) {
		r := a.do(req{method: "POST", path: "/v1/login", body: map[string]string{"login": "ada@example.com", "password": password}}).want(t, 200)
		c := r.header.Get("Set-Cookie")
		for _, part := range []string{"Authorization=", "Path=/", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(c, part) {
				t.Errorf("Set-Cookie %q lacks %s", c, part)
			}
		}
	})
	t.Run("wrong password and unknown user answer alike", func(t *testing.T) {
		wrong := a.do(req{method: "POST", path: "/v1/login", body: map[string]string{"login": "ada@example.com", "password": "wrong password!"}}).
			want(t, 401, "invalid_credentials")
		unknown := a.do(req{method: "POST", path: "/v1/login", body: map[string]string{"login": "nobody@example.com", "password": "wrong password!"}}).
			want(t, 401, "invalid_credentials")
		if string(wrong.body) != string(unknown.body) {
			t.Fatalf("bodies differ:\n%s\n%s", wrong.body, unknown.body)
		}
	})
	t.Run("the token works as Bearer, bare and cookie", func(t *testing.T) {
		a.do(req{method: "GET", path: "/v1/whoami", token: admin.token}).want(t, 200)
		a.do(req{method: "GET", path: "/v1/whoami", header: map[string]string{"Authorization": admin.token}}).want(t, 200)
		a.do(req{method: "GET", path: "/v1/whoami", header: map[string]string{"Cookie": "Authorization=" + admin.token}}).want(t, 200)
	})
	t.Run("a garbage or foreign-scheme token is 401", func(t *testing.T) {
		a.do(req{method: "GET", path: "/v1/whoami", token: "garbage"}).want(t, 401, "invalid_token")
		a.do(req{method: "GET", path: "/v1/whoami", header: map[string]string{"Authorization": "Basic YTpi"}}).want(t, 401, "unsupported_scheme")
	})
	t.Run("cookie writes from another site are refused, cookie reads are not", func(t *testing.T) {
		cross := map[string]string{"Cookie": "Authorization=" + admin.token, "Sec-Fetch-Site": "cross-site"}
		a.do(req{method: "POST", path: "/v1/users", header: cross, body: map[string]string{"email": "x@example.com"}}).want(t, 403, "csrf")
		a.do(req{method: "PATCH", path: "/v1/users/" + admin.id, header: cross, body: map[string]string{"full_name": "x"}}).want(t, 403, "csrf")
		a.do(req{method: "GET", path: "/v1/whoami", header: cross}).want(t, 200)
		same := map[string]string{"Cookie": "Authorization=" + admin.token, "Sec-Fetch-Site": "same-origin"}
		a.do(req{method: "POST", path: "/v1/users", header: same, body: map[string]string{"email": "y@example.com"}}).want(t, 201)
	})
	t.Run("whoami describes the caller", func(t *testing.T) {
		var w struct {
			OrganizationIDs  []string `json:"organization_ids"`
			Issuer           string   `json:"issuer"`
			InternalUserID   *string  `json:"internal_user_id"`
			ServiceAccountID *string  `json:"service_account_id"`
			Email            string   `json:"email"`
			Roles            []string `json:"roles"`
		}
		a.do(req{method: "GET", path: "/v1/whoami", token: admin.token}).want(t, 200).into(t, &w)
		if w.Email != "ada@example.com" || w.Issuer != "warden-test" || w.InternalUserID == nil || *w.InternalUserID != admin.id ||
			w.ServiceAccountID != nil || !slices.Equal(w.OrganizationIDs, []string{admin.org}) || !slices.Equal(w.Roles, []string{"admin"}) {
			t.Fatalf("whoami = %+v", w)
		}
	})
	t.Run("logout revokes the token at once", func(t *testing.T) {
		s := a.login("ada@example.com", password)
		a.do(req{method: "POST", path: "/v1/logout", token: s.token}).want(t, 204)
		a.do(req{method: "GET", path: "/v1/whoami", token: s.token}).want(t, 401, "session_revoked")
		a.do(req{method: "GET", path: "/v1/whoami", token: admin.token}).want(t, 200)
	})
	t.Run("a disabled user cannot log in and their token stops working", func(t *testing.T) {
		bob := a.member(admin, "bob@example.com", "user")
		a.do(req{method: "PATCH", path: "/v1/users/" + bob.id, token: admin.token, body: map[string]bool{"disabled": true}}).want(t, 200)
		a.do(req{method: "GET", path: "/v1/whoami", token: bob.token}).want(t, 401, "account_disabled")
		a.do(req{method: "POST", path: "/v1/login", body: map[string]string{"login": "bob@example.com", "password": password}}).
			want(t, 401, "account_disabled")
	})
	t.Run("a deleted user's token stops working", func(t *testing.T) {
		carol := a.member(admin, "carol@example.com", "user")
		a.do(req{method: "DELETE", path: "/v1/users/" + carol.id, token: admin.token}).want(t, 204)
		a.do(req{method: "GET", path: "/v1/whoami", token: carol.token}).want(t, 401)
	})
}

func TestJWKS(t *testing.T) {
	a := newTestAPI(t)
	var set struct {
		Keys []struct{ Kty, Crv, Alg, Kid string } `json:"keys"`
	}
	r := a.do(req{method: "GET", path: "/.well-known/jwks.json"}).want(t, http.StatusOK)
	r.into(t, &set)
	if len(set.Keys) == 0 || set.Keys[0].Kty != "OKP" || set.Keys[0].Crv != "Ed25519" || set.Keys[0].Alg != "EdDSA" {
		t.Fatalf("JWKS = %s", r.body)
	}
}
