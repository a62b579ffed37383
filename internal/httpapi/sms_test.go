package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"github.com/wardenhq/warden/internal/stacktest"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/sms"
)

// outbox reads what the file sender "sent".
type outbox struct{ path string }

type sentSMS struct {
	to, code, suffix string
}

var smsText = regexp.MustCompile(`code is ([0-9]{6}) \(ref ([a-z2-7]{6})\)`)

// all returns every message sent so far, oldest first.
func (o outbox) all(t testing.TB) []sentSMS {
	t.Helper()
	f, err := os.Open(o.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []sentSMS
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m sms.Message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("outbox line %q: %v", sc.Text(), err)
		}
		g := smsText.FindStringSubmatch(m.Message)
		if g == nil {
			t.Fatalf("no code in %q", m.Message)
		}
		out = append(out, sentSMS{to: m.To, code: g[1], suffix: g[2]})
	}
	return out
}

// last is the newest message, which must carry suffix.
func (o outbox) last(t testing.TB, suffix string) sentSMS {
	t.Helper()
	all := o.all(t)
	if len(all) == 0 {
		t.Fatal("no SMS was sent")
	}
	m := all[len(all)-1]
	if m.suffix != suffix {
		t.Fatalf("the last SMS has ref %q, the API answered %q", m.suffix, suffix)
	}
	return m
}

// newSMSTestAPI is newTestAPI whose SMS codes go to sender, or to a file
// sender (returned as an outbox) when sender is nil.
func newSMSTestAPI(t testing.TB, sender sms.Sender) (*api, outbox) {
	t.Helper()
	box := outbox{path: filepath.Join(t.TempDir(), "sms.jsonl")}
	s := stacktest.NewWith(t, stacktest.Options{SMS: func(now func() time.Time) sms.Sender {
		if sender == nil {
			return &sms.FileSender{Path: box.path, Now: now}
		}
		return sender
	}})
	return onStack(s), box
}

type tokenSuffix struct {
	TokenSuffix string `json:"token_suffix"`
}

// enrolSMS enrols phone for user, verifies the code sent and returns it.
func (a *api) enrolSMS(t *testing.T, box outbox, user actor, phone string) {
	t.Helper()
	base := "/v1/users/" + user.id + "/auth-methods/sms"
	var s tokenSuffix
	a.do(t, req{method: "POST", path: base, token: user.token, body: map[string]string{"phone": phone}}).want(t, 200).into(t, &s)
	m := box.last(t, s.TokenSuffix)
	a.do(t, req{method: "POST", path: base + "/verify", token: user.token, body: map[string]string{"code": m.code}}).
		want(t, 200).has(t, `"enabled":true`)
}

// smsMFAToken logs in with a password and wants mfa_required offering
// exactly methods.
func (a *api) smsMFAToken(t *testing.T, login, methods string) string {
	t.Helper()
	var p loginProblem
	a.do(t, req{method: "POST", path: "/v1/login", body: map[string]string{"login": login, "password": password}}).
		want(t, 401, "mfa_required").into(t, &p)
	if p.MFAToken == "" || strings.Join(p.Methods, ",") != methods {
		t.Fatalf("mfa_required problem %+v, want methods %s", p, methods)
	}
	return p.MFAToken
}

func TestSMSEnrolmentAndLogin(t *testing.T) {
	t.Parallel()
	a, box := newSMSTestAPI(t, nil)
	root := a.signup(t)
	mia := a.member(t, root, "mia@example.com", "user")
	methods := "/v1/users/" + mia.id + "/auth-methods"
	enrol := func(phone string) *resp {
		return a.do(t, req{method: "POST", path: methods + "/sms", token: mia.token, body: map[string]string{"phone": phone}})
	}
	verify := func(code string) *resp {
		return a.do(t, req{method: "POST", path: methods + "/sms/verify", token: mia.token, body: map[string]string{"code": code}})
	}
	sendLogin := func(token string) *resp {
		return a.do(t, req{method: "POST", path: "/v1/login/mfa/sms", body: map[string]string{"mfa_token": token}})
	}
	loginMFA := func(token, code string) *resp {
		return a.do(t, req{method: "POST", path: "/v1/login/mfa", body: map[string]string{"mfa_token": token, "method": "sms", "code": code}})
	}
	readCode := func(token, userID, suffix string) *resp {
		return a.do(t, req{method: "GET", path: "/v1/users/" + userID + "/sms-codes/" + suffix, token: token})
	}

	t.Run("a new user has no SMS method", func(t *testing.T) {
		a.do(t, req{method: "GET", path: methods, token: mia.token}).want(t, 200).
			has(t, `{"method":"sms","initialized":false,"enabled":false,"last_login_at":null,"last_login_ip":null,"settings":{}}`)
	})
	t.Run("a number that is not E.164 is refused, naming phone", func(t *testing.T) {
		for _, p := range []string{"", "12345678", "+47 123 45 678", "+0712345678", "+47123"} {
			enrol(p).want(t, 400, "validation_failed").naming(t, "phone")
		}
		if got := box.all(t); len(got) != 0 {
			t.Fatalf("sent %v", got)
		}
	})
	var first sentSMS
	t.Run("enrolment sends a code and answers its reference", func(t *testing.T) {
		var s tokenSuffix
		enrol("+4712345678").want(t, 200).into(t, &s)
		first = box.last(t, s.TokenSuffix)
		if first.to != "+4712345678" {
			t.Fatalf("sent to %q", first.to)
		}
		a.do(t, req{method: "GET", path: methods, token: mia.token}).want(t, 200).
			has(t, `{"method":"sms","initialized":false,"enabled":false`, `"settings":{"phone":"+47******78"}`)
		a.login(t, "mia@example.com", password) // no second factor yet
	})
	t.Run("a second code comes no sooner than 30 seconds later", func(t *testing.T) {
		r := enrol("+4712345678").want(t, 429, "sms_too_soon")
		if r.header.Get("Retry-After") == "" {
			t.Fatalf("no Retry-After: %v", r.header)
		}
	})
	t.Run("SMS cannot be enabled before a code is verified", func(t *testing.T) {
		// PUT …/{method} manages password and totp only; DELETE …/sms exists.
		a.do(t, req{method: "PUT", path: methods + "/sms", token: mia.token}).want(t, 404)
	})
	t.Run("a wrong code does not enable it", func(t *testing.T) {
		verify("000000").want(t, 400, "invalid_mfa_code").naming(t, "code")
	})
	var second sentSMS
	t.Run("a new code replaces the last one", func(t *testing.T) {
		a.clock.Advance(31 * time.Second)
		var s tokenSuffix
		enrol("+4712345678").want(t, 200).into(t, &s)
		second = box.last(t, s.TokenSuffix)
		if second.suffix == first.suffix {
			t.Fatalf("the same reference twice: %q", s.TokenSuffix)
		}
		if first.code != second.code {
			verify(first.code).want(t, 400, "invalid_mfa_code")
		}
	})
	t.Run("the right code enables SMS, once", func(t *testing.T) {
		verify(second.code).want(t, 200).has(t, `"enabled":true`)
		a.do(t, req{method: "GET", path: methods, token: mia.token}).want(t, 200).
			has(t, `{"method":"sms","initialized":true,"enabled":true`, `"settings":{"phone":"+47******78"}`)
		verify(second.code).want(t, 400, "invalid_mfa_code")
	})
	t.Run("an enabled SMS method cannot be enrolled over", func(t *testing.T) {
		enrol("+4798765432").want(t, 409, "sms_enabled")
	})

	var token, suffix string
	var login sentSMS
	t.Run("a password login now offers sms and sends a code on request", func(t *testing.T) {
		token = a.smsMFAToken(t, "mia@example.com", "sms")
		var s tokenSuffix
		sendLogin(token).want(t, 200).into(t, &s)
		suffix = s.TokenSuffix
		login = box.last(t, suffix)
		if login.to != "+4712345678" {
			t.Fatalf("sent to %q", login.to)
		}
	})
	t.Run("an administrator reads the pending code by its reference", func(t *testing.T) {
		var c struct {
			Code      string    `json:"code"`
			ExpiresAt time.Time `json:"expires_at"`
		}
		readCode(root.token, mia.id, suffix).want(t, 200).into(t, &c)
		if c.Code != login.code || c.ExpiresAt.Sub(a.clock.Now()) > 5*time.Minute || c.ExpiresAt.Before(a.clock.Now()) {
			t.Fatalf("read %+v, sent %+v", c, login)
		}
		readCode(root.token, mia.id, strings.ToUpper(suffix)).want(t, 200)
		readCode(root.token, mia.id, "aaaaaa").want(t, 404, "not_found")
		readCode(root.token, mia.id, "x").want(t, 404, "not_found")
	})
	t.Run("the user and a plain user cannot read it", func(t *testing.T) {
		readCode(mia.token, mia.id, suffix).want(t, 403, "forbidden")
		bob := a.member(t, root, "bob@example.com", "user")
		readCode(bob.token, mia.id, suffix).want(t, 403, "forbidden")
	})
	t.Run("another organization's administrator does not find it", func(t *testing.T) {
		boss := a.otherOrg(t, root, "Other", "boss@other.example")
		readCode(boss.token, mia.id, suffix).want(t, 404, "not_found")
		a.do(t, req{method: "POST", path: methods + "/sms", token: boss.token, body: map[string]string{"phone": "+4712345678"}}).
			want(t, 404, "not_found")
		a.do(t, req{method: "DELETE", path: methods + "/sms", token: boss.token}).want(t, 404, "not_found")
	})
	t.Run("a wrong code fails, the right one logs in, once", func(t *testing.T) {
		wrong := "000000"
		if login.code == wrong {
			wrong = "111111"
		}
		loginMFA(token, wrong).want(t, 401, "invalid_mfa_code")
		r := loginMFA(token, login.code).want(t, 200).has(t, `"access_token"`, `"token_type":"Bearer"`)
		if !strings.HasPrefix(r.header.Get("Set-Cookie"), "Authorization=") {
			t.Fatalf("no session cookie: %v", r.header)
		}
		loginMFA(token, login.code).want(t, 401, "invalid_mfa_code")
		readCode(root.token, mia.id, suffix).want(t, 404, "not_found") // used: no longer pending
	})
	t.Run("an expired code fails", func(t *testing.T) {
		a.clock.Advance(31 * time.Second)
		var s tokenSuffix
		sendLogin(a.smsMFAToken(t, "mia@example.com", "sms")).want(t, 200).into(t, &s)
		code := box.last(t, s.TokenSuffix).code
		a.clock.Advance(5*time.Minute + time.Second)
		readCode(root.token, mia.id, s.TokenSuffix).want(t, 404, "not_found")
		loginMFA(a.smsMFAToken(t, "mia@example.com", "sms"), code).want(t, 401, "invalid_mfa_code")
	})
	t.Run("sending needs a good mfa_token", func(t *testing.T) {
		sendLogin("bm90IGEgdG9rZW4").want(t, 401, "invalid_mfa_token")
		sendLogin("").want(t, 400).naming(t, "mfa_token")
	})
	t.Run("the methods show the last SMS login", func(t *testing.T) {
		a.do(t, req{method: "GET", path: methods, token: mia.token}).want(t, 200).
			has(t, `"method":"sms","initialized":true,"enabled":true,"last_login_at":"`)
	})
	t.Run("wrong codes count towards the login lockout", func(t *testing.T) {
		a.clock.Advance(31 * time.Second)
		token := a.smsMFAToken(t, "mia@example.com", "sms")
		var s tokenSuffix
		sendLogin(token).want(t, 200).into(t, &s)
		code := box.last(t, s.TokenSuffix).code
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		loginMFA(token, wrong).want(t, 401, "invalid_mfa_code")
		locked := false
		for range 4 { // failures above count too: five in all lock the login name
			r := loginMFA(token, wrong)
			if r.status != 429 {
				r.want(t, 401, "invalid_mfa_code")
				continue
			}
			r.want(t, 429, "login_locked")
			locked = true
			break
		}
		if !locked {
			t.Fatal("five wrong codes did not lock the login")
		}
		loginMFA(token, code).want(t, 429, "login_locked")
		sendLogin(token).want(t, 429, "login_locked")
		a.clock.Advance(2 * time.Minute)
	})
	t.Run("no code appears in the audit log or the methods", func(t *testing.T) {
		sent := box.all(t)
		if len(sent) < 5 {
			t.Fatalf("only %d SMS sent", len(sent))
		}
		for _, p := range []string{methods, "/v1/users/" + mia.id, "/v1/audit-events?limit=1000"} {
			body := string(a.do(t, req{method: "GET", path: p, token: root.token}).want(t, 200).body)
			for _, m := range sent {
				if strings.Contains(body, `"`+m.code+`"`) || strings.Contains(body, "code is "+m.code) {
					t.Fatalf("%s shows the code %s: %s", p, m.code, body)
				}
			}
			if strings.Contains(body, "4712345678") {
				t.Fatalf("%s shows the whole phone number: %s", p, body)
			}
		}
		a.do(t, req{method: "GET", path: "/v1/audit-events?limit=1000", token: root.token}).want(t, 200).
			has(t, `"mfa.enrolled"`, `"mfa.enabled"`, `"sms.code_sent"`, `"sms.code_viewed"`, `"method":"sms"`)
	})
	t.Run("disabled, SMS is no longer asked for", func(t *testing.T) {
		a.do(t, req{method: "DELETE", path: methods + "/sms", token: mia.token}).want(t, 204)
		a.login(t, "mia@example.com", password)
		a.do(t, req{method: "GET", path: methods, token: mia.token}).want(t, 200).
			has(t, `{"method":"sms","initialized":true,"enabled":false`)
	})
}

func TestSMSCodeAttemptsAndBothFactors(t *testing.T) {
	t.Parallel()
	a, box := newSMSTestAPI(t, nil)
	root := a.signup(t)
	jo := a.member(t, root, "jo@example.com", "user")
	base := "/v1/users/" + jo.id + "/auth-methods/sms"

	t.Run("a code takes five attempts, the right one included", func(t *testing.T) {
		var s tokenSuffix
		a.do(t, req{method: "POST", path: base, token: jo.token, body: map[string]string{"phone": "+14155552671"}}).
			want(t, 200).into(t, &s)
		code := box.last(t, s.TokenSuffix).code
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for range 5 {
			a.do(t, req{method: "POST", path: base + "/verify", token: jo.token, body: map[string]string{"code": wrong}}).
				want(t, 400, "invalid_mfa_code")
		}
		a.do(t, req{method: "POST", path: base + "/verify", token: jo.token, body: map[string]string{"code": code}}).
			want(t, 400, "invalid_mfa_code")
		a.do(t, req{method: "GET", path: "/v1/users/" + jo.id + "/sms-codes/" + s.TokenSuffix, token: root.token}).
			want(t, 404, "not_found")
	})
	t.Run("an administrator enrols a user's phone", func(t *testing.T) {
		a.clock.Advance(31 * time.Second)
		var s tokenSuffix
		a.do(t, req{method: "POST", path: base, token: root.token, body: map[string]string{"phone": "+14155552671"}}).
			want(t, 200).into(t, &s)
		a.do(t, req{method: "POST", path: base + "/verify", token: root.token, body: map[string]string{"code": box.last(t, s.TokenSuffix).code}}).
			want(t, 200)
	})
	t.Run("with TOTP as well, a login offers both", func(t *testing.T) {
		a.enrolTOTP(t, jo)
		token := a.smsMFAToken(t, "jo@example.com", "totp,recovery_code,sms")
		var s tokenSuffix
		a.do(t, req{method: "POST", path: "/v1/login/mfa/sms", body: map[string]string{"mfa_token": token}}).want(t, 200).into(t, &s)
		a.do(t, req{method: "POST", path: "/v1/login/mfa", body: map[string]string{"mfa_token": token, "method": "sms",
			"code": box.last(t, s.TokenSuffix).code}}).want(t, 200)
	})
	t.Run("a user without SMS gets no code", func(t *testing.T) {
		a.do(t, req{method: "DELETE", path: base, token: jo.token}).want(t, 204)
		token := a.smsMFAToken(t, "jo@example.com", "totp,recovery_code")
		a.do(t, req{method: "POST", path: "/v1/login/mfa/sms", body: map[string]string{"mfa_token": token}}).
			want(t, 412, "sms_not_enabled")
	})
	t.Run("deleting the user deletes their codes", func(t *testing.T) {
		a.clock.Advance(31 * time.Second)
		var s tokenSuffix
		a.do(t, req{method: "POST", path: base, token: jo.token, body: map[string]string{"phone": "+14155552671"}}).
			want(t, 200).into(t, &s)
		a.do(t, req{method: "DELETE", path: "/v1/users/" + jo.id, token: root.token}).want(t, 204)
		a.do(t, req{method: "GET", path: "/v1/users/" + jo.id + "/sms-codes/" + s.TokenSuffix, token: root.token}).
			want(t, 404, "not_found")
	})
}

type failingSender struct{}

func (failingSender) Send(context.Context, string, string) error { return errors.New("gateway down") }

func TestSMSSenderFailureIsUnavailable(t *testing.T) {
	t.Parallel()
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no credit", http.StatusPaymentRequired)
	}))
	t.Cleanup(gateway.Close)
	for name, sender := range map[string]sms.Sender{"a failing sender": failingSender{}, "a webhook answering 402": sms.NewWebhook(gateway.URL, time.Second)} {
		t.Run(name, func(t *testing.T) {
			a, _ := newSMSTestAPI(t, sender)
			root := a.signup(t)
			a.do(t, req{method: "POST", path: "/v1/users/" + root.id + "/auth-methods/sms", token: root.token,
				body: map[string]string{"phone": "+4712345678"}}).want(t, 503, "sms_unavailable")
		})
	}
}
