package argus_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// TestTOTPAuthenticate: totp/authenticate opens a session with the
// password and a TOTP code in one request, where password/authenticate
// answers a user with TOTP a 401; a wrong or missing code opens none, and
// a user without TOTP needs only the password. ldap and radius are not
// served.
func TestTOTPAuthenticate(t *testing.T) {
	w := newWorld(t)
	carl := w.as(w.carlTok)
	e, err := w.Svc.MFA.EnrollTOTP(carl, w.carl.ID)
	if err != nil {
		t.Fatal(err)
	}
	code := func() string {
		w.Clock.Advance(30 * time.Second) // a code is good once: each login takes the next
		c, err := totp.GenerateCode(e.Secret, w.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if _, _, err := w.Svc.MFA.VerifyTOTP(carl, w.carl.ID, code()); err != nil {
		t.Fatal(err)
	}
	body := func(code string) map[string]any {
		return map[string]any{"userName": "carl", "domain": "Analytical", "password": password, "tokenCode": code}
	}

	r := w.call("POST", "/authentication/v1/password/authenticate", body(""), nil).want(t, http.StatusUnauthorized)
	if !strings.Contains(r.env.Messages[0].Message, "second factor") {
		t.Errorf("password alone for a TOTP user: %+v", r.env.Messages)
	}
	w.call("POST", "/authentication/v1/totp/authenticate", body("000000"), nil).want(t, http.StatusUnauthorized)
	w.call("POST", "/authentication/v1/totp/authenticate", body(""), nil).want(t, http.StatusPreconditionFailed)
	wrong := body(code())
	wrong["password"] = "not the password"
	w.call("POST", "/authentication/v1/totp/authenticate", wrong, nil).want(t, http.StatusUnauthorized)

	var data struct {
		UserName             string `json:"userName"`
		Cookie               string `json:"cookie"`
		AuthenticationMethod string `json:"authenticationMethod"`
	}
	w.call("POST", "/authentication/v1/totp/authenticate", body(code()), nil).want(t, http.StatusOK).data(t, &data)
	if data.UserName != "carl" || data.Cookie == "" || data.AuthenticationMethod != "TOTP" {
		t.Fatalf("authenticate data = %+v", data)
	}
	var me struct {
		UserName             string `json:"userName"`
		AuthenticationMethod string `json:"authenticationMethod"`
	}
	w.call("GET", "/authentication/v1/session", nil, nil, &http.Cookie{Name: "argus_session", Value: data.Cookie}).
		want(t, http.StatusOK).data(t, &me)
	if me.UserName != "carl" || me.AuthenticationMethod != "TOTP" {
		t.Fatalf("session = %+v", me)
	}

	ada := map[string]any{"userName": "ada", "domain": "Analytical", "password": password, "tokenCode": "123456"}
	w.call("POST", "/authentication/v1/totp/authenticate", ada, nil).want(t, http.StatusOK).data(t, &data)
	if data.AuthenticationMethod != "PASSWORD" {
		t.Fatalf("a user without TOTP: method %q", data.AuthenticationMethod)
	}
	for _, method := range []string{"ldap", "radius"} { // Warden keeps its own passwords
		w.call("POST", "/authentication/v1/"+method+"/authenticate", ada, nil).want(t, http.StatusNotFound)
	}
}
