package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/httpapi"
	"github.com/wardenhq/warden/internal/service"
	"github.com/wardenhq/warden/internal/store/sqlstore"
)

// api is a real Warden stack on a temporary SQLite database, served by
// httptest. Every response goes through the OpenAPI contract check.
type api struct {
	t      testing.TB
	srv    *httptest.Server
	server *httpapi.Server
}

const password = "correct horse battery"

func newTestAPI(t testing.TB) *api {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "warden.db"), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	rand.Read(key)
	sealer, err := authn.NewSealer(key, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hasher := authn.NewHasher(authn.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2, rand.Reader)
	svc := service.New(&service.Env{Store: st, Now: time.Now, Rand: rand.Reader, Log: log},
		service.Config{Issuer: "warden-test", SessionTTL: time.Hour, KeyRotation: 24 * time.Hour,
			PasswordPolicy: authn.DefaultPasswordPolicy}, hasher, sealer)
	if err := svc.Keys.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	server := httpapi.New(httpapi.Config{}, svc, st, log, prometheus.NewRegistry())
	srv := httptest.NewServer(server)
	t.Cleanup(srv.Close)
	return &api{t: t, srv: srv, server: server}
}

// req describes one request; zero fields are left out.
type req struct {
	method, path string
	token        string // sent as Authorization: Bearer
	header       map[string]string
	body         any    // encoded as JSON unless it is a string or []byte
	ctype        string // default application/json when there is a body
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

// do sends r and checks the response against the OpenAPI document.
func (a *api) do(r req) *resp {
	a.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		body = bytes.NewReader(enc)
	}
	hr, err := http.NewRequest(r.method, a.srv.URL+r.path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	if r.body != nil {
		ct := r.ctype
		if ct == "" {
			ct = "application/json"
		}
		hr.Header.Set("Content-Type", ct)
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	res, err := a.srv.Client().Do(hr)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	out := &resp{status: res.StatusCode, header: res.Header, body: data}
	checkContract(a.t, r.method, r.path, out)
	return out
}

// into decodes the body into v.
func (r *resp) into(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// code is the problem code of an error response.
func (r *resp) code() string {
	var p struct{ Code string }
	json.Unmarshal(r.body, &p)
	return p.Code
}

// want fails unless the response has status and, when code is given, that
// problem code.
func (r *resp) want(t testing.TB, status int, code ...string) *resp {
	t.Helper()
	if r.status != status || (len(code) > 0 && r.code() != code[0]) {
		t.Fatalf("got %d %s, want %d %v", r.status, r.body, status, code)
	}
	return r
}

// actor is a logged-in user.
type actor struct {
	id, org, email, token string
}

// signup creates the instance's first organization and logs its
// administrator (also instance administrator) in.
func (a *api) signup() actor {
	a.t.Helper()
	var out struct{ UserID, OrgID string }
	a.do(req{method: "POST", path: "/v1/signup", body: map[string]string{
		"email": "ada@example.com", "password": password, "full_name": "Ada Lovelace", "org_name": "Analytical"}}).
		want(a.t, 201).into(a.t, &out)
	return a.login("ada@example.com", password)
}

func (a *api) login(login, pw string) actor {
	a.t.Helper()
	var out struct {
		User struct {
			ID    string `json:"id"`
			OrgID string `json:"org_id"`
			Email string `json:"email"`
		} `json:"user"`
		AccessToken string `json:"access_token"`
	}
	a.do(req{method: "POST", path: "/v1/login", body: map[string]string{"login": login, "password": pw}}).
		want(a.t, 200).into(a.t, &out)
	return actor{id: out.User.ID, org: out.User.OrgID, email: out.User.Email, token: out.AccessToken}
}

// member creates a user with role in admin's organization and logs them in.
func (a *api) member(admin actor, email, role string) actor {
	a.t.Helper()
	a.do(req{method: "POST", path: "/v1/users", token: admin.token, body: map[string]any{
		"email": email, "password": password, "roles": []string{role}}}).want(a.t, 201)
	return a.login(email, password)
}

// otherOrg creates a second organization through the instance
// administrator and logs its (non-instance) administrator in.
func (a *api) otherOrg(instanceAdmin actor) actor {
	a.t.Helper()
	a.do(req{method: "POST", path: "/v1/orgs", token: instanceAdmin.token, body: map[string]any{
		"name": "Other Org", "admin": map[string]string{"email": "boss@other.example", "password": password}}}).want(a.t, 201)
	return a.login("boss@other.example", password)
}
