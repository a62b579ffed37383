package arthur_test

// Wire-level tests: Arthur's client is Python (arthur_bench's
// ArthurAdminClient), so these send exactly what shared/specs/WIRE.md §1
// says it sends — the bare token in Authorization, Accept:
// application/json, its User-Agent, Arthur-Organization-ID, JSON bodies,
// the token read from the login's Set-Cookie — and check exactly the
// members, JSON types and statuses it reads.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/wardenhq/warden/internal/compat/arthur"
	"github.com/wardenhq/warden/internal/httpapi"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
	"github.com/wardenhq/warden/internal/stacktest"
)

const (
	adaEmail = "ada@example.com"
	adaPass  = "correct horse battery"
)

type world struct {
	t     *testing.T
	stack *stacktest.Stack
	org   iam.ID
	ada   iam.ID
	admin context.Context // Ada's session, for setting things up through the services
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st := stacktest.New(t, httpapi.Config{}, arthur.Mount)
	ctx := context.Background()
	org, ada, err := st.Svc.Auth.Signup(ctx, service.Signup{Email: adaEmail, Password: adaPass,
		FullName: "Ada Lovelace", OrgName: "Analytical"})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, stack: st, org: org, ada: ada}
	w.admin = w.as(w.sessionToken(adaEmail, adaPass))
	return w
}

// with is w reporting to t (a subtest).
func (w *world) with(t *testing.T) *world {
	c := *w
	c.t = t
	return &c
}

// sessionToken logs in through the services (not the surface).
func (w *world) sessionToken(login, password string) string {
	w.t.Helper()
	s, err := w.stack.Svc.Auth.Login(context.Background(), service.Login{Login: login, Password: password})
	if err != nil {
		w.t.Fatal(err)
	}
	return s.Token
}

// as is a context carrying the principal of token.
func (w *world) as(token string) context.Context {
	w.t.Helper()
	p, err := w.stack.Svc.Auth.Authenticate(context.Background(), token)
	if err != nil {
		w.t.Fatal(err)
	}
	return iam.WithPrincipal(context.Background(), p)
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

type call struct {
	method, path string
	auth         string // sent as is: the client's bare token, or "Bearer …"
	org          string // Arthur-Organization-ID
	body         any    // JSON-encoded when not nil; a string is sent raw
}

// do sends a request as the Arthur client does.
func (w *world) do(c call) reply {
	w.t.Helper()
	var body io.Reader
	switch b := c.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			w.t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	req, err := http.NewRequest(c.method, w.stack.URL+c.path, body)
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "arthur-client/3.6.0 (system=Linux)")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	if c.org != "" {
		req.Header.Set("Arthur-Organization-ID", c.org)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func (w *world) expect(r reply, status int) {
	w.t.Helper()
	if r.status != status {
		w.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if r.status >= 400 {
		// Every error is the surface's JSON body, never a 500 or plain text.
		var e struct{ Code, Message string }
		if err := json.Unmarshal(r.body, &e); err != nil || e.Code == "" || e.Message == "" {
			w.t.Fatalf("error body is not {code, message}: %s", r.body)
		}
	}
}

// login logs in through the surface and returns the cookie's token.
func (w *world) login(login, password string) (string, map[string]any) {
	w.t.Helper()
	r := w.do(call{method: "POST", path: "/api/v3/login", body: map[string]string{"login": login, "password": password}})
	w.expect(r, http.StatusOK)
	resp := http.Response{Header: r.header}
	for _, c := range resp.Cookies() {
		if c.Name == "Authorization" {
			if !c.HttpOnly {
				w.t.Error("the Authorization cookie is not HttpOnly")
			}
			return c.Value, r.object(w.t)
		}
	}
	w.t.Fatalf("no Authorization cookie in %v", r.header["Set-Cookie"])
	return "", nil
}

// Type checks of JSON members.

func str(t *testing.T, m map[string]any, key string) string {
	t.Helper()
	v, ok := m[key]
	if !ok {
		t.Fatalf("member %q missing in %v", key, m)
	}
	s, ok := v.(string)
	if !ok {
		t.Fatalf("member %q is %T, want string", key, v)
	}
	return s
}

func uuid(t *testing.T, m map[string]any, key string) iam.ID {
	t.Helper()
	s := str(t, m, key)
	id, err := iam.ParseID(s)
	if err != nil || s != id.String() || len(s) != 36 {
		t.Fatalf("member %q = %q, want a dashed UUID", key, s)
	}
	return id
}

func boolean(t *testing.T, m map[string]any, key string) bool {
	t.Helper()
	b, ok := m[key].(bool)
	if !ok {
		t.Fatalf("member %q is %T, want boolean", key, m[key])
	}
	return b
}

func strings_(t *testing.T, m map[string]any, key string) []string {
	t.Helper()
	v, ok := m[key].([]any)
	if !ok {
		t.Fatalf("member %q is %T (%v), want array", key, m[key], m[key])
	}
	out := []string{}
	for _, e := range v {
		s, ok := e.(string)
		if !ok {
			t.Fatalf("member %q has a %T item, want strings", key, e)
		}
		out = append(out, s)
	}
	return out
}

func null(t *testing.T, m map[string]any, key string) {
	t.Helper()
	if v, ok := m[key]; !ok || v != nil {
		t.Fatalf("member %q = %v (present %v), want null", key, v, ok)
	}
}

func timestamp(t *testing.T, m map[string]any, key string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, str(t, m, key))
	if err != nil {
		t.Fatalf("member %q: %v", key, err)
	}
	if _, off := ts.Zone(); off != 0 {
		t.Fatalf("member %q is not UTC: %v", key, ts)
	}
	return ts
}

// checkUser checks Arthur's User model.
func checkUser(t *testing.T, m map[string]any) {
	t.Helper()
	uuid(t, m, "id")
	str(t, m, "email")
	str(t, m, "first_name")
	str(t, m, "last_name")
	str(t, m, "username")
	strings_(t, m, "roles")
	boolean(t, m, "alert_notifications_enabled")
	boolean(t, m, "show_intro_sequence")
	boolean(t, m, "help_mode_enabled")
	timestamp(t, m, "created_at")
}

// checkUserResponse checks Arthur's UserResponse model.
func checkUserResponse(t *testing.T, m map[string]any) {
	t.Helper()
	checkUser(t, m)
	uuid(t, m, "organization_id")
	str(t, m, "organization_name")
	str(t, m, "plan")
}

func contexts(t *testing.T, m map[string]any) []map[string]any {
	t.Helper()
	list, ok := m["contexts"].([]any)
	if !ok {
		t.Fatalf("contexts is %T, want array", m["contexts"])
	}
	var out []map[string]any
	for _, c := range list {
		cm, ok := c.(map[string]any)
		if !ok {
			t.Fatalf("a context is %T, want object", c)
		}
		uuid(t, cm, "id")
		str(t, cm, "name")
		out = append(out, cm)
	}
	return out
}

func TestLogin(t *testing.T) {
	w := newWorld(t)

	t.Run("answers the User and a cookie holding a JWT with exp", func(t *testing.T) {
		w := w.with(t)
		token, user := w.login(adaEmail, adaPass)
		checkUser(t, user)
		if user["id"] != w.ada.String() || user["email"] != adaEmail {
			t.Errorf("user = %v", user)
		}
		if user["first_name"] != "Ada" || user["last_name"] != "Lovelace" {
			t.Errorf("names = %v %v, want the full name split", user["first_name"], user["last_name"])
		}
		if r := strings_(t, user, "roles"); len(r) != 1 || r[0] != "admin" {
			t.Errorf("roles = %v", r)
		}
		// The client decodes the JWT without verifying it and reads exp.
		parts := strings.Split(token, ".")
		if len(parts) != 3 {
			t.Fatalf("cookie value is not a JWT: %q", token)
		}
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			t.Fatal(err)
		}
		var claims struct {
			Exp *float64 `json:"exp"`
		}
		if err := json.Unmarshal(payload, &claims); err != nil || claims.Exp == nil {
			t.Fatalf("JWT payload %s has no numeric exp", payload)
		}
		if exp := time.Unix(int64(*claims.Exp), 0); !exp.After(time.Now().Add(5 * time.Minute)) {
			t.Errorf("exp %v is not comfortably in the future", exp)
		}
	})

	t.Run("with the username too", func(t *testing.T) {
		w := w.with(t)
		if _, err := w.stack.Svc.Users.Update(w.admin, w.ada, func(u *service.UserUpdate) error {
			u.Username = "ada"
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		_, user := w.login("ada", adaPass)
		if user["username"] != "ada" {
			t.Errorf("username = %v", user["username"])
		}
	})

	t.Run("wrong password is 403", func(t *testing.T) {
		w := w.with(t)
		r := w.do(call{method: "POST", path: "/api/v3/login", body: map[string]string{"login": adaEmail, "password": "wrong horse battery"}})
		w.expect(r, http.StatusForbidden)
		if len(r.header["Set-Cookie"]) != 0 {
			t.Error("a failed login set a cookie")
		}
	})

	t.Run("unknown login is 403", func(t *testing.T) {
		w := w.with(t)
		r := w.do(call{method: "POST", path: "/api/v3/login", body: map[string]string{"login": "nobody@example.com", "password": adaPass}})
		w.expect(r, http.StatusForbidden)
	})

	t.Run("bad bodies are 400", func(t *testing.T) {
		w := w.with(t)
		for _, body := range []any{`{"login":`, `[]`, `{"login": 5, "password": "x"}`, map[string]string{"login": adaEmail}, ""} {
			r := w.do(call{method: "POST", path: "/api/v3/login", body: body})
			if body == "" {
				r = w.do(call{method: "POST", path: "/api/v3/login"})
			}
			w.expect(r, http.StatusBadRequest)
		}
	})

	t.Run("a user with TOTP is 403", func(t *testing.T) {
		w := w.with(t)
		u, err := w.stack.Svc.Users.Create(w.admin, service.NewUser{Email: "tess@example.com", Password: "totp horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		tess := w.as(w.sessionToken("tess@example.com", "totp horse battery"))
		e, err := w.stack.Svc.MFA.EnrollTOTP(tess, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		code, err := totp.GenerateCode(e.Secret, w.stack.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.stack.Svc.MFA.VerifyTOTP(tess, u.ID, code); err != nil {
			t.Fatal(err)
		}
		r := w.do(call{method: "POST", path: "/api/v3/login", body: map[string]string{"login": "tess@example.com", "password": "totp horse battery"}})
		w.expect(r, http.StatusForbidden)
		if !strings.Contains(string(r.body), "mfa_required") || strings.Contains(string(r.body), "mfa_token") {
			t.Errorf("body = %s", r.body)
		}
	})

	t.Run("repeated failures lock the login: 429 with Retry-After", func(t *testing.T) {
		w := w.with(t)
		var r reply
		for range 10 {
			r = w.do(call{method: "POST", path: "/api/v3/login", body: map[string]string{"login": "locked@example.com", "password": "nope nope nope"}})
			if r.status == http.StatusTooManyRequests {
				break
			}
			w.expect(r, http.StatusForbidden)
		}
		w.expect(r, http.StatusTooManyRequests)
		if r.header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
	})

	t.Run("the login is audited as arthur", func(t *testing.T) {
		w := w.with(t)
		// The services' own logins here are native; those through the
		// surface say arthur, with the client's User-Agent.
		found := false
		for _, e := range w.audit("session.created") {
			if e["surface"] == "arthur" {
				found = true
				if !strings.HasPrefix(e["user_agent"].(string), "arthur-client/") {
					t.Errorf("event = %v", e)
				}
			}
		}
		if !found {
			t.Error("no session.created event with surface arthur")
		}
	})
}

// audit lists the organization's events of action through the native API,
// newest first.
func (w *world) audit(action string) []map[string]any {
	w.t.Helper()
	r := w.do(call{method: "GET", path: "/v1/audit-events?limit=100", auth: "Bearer " + w.sessionToken(adaEmail, adaPass)})
	w.expect(r, http.StatusOK)
	var page struct{ Events []map[string]any }
	if err := json.Unmarshal(r.body, &page); err != nil {
		w.t.Fatal(err)
	}
	var out []map[string]any
	for _, e := range page.Events {
		if e["action"] == action {
			out = append(out, e)
		}
	}
	return out
}

func TestCurrentUser(t *testing.T) {
	w := newWorld(t)
	token, _ := w.login(adaEmail, adaPass)

	t.Run("with the bare token and with Bearer", func(t *testing.T) {
		w := w.with(t)
		for _, auth := range []string{token, "Bearer " + token} {
			r := w.do(call{method: "GET", path: "/api/v3/users/me", auth: auth})
			w.expect(r, http.StatusOK)
			me := r.object(t)
			checkUserResponse(t, me)
			if me["id"] != w.ada.String() || me["email"] != adaEmail {
				t.Errorf("me = %v", me)
			}
			// No workspace yet: the organization itself is the one context.
			ctxs := contexts(t, me)
			if len(ctxs) != 1 || ctxs[0]["id"] != w.org.String() || ctxs[0]["name"] != "Analytical" {
				t.Errorf("contexts = %v", ctxs)
			}
			if me["organization_id"] != w.org.String() || me["organization_name"] != "Analytical" {
				t.Errorf("organization = %v %v", me["organization_id"], me["organization_name"])
			}
		}
	})

	t.Run("contexts are the workspaces; the header picks the current one", func(t *testing.T) {
		w := w.with(t)
		ws1, err := w.stack.Svc.Workspaces.Create(w.admin, "Engines")
		if err != nil {
			t.Fatal(err)
		}
		ws2, err := w.stack.Svc.Workspaces.Create(w.admin, "Looms")
		if err != nil {
			t.Fatal(err)
		}
		foreign, err := iam.NewID(time.Now(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ header, want, name string }{
			{"", ws1.ID.String(), "Engines"},
			{ws2.ID.String(), ws2.ID.String(), "Looms"},
			{ws2.ID.Hex(), ws2.ID.String(), "Looms"},
			{foreign.String(), ws1.ID.String(), "Engines"}, // not one of the user's: the first
			{"not-an-id", ws1.ID.String(), "Engines"},
		} {
			r := w.do(call{method: "GET", path: "/api/v3/users/me", auth: token, org: tc.header})
			w.expect(r, http.StatusOK)
			me := r.object(t)
			checkUserResponse(t, me)
			if me["organization_id"] != tc.want || me["organization_name"] != tc.name {
				t.Errorf("header %q: organization = %v %v, want %v", tc.header, me["organization_id"], me["organization_name"], tc.want)
			}
			if ctxs := contexts(t, me); len(ctxs) != 2 {
				t.Errorf("contexts = %v", ctxs)
			}
		}
	})

	t.Run("auth_info of a user", func(t *testing.T) {
		w := w.with(t)
		r := w.do(call{method: "GET", path: "/api/v3/users/me/auth_info", auth: token})
		w.expect(r, http.StatusOK)
		info := r.object(t)
		checkAuthInfo(t, info)
		if uuid(t, info, "internal_user_id") != w.ada {
			t.Errorf("internal_user_id = %v", info["internal_user_id"])
		}
		null(t, info, "service_account_id")
		if info["email"] != adaEmail || info["username"] != adaEmail || info["first_name"] != "Ada" || info["last_name"] != "Lovelace" {
			t.Errorf("info = %v", info)
		}
	})

	t.Run("unauthenticated is 401", func(t *testing.T) {
		w := w.with(t)
		for _, path := range []string{"/api/v3/users/me", "/api/v3/users/me/auth_info", "/api/v3/users"} {
			for _, auth := range []string{"", "garbage", "wdn_0123", "Basic Zm9vOmJhcg==", token + "x"} {
				w.expect(w.do(call{method: "GET", path: path, auth: auth}), http.StatusUnauthorized)
			}
		}
	})

	t.Run("a revoked session is 401", func(t *testing.T) {
		w := w.with(t)
		tok, _ := w.login(adaEmail, adaPass)
		if err := w.stack.Svc.Auth.Logout(w.as(tok)); err != nil {
			t.Fatal(err)
		}
		w.expect(w.do(call{method: "GET", path: "/api/v3/users/me", auth: tok}), http.StatusUnauthorized)
	})
}

func checkAuthInfo(t *testing.T, info map[string]any) {
	t.Helper()
	ids := strings_(t, info, "organization_ids")
	for _, id := range ids {
		if _, err := iam.ParseID(id); err != nil || len(id) != 36 {
			t.Errorf("organization id %q", id)
		}
	}
	str(t, info, "issuer")
	str(t, info, "username")
	str(t, info, "first_name")
	str(t, info, "last_name")
	str(t, info, "email")
	strings_(t, info, "roles")
	null(t, info, "external_user_id")
}

func TestServiceAccount(t *testing.T) {
	w := newWorld(t)
	sa, err := w.stack.Svc.ServiceAccounts.Create(w.admin, "deployer", "ships things")
	if err != nil {
		t.Fatal(err)
	}
	key, err := w.stack.Svc.APIKeys.Create(w.admin, service.KeyOwner{Kind: iam.KindServiceAccount, ID: sa.ID}, service.NewAPIKey{})
	if err != nil {
		t.Fatal(err)
	}

	// The client's get_current_org: /users/me is 403, then auth_info.
	w.expect(w.do(call{method: "GET", path: "/api/v3/users/me", auth: key.Plain}), http.StatusForbidden)
	r := w.do(call{method: "GET", path: "/api/v3/users/me/auth_info", auth: key.Plain})
	w.expect(r, http.StatusOK)
	info := r.object(t)
	checkAuthInfo(t, info)
	if ids := strings_(t, info, "organization_ids"); len(ids) != 1 || ids[0] != w.org.String() {
		t.Errorf("organization_ids = %v, want exactly [%s]", ids, w.org)
	}
	if uuid(t, info, "service_account_id") != sa.ID {
		t.Errorf("service_account_id = %v", info["service_account_id"])
	}
	null(t, info, "internal_user_id")
	if info["username"] != "deployer" || info["email"] != "" {
		t.Errorf("info = %v", info)
	}
	// A service account is not a user: PATCH /users/me is 403 too.
	w.expect(w.do(call{method: "PATCH", path: "/api/v3/users/me", auth: key.Plain, body: map[string]string{"first_name": "x"}}), http.StatusForbidden)
}

func TestUsers(t *testing.T) {
	w := newWorld(t)
	token, _ := w.login(adaEmail, adaPass)

	// Another organization, with its own user.
	_, err := w.stack.Svc.Orgs.Create(w.admin, service.NewOrg{Name: "Difference",
		Admin: &service.NewUser{Email: "charles@example.com", Password: "babbage horse battery"}})
	if err != nil {
		t.Fatal(err)
	}
	charles := w.as(w.sessionToken("charles@example.com", "babbage horse battery"))
	charlesID := iam.PrincipalFrom(charles).ID

	var bobID string
	t.Run("create is 201 with the user", func(t *testing.T) {
		w := w.with(t)
		r := w.do(call{method: "POST", path: "/api/v3/users", auth: token, body: map[string]any{
			"username": "bob", "email": "bob@example.com", "password": "builder horse battery",
			"first_name": "Bob", "last_name": "Builder", "roles": []string{"reader"}, "alert_notifications_enabled": true}})
		w.expect(r, http.StatusCreated)
		u := r.object(t)
		checkUserResponse(t, u)
		bobID = str(t, u, "id")
		if u["username"] != "bob" || u["first_name"] != "Bob" || !boolean(t, u, "alert_notifications_enabled") {
			t.Errorf("user = %v", u)
		}
		if roles := strings_(t, u, "roles"); len(roles) != 1 || roles[0] != "reader" {
			t.Errorf("roles = %v", roles)
		}
		if u["organization_id"] != w.org.String() {
			t.Errorf("organization_id = %v", u["organization_id"])
		}
		if ev := w.audit("user.created"); len(ev) == 0 || ev[0]["surface"] != "arthur" {
			t.Errorf("newest user.created = %v", ev)
		}
		// The new user logs in through the surface.
		w.login("bob", "builder horse battery")
	})

	t.Run("create refuses bad input with 4xx", func(t *testing.T) {
		w := w.with(t)
		for _, tc := range []struct {
			body   any
			status int
		}{
			{map[string]any{"email": "not-an-email"}, http.StatusBadRequest},
			{map[string]any{"email": "x@example.com", "roles": "admin"}, http.StatusBadRequest},
			{map[string]any{"email": "x@example.com", "roles": []string{"emperor"}}, http.StatusBadRequest},
			{map[string]any{"email": "x@example.com", "password": "short"}, http.StatusBadRequest},
			{`{"email":`, http.StatusBadRequest},
			{map[string]any{"email": "BOB@example.com"}, http.StatusConflict},
		} {
			w.expect(w.do(call{method: "POST", path: "/api/v3/users", auth: token, body: tc.body}), tc.status)
		}
	})

	t.Run("get, patch and delete", func(t *testing.T) {
		w := w.with(t)
		r := w.do(call{method: "GET", path: "/api/v3/users/" + bobID, auth: token})
		w.expect(r, http.StatusOK)
		checkUserResponse(t, r.object(t))

		r = w.do(call{method: "PATCH", path: "/api/v3/users/" + bobID, auth: token, body: map[string]any{
			"first_name": "Robert", "help_mode_enabled": true, "roles": []string{"user"}}})
		w.expect(r, http.StatusOK)
		u := r.object(t)
		checkUserResponse(t, u)
		if u["first_name"] != "Robert" || u["last_name"] != "Builder" || !boolean(t, u, "help_mode_enabled") ||
			!boolean(t, u, "alert_notifications_enabled") {
			t.Errorf("patched = %v", u)
		}
		if roles := strings_(t, u, "roles"); len(roles) != 1 || roles[0] != "user" {
			t.Errorf("roles = %v", roles)
		}
		w.expect(w.do(call{method: "PATCH", path: "/api/v3/users/" + bobID, auth: token, body: map[string]any{"email": 7}}), http.StatusBadRequest)

		r = w.do(call{method: "DELETE", path: "/api/v3/users/" + bobID, auth: token})
		if r.status != http.StatusNoContent || len(r.body) != 0 {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		w.expect(w.do(call{method: "GET", path: "/api/v3/users/" + bobID, auth: token}), http.StatusNotFound)
		if ev := w.audit("user.deleted"); len(ev) == 0 || ev[0]["surface"] != "arthur" {
			t.Errorf("newest user.deleted = %v", ev)
		}
	})

	t.Run("another organization's user is not found", func(t *testing.T) {
		w := w.with(t)
		id := charlesID.String()
		w.expect(w.do(call{method: "GET", path: "/api/v3/users/" + id, auth: token}), http.StatusNotFound)
		w.expect(w.do(call{method: "PATCH", path: "/api/v3/users/" + id, auth: token, body: map[string]string{"first_name": "x"}}), http.StatusNotFound)
		w.expect(w.do(call{method: "DELETE", path: "/api/v3/users/" + id, auth: token}), http.StatusNotFound)
		w.expect(w.do(call{method: "GET", path: "/api/v3/users/not-a-uuid", auth: token}), http.StatusNotFound)
		// And the other organization's list does not show ours.
		r := w.do(call{method: "GET", path: "/api/v3/users", auth: w.sessionToken("charles@example.com", "babbage horse battery")})
		w.expect(r, http.StatusOK)
		if !strings.Contains(string(r.body), "charles@example.com") || strings.Contains(string(r.body), adaEmail) {
			t.Errorf("other org's list = %s", r.body)
		}
	})

	t.Run("list pages and sorts", func(t *testing.T) {
		w := w.with(t)
		for _, e := range []string{"carol@example.com", "dave@example.com", "erin@example.com"} {
			w.expect(w.do(call{method: "POST", path: "/api/v3/users", auth: token, body: map[string]any{"email": e}}), http.StatusCreated)
		}
		get := func(q string) map[string]any {
			r := w.do(call{method: "GET", path: "/api/v3/users" + q, auth: token})
			w.expect(r, http.StatusOK)
			return r.object(t)
		}
		emails := func(page map[string]any) []string {
			var out []string
			for _, u := range page["data"].([]any) {
				m := u.(map[string]any)
				checkUserResponse(t, m)
				out = append(out, m["email"].(string))
			}
			return out
		}
		p := get("?page=1&page_size=3&sort=-email")
		if got := strings.Join(emails(p), ","); got != "erin@example.com,dave@example.com,carol@example.com" {
			t.Errorf("page 1 = %s", got)
		}
		if p["page"] != 1.0 || p["page_size"] != 3.0 || p["total_count"] != 4.0 || p["total_pages"] != 2.0 {
			t.Errorf("paging = %v", p)
		}
		p = get("?page=2&page_size=3&sort=-email")
		if got := strings.Join(emails(p), ","); got != adaEmail {
			t.Errorf("page 2 = %s", got)
		}
		p = get("?page=9&page_size=3")
		if d, ok := p["data"].([]any); !ok || len(d) != 0 {
			t.Errorf("past the end: data = %v", p["data"])
		}
		if got := emails(get("?sort=email"))[0]; got != adaEmail {
			t.Errorf("first by email = %s", got)
		}
		for _, q := range []string{"?page=0", "?page=x", "?page_size=0", "?page_size=100000", "?sort=password", "?sort=-"} {
			w.expect(w.do(call{method: "GET", path: "/api/v3/users" + q, auth: token}), http.StatusBadRequest)
		}
	})

	t.Run("PATCH /users/me changes the password with the old one", func(t *testing.T) {
		w := w.with(t)
		w.expect(w.do(call{method: "POST", path: "/api/v3/users", auth: token, body: map[string]any{
			"email": "fay@example.com", "password": "first horse battery"}}), http.StatusCreated)
		fay, _ := w.login("fay@example.com", "first horse battery")
		w.expect(w.do(call{method: "PATCH", path: "/api/v3/users/me", auth: fay, body: map[string]any{
			"password": "second horse battery", "old_password": "wrong horse battery"}}), http.StatusBadRequest)
		r := w.do(call{method: "PATCH", path: "/api/v3/users/me", auth: fay, body: map[string]any{
			"last_name": "Fairfax", "show_intro_sequence": true,
			"password": "second horse battery", "old_password": "first horse battery"}})
		w.expect(r, http.StatusOK)
		u := r.object(t)
		checkUserResponse(t, u)
		if u["last_name"] != "Fairfax" || !boolean(t, u, "show_intro_sequence") {
			t.Errorf("me = %v", u)
		}
		w.login("fay@example.com", "second horse battery")
		// A member may not give herself roles.
		fay2, _ := w.login("fay@example.com", "second horse battery")
		w.expect(w.do(call{method: "PATCH", path: "/api/v3/users/me", auth: fay2, body: map[string]any{"roles": []string{"admin"}}}), http.StatusForbidden)
	})

	t.Run("unknown routes are JSON 404s", func(t *testing.T) {
		w := w.with(t)
		w.expect(w.do(call{method: "GET", path: "/api/v3/nothing", auth: token}), http.StatusNotFound)
	})
}
