package httpapi_test

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func (a *api) tryLogin(t *testing.T, login, pw string) *resp {
	t.Helper()
	return a.do(t, req{method: "POST", path: "/v1/login", body: map[string]string{"login": login, "password": pw}})
}

// locked wants a 429 login_locked answer that says to retry after secs.
func locked(t *testing.T, r *resp, secs int) {
	t.Helper()
	r.want(t, 429, "login_locked")
	if got := r.header.Get("Retry-After"); got != strconv.Itoa(secs) {
		t.Fatalf("Retry-After %q, want %d", got, secs)
	}
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
		if r.header.Get(h) == "" {
			t.Fatalf("no %s header: %v", h, r.header)
		}
	}
	if r.header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("X-RateLimit-Remaining %q", r.header.Get("X-RateLimit-Remaining"))
	}
	r.has(t, `"retry_after":`+strconv.Itoa(secs))
}

func TestLoginLockout(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	a.member(t, root, "lou@example.com", "user")

	t.Run("a success resets the count", func(t *testing.T) {
		for range 4 {
			a.tryLogin(t, "lou@example.com", "wrong password!").want(t, 401, "invalid_credentials")
		}
		a.login(t, "lou@example.com", password)
		for range 4 {
			a.tryLogin(t, "lou@example.com", "wrong password!").want(t, 401, "invalid_credentials")
		}
		a.login(t, "lou@example.com", password)
	})
	t.Run("the fifth failure locks the account for a minute", func(t *testing.T) {
		for range 4 {
			a.tryLogin(t, "lou@example.com", "wrong password!").want(t, 401, "invalid_credentials")
		}
		locked(t, a.tryLogin(t, "lou@example.com", "wrong password!"), 60)
	})
	t.Run("while locked, even the right password is refused", func(t *testing.T) {
		locked(t, a.tryLogin(t, "LOU@example.com", password), 60)
		a.clock.Advance(30 * time.Second)
		locked(t, a.tryLogin(t, "lou@example.com", password), 30)
	})
	t.Run("the next lock, without a success between, lasts twice as long", func(t *testing.T) {
		a.clock.Advance(31 * time.Second)
		for range 4 {
			a.tryLogin(t, "lou@example.com", "wrong password!").want(t, 401, "invalid_credentials")
		}
		locked(t, a.tryLogin(t, "lou@example.com", "wrong password!"), 120)
	})
	t.Run("the lock lifts when the time has passed", func(t *testing.T) {
		a.clock.Advance(121 * time.Second)
		a.login(t, "lou@example.com", password)
	})
	t.Run("failed logins and locks are audited without the password", func(t *testing.T) {
		body := string(a.do(t, req{method: "GET", path: "/v1/audit-events?limit=1000", token: root.token}).want(t, 200).
			has(t, `"login.failed"`, `"login.locked"`, `"lou@example.com"`).body)
		if strings.Contains(body, "wrong password!") || strings.Contains(body, password) {
			t.Fatalf("a password is in the audit log: %s", body)
		}
	})
}

func TestUnknownUsersLockTheSameWay(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	for range 4 {
		a.tryLogin(t, "ghost@example.com", "wrong password!").want(t, 401, "invalid_credentials")
	}
	locked(t, a.tryLogin(t, "ghost@example.com", "wrong password!"), 60)
	locked(t, a.tryLogin(t, "Ghost@Example.com", password), 60)
	a.clock.Advance(time.Minute)
	a.tryLogin(t, "ghost@example.com", "wrong password!").want(t, 401, "invalid_credentials")
	body := string(a.do(t, req{method: "GET", path: "/v1/audit-events?limit=1000", token: root.token}).want(t, 200).body)
	if strings.Contains(body, "ghost@example.com") {
		t.Fatalf("an unknown login is in an organization's log: %s", body)
	}
}

func TestLoginLockoutPerAddress(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	a.member(t, root, "lou@example.com", "user")
	for i := range 20 {
		r := a.tryLogin(t, "user"+strconv.Itoa(i/4)+"@example.com", "wrong password!")
		if i < 19 {
			r.want(t, 401, "invalid_credentials")
		} else {
			locked(t, r, 60)
		}
	}
	t.Run("the address is locked for every login", func(t *testing.T) {
		locked(t, a.tryLogin(t, "lou@example.com", password), 60)
	})
	t.Run("until the time has passed", func(t *testing.T) {
		a.clock.Advance(time.Minute)
		a.login(t, "lou@example.com", password)
	})
}

func TestWrongMFACodesCountTowardsTheLockout(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	mia := a.member(t, root, "mia@example.com", "user")
	secret, _ := a.enrolTOTP(t, mia)
	token := a.mfaToken(t, "mia@example.com", password)
	for range 4 {
		a.do(t, req{method: "POST", path: "/v1/login/mfa", body: map[string]string{"mfa_token": token, "method": "totp", "code": "000000"}}).
			want(t, 401, "invalid_mfa_code")
	}
	locked(t, a.do(t, req{method: "POST", path: "/v1/login/mfa", body: map[string]string{"mfa_token": token, "method": "recovery_code", "code": "aaaaa-aaaaa"}}), 60)
	a.clock.Advance(30 * time.Second)
	locked(t, a.do(t, req{method: "POST", path: "/v1/login/mfa", body: map[string]string{"mfa_token": token, "method": "totp", "code": a.code(t, secret)}}), 30)
	locked(t, a.tryLogin(t, "mia@example.com", password), 30)
}
