package httpapi_test

import (
	"bytes"
	"encoding/json"
	"github.com/wardenhq/warden/internal/stacktest"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/httpapi"
	"github.com/wardenhq/warden/internal/store/sqlstore"
)

// api is a real Warden stack (SQLite store, services, native API) served
// by httptest. Its client checks every response against openapi.json.
type api struct {
	srv    *httptest.Server
	server *httpapi.Server
	store  *sqlstore.Store
	client *http.Client
	clock  *stacktest.Clock
}

// password is good enough for the default policy.
const password = "correct horse battery"

// newTestAPI builds the whole stack on a fresh database in t's temporary
// directory. Password hashing uses cheap parameters.
func newTestAPI(t testing.TB) *api {
	t.Helper()
	return newTestAPIWith(t, httpapi.Config{})
}

// newTestAPIWith is newTestAPI with the HTTP settings given.
func newTestAPIWith(t testing.TB, cfg httpapi.Config) *api {
	t.Helper()
	return onStack(stacktest.NewWith(t, stacktest.Options{HTTP: cfg}))
}

// onStack talks to s through the contract-checking client.
func onStack(s *stacktest.Stack) *api {
	client := &http.Client{
		Transport: contractTransport{base: s.Server.Client().Transport},
		// Every answer is checked as it is: a redirect would hide one.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
	return &api{srv: s.Server, server: s.API, store: s.Store, client: client, clock: s.Clock}
}

// req describes one request; zero fields are left out.
type req struct {
	method, path string
	token        string            // sent as Authorization: Bearer <token>
	header       map[string]string // more headers; they win over token
	body         any               // JSON-encoded unless a string or []byte
	ctype        string            // default application/json when there is a body
}

// resp is a response whose body has been read.
type resp struct {
	status int
	header http.Header
	body   []byte
}

// do sends r through the contract-checking client: a response that breaks
// openapi.json fails the test here.
func (a *api) do(t testing.TB, r req) *resp {
	t.Helper()
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
			t.Fatal(err)
		}
		body = bytes.NewReader(enc)
	}
	hr, err := http.NewRequest(r.method, a.srv.URL+r.path, body)
	if err != nil {
		t.Fatal(err)
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
	res, err := a.client.Do(hr)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &resp{status: res.StatusCode, header: res.Header, body: data}
}

// into decodes the body into v.
func (r *resp) into(t testing.TB, v any) *resp {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	return r
}

// problemBody is an RFC 9457 problem as the API writes it.
type problemBody struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func (r *resp) problem() problemBody {
	var p problemBody
	json.Unmarshal(r.body, &p)
	return p
}

// code is the problem code of an error response.
func (r *resp) code() string { return r.problem().Code }

// fields are the fields a problem names.
func (r *resp) fields() []string {
	var out []string
	for _, e := range r.problem().Errors {
		out = append(out, e.Field)
	}
	return out
}

// want fails unless the response has status and, when given, that problem
// code.
func (r *resp) want(t testing.TB, status int, code ...string) *resp {
	t.Helper()
	if r.status != status || (len(code) > 0 && r.code() != code[0]) {
		t.Fatalf("got %d %s, want %d %v", r.status, r.body, status, code)
	}
	return r
}

// naming fails unless the problem names every field given.
func (r *resp) naming(t testing.TB, fields ...string) *resp {
	t.Helper()
	got := r.fields()
	for _, f := range fields {
		if !slices.Contains(got, f) {
			t.Fatalf("the problem names %v, not %q: %s", got, f, r.body)
		}
	}
	return r
}

// has fails unless the body contains every string given.
func (r *resp) has(t testing.TB, subs ...string) *resp {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(string(r.body), s) {
			t.Fatalf("the body lacks %q: %s", s, r.body)
		}
	}
	return r
}

// id is the "id" of a JSON object body.
func (r *resp) id(t testing.TB) string {
	t.Helper()
	var v struct {
		ID string `json:"id"`
	}
	r.into(t, &v)
	if v.ID == "" {
		t.Fatalf("no id in %s", r.body)
	}
	return v.ID
}

// scenario is one row of a table of API calls, run in order (pocketbase's
// tests.ApiScenario): what to send, and what must come back.
type scenario struct {
	name   string
	method string
	path   string
	token  string
	header map[string]string
	body   any
	ctype  string

	status int
	code   string   // the problem code, for errors
	fields []string // fields the problem must name
	has    []string // substrings the body must contain
	check  func(t *testing.T, r *resp)
}

// run plays the scenarios in order, each as a subtest named for it.
func (a *api) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := a.do(t, req{method: sc.method, path: sc.path, token: sc.token, header: sc.header, body: sc.body, ctype: sc.ctype})
			if sc.code != "" {
				r.want(t, sc.status, sc.code)
			} else {
				r.want(t, sc.status)
			}
			r.naming(t, sc.fields...)
			for _, s := range sc.has {
				if !strings.Contains(string(r.body), s) {
					t.Errorf("the body lacks %q: %s", s, r.body)
				}
			}
			if sc.check != nil {
				sc.check(t, r)
			}
		})
	}
}

// actor is a logged-in user.
type actor struct {
	id, org, email, token string
}

// signup creates the instance's first organization, "Analytical", and logs
// its administrator, ada@example.com (also the instance administrator), in.
func (a *api) signup(t testing.TB) actor {
	t.Helper()
	a.do(t, req{method: "POST", path: "/v1/signup", body: map[string]string{
		"email": "ada@example.com", "password": password, "full_name": "Ada Lovelace", "org_name": "Analytical"}}).want(t, 201)
	return a.login(t, "ada@example.com", password)
}

// login opens a session and returns its user and token.
func (a *api) login(t testing.TB, login, pw string) actor {
	t.Helper()
	var out struct {
		User struct {
			ID    string `json:"id"`
			OrgID string `json:"org_id"`
			Email string `json:"email"`
		} `json:"user"`
		AccessToken string `json:"access_token"`
	}
	a.do(t, req{method: "POST", path: "/v1/login", body: map[string]string{"login": login, "password": pw}}).
		want(t, 200).into(t, &out)
	return actor{id: out.User.ID, org: out.User.OrgID, email: out.User.Email, token: out.AccessToken}
}

// member creates a user of admin's organization with the given org roles
// (none at all when roles is empty) and logs them in.
func (a *api) member(t testing.TB, admin actor, email string, roles ...string) actor {
	t.Helper()
	if roles == nil {
		roles = []string{}
	}
	a.do(t, req{method: "POST", path: "/v1/users", token: admin.token, body: map[string]any{
		"email": email, "password": password, "roles": roles}}).want(t, 201)
	return a.login(t, email, password)
}

// otherOrg creates a second organization through the instance
// administrator, with an administrator of its own, and logs that
// (non-instance) administrator in.
func (a *api) otherOrg(t testing.TB, instanceAdmin actor, name, adminEmail string) actor {
	t.Helper()
	a.do(t, req{method: "POST", path: "/v1/orgs", token: instanceAdmin.token, body: map[string]any{
		"name": name, "admin": map[string]string{"email": adminEmail, "password": password}}}).want(t, 201)
	return a.login(t, adminEmail, password)
}

// create POSTs body to path as token and returns the new object's id.
func (a *api) create(t testing.TB, token, path string, body any) string {
	t.Helper()
	return a.do(t, req{method: "POST", path: path, token: token, body: body}).want(t, 201).id(t)
}

// world is an organization with one object of every kind, for the tests
// that walk the route table.
type world struct {
	root      actor  // instance administrator and org admin
	target    actor  // a plain user the others act on
	group     string // target is a member
	workspace string // target is a member
	project   string // in workspace; target is a member
	role      string // a custom role's key
	binding   string // target holds role at workspace
	userKey   string // an API key of target
	session   string // a session of target
	account   string // a service account
	saKey     string // an API key of account
	client    string // an OAuth client of account
	grant     string // a grant of target
	appClient string // a first-party OAuth client
}

// newWorld builds a world in a fresh instance.
func newWorld(t testing.TB, a *api) world {
	t.Helper()
	w := world{root: a.signup(t)}
	w.target = a.member(t, w.root, "target@example.com", "user")
	tok := w.root.token
	w.group = a.create(t, tok, "/v1/groups", map[string]string{"name": "Engineers"})
	a.do(t, req{method: "PUT", path: "/v1/groups/" + w.group + "/members/" + w.target.id, token: tok}).want(t, 201)
	w.workspace = a.create(t, tok, "/v1/workspaces", map[string]string{"title": "Research Lab"})
	a.do(t, req{method: "PUT", path: "/v1/workspaces/" + w.workspace + "/members/" + w.target.id, token: tok,
		body: map[string]string{"role": "reader"}}).want(t, 200)
	w.project = a.create(t, tok, "/v1/projects", map[string]string{"workspace_id": w.workspace, "name": "Telescope"})
	a.do(t, req{method: "PUT", path: "/v1/projects/" + w.project + "/members/" + w.target.id, token: tok,
		body: map[string]string{"role": "member"}}).want(t, 200)
	var role struct{ Key string }
	a.do(t, req{method: "POST", path: "/v1/roles", token: tok, body: map[string]any{
		"name": "Auditor", "description": "reads the log", "permissions": []string{"audit.read", "users.read"}}}).
		want(t, 201).into(t, &role)
	w.role = role.Key
	w.binding = a.create(t, tok, "/v1/role-bindings", map[string]any{
		"subject": map[string]string{"type": "user", "id": w.target.id}, "role": w.role,
		"scope": map[string]string{"type": "workspace", "id": w.workspace}})
	w.userKey = a.create(t, tok, "/v1/users/"+w.target.id+"/api-keys", map[string]any{"description": "ci"})
	var sessions struct {
		Sessions []struct{ ID string } `json:"sessions"`
	}
	a.do(t, req{method: "GET", path: "/v1/users/" + w.target.id + "/sessions", token: tok}).want(t, 200).into(t, &sessions)
	w.session = sessions.Sessions[0].ID
	w.account = a.create(t, tok, "/v1/service-accounts", map[string]string{"name": "deployer"})
	w.saKey = a.create(t, tok, "/v1/service-accounts/"+w.account+"/api-keys", map[string]any{"description": "deploys"})
	var client struct {
		ClientID string `json:"client_id"`
	}
	a.do(t, req{method: "POST", path: "/v1/service-accounts/" + w.account + "/clients", token: tok,
		body: map[string]string{"name": "pipeline"}}).want(t, 201).into(t, &client)
	w.client = client.ClientID
	w.grant = a.create(t, tok, "/v1/users/"+w.target.id+"/grants", map[string]any{"type": "user"})
	a.do(t, req{method: "POST", path: "/v1/oauth-clients", token: tok,
		body: map[string]any{"name": "portal", "allow_password": true}}).want(t, 201).into(t, &client)
	w.appClient = client.ClientID
	return w
}

// fill puts the world's IDs into a route pattern's wildcards.
func (w world) fill(pattern string) string {
	id := ""
	switch {
	case strings.HasPrefix(pattern, "/v1/users/"):
		id = w.target.id
	case strings.HasPrefix(pattern, "/v1/orgs/"):
		id = w.root.org
	case strings.HasPrefix(pattern, "/v1/groups/"):
		id = w.group
	case strings.HasPrefix(pattern, "/v1/workspaces/"):
		id = w.workspace
	case strings.HasPrefix(pattern, "/v1/projects/"):
		id = w.project
	case strings.HasPrefix(pattern, "/v1/role-bindings/"):
		id = w.binding
	case strings.HasPrefix(pattern, "/v1/service-accounts/"):
		id = w.account
	}
	if strings.HasPrefix(pattern, "/v1/oauth-clients/") {
		w.client = w.appClient
	}
	key := w.userKey
	if strings.HasPrefix(pattern, "/v1/service-accounts/") {
		key = w.saKey
	}
	return strings.NewReplacer("{id}", id, "{key}", w.role, "{principal_id}", w.target.id,
		"{key_id}", key, "{sid}", w.session, "{client_id}", w.client, "{grant_id}", w.grant, "{method}", "totp", "{token_suffix}", "abc234",
		"{service}", "msexchange", "{issuer}", "https%3A%2F%2Flogin.example.com").Replace(pattern)
}

// validRequest is a request each route accepts from a caller allowed to
// make it, so that a refusal is about who asks, not what they send.
func (w world) validRequest(method, pattern string) req {
	r := req{method: method, path: w.fill(pattern)}
	switch method + " " + pattern {
	case "POST /v1/signup":
		r.body = map[string]string{"email": "x@example.com", "password": password, "org_name": "X"}
	case "POST /v1/login/mfa":
		r.body = map[string]string{"mfa_token": "x", "method": "totp", "code": "123456"}
	case "POST /v1/users/{id}/auth-methods/sms":
		r.body = map[string]string{"phone": "+4712345678"}
	case "POST /v1/users/{id}/auth-methods/sms/verify":
		r.body = map[string]string{"code": "123456"}
	case "POST /v1/login/mfa/sms":
		r.body = map[string]string{"mfa_token": "x"}
	case "POST /v1/users/{id}/auth-methods/totp/verify":
		r.body = map[string]string{"code": "123456"}
	case "PUT /v1/users/{id}/password":
		r.body = map[string]string{"new_password": "another fine password", "new_password_confirm": "another fine password"}
	case "PUT /v1/password-policy":
		r.body = map[string]any{"min_length": 10, "max_length": 128, "blocklist": true, "history": 3, "max_age_days": 0}
	case "POST /v1/login":
		r.body = map[string]string{"login": "x@example.com", "password": password}
	case "POST /v1/users":
		r.body = map[string]string{"email": "new@example.com"}
	case "PATCH /v1/users/{id}":
		r.body, r.ctype = `{"full_name": "Changed"}`, "application/merge-patch+json"
	case "PATCH /v1/users/{id}/capabilities":
		r.body, r.ctype = `[{"op": "add", "path": "/capabilities/-", "value": "HELPDESK"}]`, "application/json-patch+json"
	case "POST /v1/orgs":
		r.body = map[string]string{"name": "New Org"}
	case "PATCH /v1/orgs/{id}":
		r.body, r.ctype = `{"name": "Changed Org"}`, "application/merge-patch+json"
	case "POST /v1/roles":
		r.body = map[string]any{"name": "Helper", "permissions": []string{"users.read"}}
	case "PUT /v1/roles/{key}":
		r.body = map[string]any{"name": "Changed", "permissions": []string{"users.read"}}
	case "PATCH /v1/roles/{key}":
		r.body, r.ctype = `{"description": "changed"}`, "application/merge-patch+json"
	case "POST /v1/role-bindings":
		r.body = map[string]any{"subject": map[string]string{"type": "user", "id": w.target.id}, "role": "project.admin",
			"scope": map[string]string{"type": "workspace", "id": w.workspace}}
	case "GET /v1/authz/check":
		r.path += "?principal=" + w.target.id + "&permission=users.read"
	case "POST /v1/groups":
		r.body = map[string]string{"name": "New group"}
	case "PATCH /v1/groups/{id}":
		r.body, r.ctype = `{"description": "changed"}`, "application/merge-patch+json"
	case "POST /v1/workspaces":
		r.body = map[string]string{"title": "New workspace"}
	case "PATCH /v1/workspaces/{id}":
		r.body, r.ctype = `{"title": "Changed"}`, "application/merge-patch+json"
	case "PUT /v1/workspaces/{id}/members/{principal_id}", "PUT /v1/projects/{id}/members/{principal_id}":
		r.body = map[string]string{"role": "owner"}
	case "POST /v1/projects":
		r.body = map[string]string{"workspace_id": w.workspace, "name": "New project"}
	case "PATCH /v1/projects/{id}":
		r.body, r.ctype = `{"description": "changed"}`, "application/merge-patch+json"
	case "POST /v1/users/{id}/api-keys", "POST /v1/service-accounts/{id}/api-keys":
		r.body = map[string]any{"description": "new", "valid_sources": []string{"10.0.0.0/8"}}
	case "POST /v1/users/{id}/api-keys/{key_id}/renew", "POST /v1/service-accounts/{id}/api-keys/{key_id}/renew":
		r.body = map[string]any{"expiration_days": 30}
	case "POST /v1/service-accounts":
		r.body = map[string]string{"name": "new-account"}
	case "PATCH /v1/service-accounts/{id}":
		r.body, r.ctype = `{"description": "changed"}`, "application/merge-patch+json"
	case "POST /v1/service-accounts/{id}/clients":
		r.body = map[string]string{"name": "new client"}
	case "POST /v1/users/{id}/grants":
		r.body = map[string]any{"type": "service", "for_client_id": "squirro", "project_permissions": []string{"items.read"}}
	case "POST /v1/oauth-clients":
		r.body = map[string]any{"name": "new app", "allow_password": true}
	case "PUT /v1/users/{id}/authentications/{service}":
		r.body = map[string]any{"service_user": "ada@exchange.example", "access_token": "exchange-token", "access_token_expires": "2030-01-02T15:04:05Z"}
	case "PUT /v1/users/{id}/identities/{issuer}":
		r.body = map[string]string{"subject": "ada-1"}
	}
	return r
}
