package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

type loginProblem struct {
	Code     string   `json:"code"`
	MFAToken string   `json:"mfa_token"`
	Methods  []string `json:"methods"`
}

// mfaToken logs in with a password and wants mfa_required.
func (a *api) mfaToken(t *testing.T, login, pw string) string {
	t.Helper()
	var p loginProblem
	a.do(t, req{method: "POST", path: "/v1/login", body: map[string]string{"login": login, "password": pw}}).
		want(t, 401, "mfa_required").into(t, &p)
	if p.MFAToken == "" || strings.Join(p.Methods, ",") != "totp,recovery_code" {
		t.Fatalf("mfa_required problem %+v", p)
	}
	return p.MFAToken
}

func (a *api) code(t *testing.T, secret string) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, a.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrolTOTP enrols and verifies TOTP for user and returns the seed and the
// recovery codes.
func (a *api) enrolTOTP(t *testing.T, user actor) (string, []string) {
	t.Helper()
	var e struct {
		Secret     string `json:"secret"`
		OTPAuthURL string `json:"otpauth_url"`
	}
	base := "/v1/users/" + user.id + "/auth-methods/totp"
	a.do(t, req{method: "POST", path: base, token: user.token}).want(t, 200).into(t, &e)
	if e.Secret == "" || !strings.HasPrefix(e.OTPAuthURL, "otpauth://totp/") {
		t.Fatalf("enrolment %+v", e)
	}
	var v struct {
		Enabled       bool     `json:"enabled"`
		RecoveryCodes []string `json:"recovery_codes"`
	}
	a.do(t, req{method: "POST", path: base + "/verify", token: user.token, body: map[string]string{"code": a.code(t, e.Secret)}}).
		want(t, 200).into(t, &v)
	if !v.Enabled || len(v.RecoveryCodes) != 10 {
		t.Fatalf("verification %+v", v)
	}
	return e.Secret, v.RecoveryCodes
}

func TestTOTPEnrolmentAndLogin(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	mia := a.member(t, root, "mia@example.com", "user")
	methods := "/v1/users/" + mia.id + "/auth-methods"
	loginMFA := func(token, method, code string) *resp {
		return a.do(t, req{method: "POST", path: "/v1/login/mfa", body: map[string]string{"mfa_token": token, "method": method, "code": code}})
	}

	t.Run("a new user has a password and no TOTP", func(t *testing.T) {
		a.do(t, req{method: "GET", path: methods, token: mia.token}).want(t, 200).
			has(t, `{"method":"password","initialized":true,"enabled":true`, `{"method":"totp","initialized":false,"enabled":false`)
	})
	var secret string
	t.Run("enrolment gives a seed, not yet enabled", func(t *testing.T) {
		var e struct{ Secret string }
		a.do(t, req{method: "POST", path: methods + "/totp", token: mia.token}).want(t, 200).into(t, &e)
		secret = e.Secret
		a.do(t, req{method: "GET", path: methods, token: mia.token}).want(t, 200).
			has(t, `{"method":"totp","initialized":true,"enabled":false`)
		a.login(t, "mia@example.com", password) // no second factor yet
	})
	t.Run("TOTP cannot be enabled before a code is verified", func(t *testing.T) {
		a.do(t, req{method: "PUT", path: methods + "/totp", token: mia.token}).want(t, 412, "method_not_initialized")
	})
	t.Run("a wrong code does not enable it", func(t *testing.T) {
		a.do(t, req{method: "POST", path: methods + "/totp/verify", token: mia.token, body: map[string]string{"code": "000000"}}).
			want(t, 400, "invalid_mfa_code").naming(t, "code")
	})
	var recovery []string
	verified := ""
	t.Run("the first good code enables it and shows recovery codes", func(t *testing.T) {
		verified = a.code(t, secret)
		var v struct {
			Enabled       bool     `json:"enabled"`
			RecoveryCodes []string `json:"recovery_codes"`
		}
		a.do(t, req{method: "POST", path: methods + "/totp/verify", token: mia.token, body: map[string]string{"code": verified}}).
			want(t, 200).into(t, &v)
		if !v.Enabled || len(v.RecoveryCodes) != 10 {
			t.Fatalf("%+v", v)
		}
		recovery = v.RecoveryCodes
		a.do(t, req{method: "GET", path: methods, token: mia.token}).want(t, 200).
			has(t, `{"method":"totp","initialized":true,"enabled":true`)
	})
	t.Run("a password login now needs the second factor", func(t *testing.T) {
		a.mfaToken(t, "mia@example.com", password)
	})
	t.Run("the code used to verify cannot log in", func(t *testing.T) {
		loginMFA(a.mfaToken(t, "mia@example.com", password), "totp", verified).want(t, 401, "invalid_mfa_code")
	})
	t.Run("a fresh code logs in, once", func(t *testing.T) {
		a.clock.Advance(30 * time.Second)
		token := a.mfaToken(t, "mia@example.com", password)
		code := a.code(t, secret)
		r := loginMFA(token, "totp", code).want(t, 200).has(t, `"access_token"`, `"token_type":"Bearer"`)
		if !strings.HasPrefix(r.header.Get("Set-Cookie"), "Authorization=") {
			t.Fatalf("no session cookie: %v", r.header)
		}
		loginMFA(token, "totp", code).want(t, 401, "invalid_mfa_code")
	})
	t.Run("a wrong code fails", func(t *testing.T) {
		loginMFA(a.mfaToken(t, "mia@example.com", password), "totp", "123456").want(t, 401, "invalid_mfa_code")
	})
	t.Run("a recovery code works once", func(t *testing.T) {
		loginMFA(a.mfaToken(t, "mia@example.com", password), "recovery_code", recovery[0]).want(t, 200)
		loginMFA(a.mfaToken(t, "mia@example.com", password), "recovery_code", recovery[0]).want(t, 401, "invalid_mfa_code")
	})
	t.Run("an expired mfa_token fails", func(t *testing.T) {
		token := a.mfaToken(t, "mia@example.com", password)
		a.clock.Advance(6 * time.Minute)
		loginMFA(token, "totp", a.code(t, secret)).want(t, 401, "mfa_token_expired")
	})
	t.Run("a forged mfa_token fails", func(t *testing.T) {
		loginMFA("bm90IGEgdG9rZW4", "totp", "123456").want(t, 401, "invalid_mfa_token")
		loginMFA(mia.token, "totp", "123456").want(t, 401, "invalid_mfa_token")
	})
	t.Run("regenerated recovery codes replace the old ones", func(t *testing.T) {
		var rc struct {
			RecoveryCodes []string `json:"recovery_codes"`
		}
		a.do(t, req{method: "POST", path: "/v1/users/" + mia.id + "/recovery-codes", token: mia.token}).want(t, 200).into(t, &rc)
		if len(rc.RecoveryCodes) != 10 {
			t.Fatalf("%+v", rc)
		}
		loginMFA(a.mfaToken(t, "mia@example.com", password), "recovery_code", recovery[1]).want(t, 401, "invalid_mfa_code")
		loginMFA(a.mfaToken(t, "mia@example.com", password), "recovery_code", strings.ToUpper(rc.RecoveryCodes[0])).want(t, 200)
		recovery = append(recovery, rc.RecoveryCodes...)
	})
	t.Run("the methods show their last use", func(t *testing.T) {
		a.do(t, req{method: "GET", path: methods, token: mia.token}).want(t, 200).
			has(t, `"method":"totp","initialized":true,"enabled":true,"last_login_at":"`, `"last_login_ip":"127.0.0.1"`)
	})
	t.Run("an administrator sees and manages them; a plain user does not", func(t *testing.T) {
		a.do(t, req{method: "GET", path: methods, token: root.token}).want(t, 200)
		bob := a.member(t, root, "bob@example.com", "user")
		a.do(t, req{method: "GET", path: methods, token: bob.token}).want(t, 403, "forbidden")
		a.do(t, req{method: "DELETE", path: methods + "/totp", token: bob.token}).want(t, 403, "forbidden")
	})
	t.Run("another org's administrator does not find them", func(t *testing.T) {
		boss := a.otherOrg(t, root, "Other", "boss@other.example")
		a.do(t, req{method: "GET", path: methods, token: boss.token}).want(t, 404, "not_found")
		a.do(t, req{method: "DELETE", path: methods + "/totp", token: boss.token}).want(t, 404, "not_found")
		a.do(t, req{method: "POST", path: "/v1/users/" + mia.id + "/recovery-codes", token: boss.token}).want(t, 404, "not_found")
	})
	t.Run("an unknown method is not found", func(t *testing.T) {
		a.do(t, req{method: "PUT", path: methods + "/sms", token: mia.token}).want(t, 404, "not_found")
	})
	t.Run("an enabled TOTP cannot be enrolled over", func(t *testing.T) {
		a.do(t, req{method: "POST", path: methods + "/totp", token: mia.token}).want(t, 409, "totp_enabled")
	})
	t.Run("disabled, TOTP is no longer asked for; re-enabled, it is", func(t *testing.T) {
		a.do(t, req{method: "DELETE", path: methods + "/totp", token: root.token}).want(t, 204)
		a.login(t, "mia@example.com", password)
		a.do(t, req{method: "PUT", path: methods + "/totp", token: mia.token}).want(t, 204)
		a.mfaToken(t, "mia@example.com", password)
		a.do(t, req{method: "DELETE", path: methods + "/totp", token: mia.token}).want(t, 204)
	})
	t.Run("the last enabled method cannot be disabled", func(t *testing.T) {
		a.do(t, req{method: "DELETE", path: methods + "/password", token: mia.token}).want(t, 409, "last_method")
	})
	t.Run("a disabled password refuses password logins", func(t *testing.T) {
		jo := a.member(t, root, "jo@example.com", "user")
		a.enrolTOTP(t, jo)
		a.do(t, req{method: "DELETE", path: "/v1/users/" + jo.id + "/auth-methods/password", token: jo.token}).want(t, 204)
		a.do(t, req{method: "POST", path: "/v1/login", body: map[string]string{"login": "jo@example.com", "password": password}}).
			want(t, 401, "method_disabled")
		a.do(t, req{method: "PUT", path: "/v1/users/" + jo.id + "/auth-methods/password", token: root.token}).want(t, 204)
		a.mfaToken(t, "jo@example.com", password)
	})
	t.Run("the seed and the codes are never shown again", func(t *testing.T) {
		for _, p := range []string{methods, "/v1/users/" + mia.id, "/v1/audit-events?limit=1000"} {
			body := string(a.do(t, req{method: "GET", path: p, token: root.token}).want(t, 200).body)
			for _, s := range append([]string{secret, verified}, recovery...) {
				if strings.Contains(body, s) || strings.Contains(strings.ToLower(body), strings.ReplaceAll(s, "-", "")) {
					t.Fatalf("%s shows %q: %s", p, s, body)
				}
			}
		}
		a.do(t, req{method: "GET", path: "/v1/audit-events?limit=1000", token: root.token}).want(t, 200).
			has(t, `"mfa.enrolled"`, `"mfa.enabled"`, `"mfa.disabled"`, `"mfa.recovery_codes_generated"`)
	})
}
