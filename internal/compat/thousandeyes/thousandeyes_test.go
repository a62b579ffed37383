package thousandeyes_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/thousandeyes/thousandeyes-sdk-go/v3/administrative"
	"github.com/thousandeyes/thousandeyes-sdk-go/v3/client"

	"github.com/wardenhq/warden/internal/compat/thousandeyes"
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
	k     *contract
	ada   string // Ada's session token
	admin context.Context
}

func newWorld(t *testing.T, cfg httpapi.Config) *world {
	t.Helper()
	st := stacktest.New(t, cfg, thousandeyes.MountPaged(3))
	if _, _, err := st.Svc.Auth.Signup(context.Background(), service.Signup{Email: adaEmail, Password: adaPass,
		FullName: "Ada Lovelace", OrgName: "Analytical"}); err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, stack: st, k: mustContract(t)}
	w.ada = w.login(adaEmail, adaPass)
	w.admin = w.as(w.ada)
	return w
}

func (w *world) login(login, password string) string {
	w.t.Helper()
	s, err := w.stack.Svc.Auth.Login(context.Background(), service.Login{Login: login, Password: password})
	if err != nil {
		w.t.Fatal(err)
	}
	return s.Token
}

func (w *world) as(token string) context.Context {
	w.t.Helper()
	p, err := w.stack.Svc.Auth.Authenticate(context.Background(), token)
	if err != nil {
		w.t.Fatal(err)
	}
	return iam.WithPrincipal(context.Background(), p)
}

// sdk is the published client, its responses checked against the contract.
type sdk struct {
	groups *administrative.AccountGroupsAPIService
	users  *administrative.UsersAPIService
	roles  *administrative.RolesAPIService
	perms  *administrative.PermissionsAPIService
	events *administrative.UserEventsAPIService
}

func (w *world) sdk(token string) *sdk {
	cfg := client.NewConfiguration().WithAuthToken(token).WithServerUrl(w.stack.URL + "/v7")
	cfg.HTTPClient = &http.Client{Transport: &checking{t: w.t, k: w.k, next: http.DefaultTransport}}
	api := client.NewAPIClient(cfg)
	return &sdk{
		groups: (*administrative.AccountGroupsAPIService)(&api.Common),
		users:  (*administrative.UsersAPIService)(&api.Common),
		roles:  (*administrative.RolesAPIService)(&api.Common),
		perms:  (*administrative.PermissionsAPIService)(&api.Common),
		events: (*administrative.UserEventsAPIService)(&api.Common),
	}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("not JSON: %s", r.body)
	}
	return m
}

// do sends a raw request, checked against the contract when on /v7.
func (w *world) do(method, path, token, body string) reply {
	w.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, w.stack.URL+path, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	c := &http.Client{Transport: &checking{t: w.t, k: w.k, next: http.DefaultTransport}}
	resp, err := c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, b}
}

func status(t *testing.T, err error, resp *http.Response, want int) {
	t.Helper()
	if resp == nil {
		t.Fatalf("no response: %v", err)
	}
	if resp.StatusCode != want {
		t.Fatalf("status %d, want %d (%v)", resp.StatusCode, want, err)
	}
}

func TestSDKDrivesEveryOperation(t *testing.T) {
	w := newWorld(t, httpapi.Config{})
	te := w.sdk(w.ada)
	ctx := context.Background()

	me, resp, err := te.users.GetCurrentUser().Execute()
	status(t, err, resp, 200)
	if me.GetEmail() != adaEmail || me.GetName() != "Ada Lovelace" || me.GetUid() == "" {
		t.Fatalf("current user %+v", me)
	}

	// Account groups.
	created, resp, err := te.groups.CreateAccountGroup().
		AccountGroupRequest(*administrative.NewAccountGroupRequest("Network Ops")).
		Expand([]administrative.ExpandAccountGroupOptions{administrative.EXPANDACCOUNTGROUPOPTIONS_USER}).Execute()
	status(t, err, resp, 201)
	aid := created.GetAid()
	if aid == "" || created.GetAccountGroupName() != "Network Ops" || resp.Header.Get("Location") == "" {
		t.Fatalf("created %+v, Location %q", created, resp.Header.Get("Location"))
	}
	if len(created.GetUsers()) != 1 || created.GetUsers()[0].GetEmail() != adaEmail {
		t.Fatalf("the creator owns the group: %+v", created.GetUsers())
	}
	got, resp, err := te.groups.UpdateAccountGroup(aid).
		AccountGroupRequest(*administrative.NewAccountGroupRequest("NetOps")).Execute()
	status(t, err, resp, 200)
	if got.GetAccountGroupName() != "NetOps" || got.GetAccountToken() == "" {
		t.Fatalf("updated %+v", got)
	}
	list, resp, err := te.groups.GetAccountGroups().Execute()
	status(t, err, resp, 200)
	if len(list.GetAccountGroups()) != 1 || !list.GetAccountGroups()[0].GetIsDefaultAccountGroup() ||
		list.GetAccountGroups()[0].GetOrganizationName() != "Analytical" {
		t.Fatalf("account groups %+v", list.GetAccountGroups())
	}

	// Permissions and roles.
	perms, resp, err := te.perms.GetPermissions().Aid(aid).Execute()
	status(t, err, resp, 200)
	var usersRead, groupsRead string
	for _, p := range perms.GetPermissions() {
		switch p.GetPermission() {
		case "USERS_READ":
			usersRead = p.GetPermissionId()
		case "GROUPS_READ":
			groupsRead = p.GetPermissionId()
		}
	}
	if usersRead == "" || groupsRead == "" {
		t.Fatalf("permissions %+v", perms.GetPermissions())
	}
	roles, resp, err := te.roles.GetRoles().Aid(aid).Execute()
	status(t, err, resp, 200)
	ids := map[string]administrative.Role{}
	for _, r := range roles.GetRoles() {
		ids[r.GetName()] = r
	}
	if r := ids["admin"]; r.GetRoleId() != "1" || !r.GetIsBuiltin() || !r.GetHasManagementPermissions() {
		t.Fatalf("admin role %+v", r)
	}
	if r := ids["project.reader"]; r.GetRoleId() != "5" || r.GetHasManagementPermissions() {
		t.Fatalf("project.reader role %+v", r)
	}
	rb := administrative.NewRoleRequestBody()
	rb.SetName("Directory viewer")
	rb.SetPermissions([]string{groupsRead})
	custom, resp, err := te.roles.CreateRole().RoleRequestBody(*rb).Execute()
	status(t, err, resp, 201)
	if custom.GetIsBuiltin() || len(custom.GetPermissions()) != 1 || resp.Header.Get("Location") == "" {
		t.Fatalf("custom role %+v", custom)
	}
	rb.SetPermissions([]string{groupsRead, usersRead})
	custom, resp, err = te.roles.UpdateRole(custom.GetRoleId()).RoleRequestBody(*rb).Execute()
	status(t, err, resp, 200)
	if len(custom.GetPermissions()) != 2 {
		t.Fatalf("updated role %+v", custom)
	}
	detail, resp, err := te.roles.GetRole(custom.GetRoleId()).Execute()
	status(t, err, resp, 200)
	if detail.GetName() != "Directory viewer" {
		t.Fatalf("role %+v", detail)
	}
	_, resp, err = te.roles.UpdateRole("1").RoleRequestBody(*rb).Execute()
	status(t, err, resp, 403) // built-ins are immutable

	// Users, with role assignments replaced.
	ur := administrative.NewUserRequest()
	ur.SetName("Bob Builder")
	ur.SetEmail("bob@example.com")
	ur.SetLoginAccountGroupId(aid)
	agr := administrative.NewUserAccountGroupRole()
	agr.SetAccountGroupId(aid)
	agr.SetRoleIds([]string{"5", custom.GetRoleId()})
	ur.SetAccountGroupRoles([]administrative.UserAccountGroupRole{*agr})
	ur.SetAllAccountGroupRoleIds([]string{"2"})
	bob, resp, err := te.users.CreateUser().UserRequest(*ur).Execute()
	status(t, err, resp, 201)
	if bob.GetLoginAccountGroup().Aid == nil || *bob.GetLoginAccountGroup().Aid != aid ||
		len(bob.GetAccountGroupRoles()) != 1 || len(bob.GetAccountGroupRoles()[0].GetRoles()) != 2 ||
		len(bob.GetAllAccountGroupRoles()) != 1 || bob.GetAllAccountGroupRoles()[0].GetRoleId() != "2" {
		t.Fatalf("bob %s", mustJSON(bob))
	}
	agr.SetRoleIds([]string{"6"})
	ur = administrative.NewUserRequest()
	ur.SetName("Robert Builder")
	ur.SetAccountGroupRoles([]administrative.UserAccountGroupRole{*agr})
	upd, resp, err := te.users.UpdateUser(bob.GetUid()).UserRequest(*ur).Execute()
	status(t, err, resp, 200)
	if upd.GetName() != "Robert Builder" || len(upd.GetAccountGroupRoles()) != 1 ||
		len(upd.GetAccountGroupRoles()[0].GetRoles()) != 1 || upd.GetAccountGroupRoles()[0].GetRoles()[0].GetRoleId() != "6" ||
		len(upd.GetAllAccountGroupRoles()) != 1 {
		t.Fatalf("replaced %s", mustJSON(upd))
	}
	one, resp, err := te.users.GetUser(bob.GetUid()).Aid(aid).Execute()
	status(t, err, resp, 200)
	if one.GetEmail() != "bob@example.com" {
		t.Fatalf("user %+v", one)
	}
	users, resp, err := te.users.GetUsers().Execute()
	status(t, err, resp, 200)
	if len(users.GetUsers()) != 2 {
		t.Fatalf("users %+v", users.GetUsers())
	}
	g, resp, err := te.groups.GetAccountGroup(aid).Expand([]administrative.ExpandAccountGroupOptions{"user", "agent"}).Execute()
	status(t, err, resp, 200)
	if len(g.GetUsers()) != 2 {
		t.Fatalf("members %s", mustJSON(g))
	}

	// The role is still assigned to no one after bob's replace: delete it.
	resp, err = te.roles.DeleteRole(custom.GetRoleId()).Execute()
	status(t, err, resp, 204)
	resp, err = te.users.DeleteUser(bob.GetUid()).Execute()
	status(t, err, resp, 204)
	_, resp, err = te.users.GetUser(bob.GetUid()).Execute()
	status(t, err, resp, 404)

	// The activity log, paged by the SDK's own pager (pages of 3 here).
	want, err := w.stack.Svc.Audit.List(w.admin, iam.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var events []administrative.UserEvent
	for e, err := range te.events.GetUserEvents().Window("1d").All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	if len(events) != len(want) || len(events) < 7 {
		t.Fatalf("paged %d events, the log has %d", len(events), len(want))
	}
	if events[len(events)-1].GetEvent() != "Org created." && events[0].GetUser() == "" {
		t.Fatalf("events %s", mustJSON(events))
	}
	all, resp, err := te.events.GetUserEvents().UseAllPermittedAids(true).
		StartDate(time.Now().Add(-time.Hour)).EndDate(time.Now().Add(time.Minute)).Execute()
	status(t, err, resp, 200)
	if len(all.GetAuditEvents()) != 3 || all.Links.Next == nil || all.StartDate == nil {
		t.Fatalf("first page %s", mustJSON(all))
	}

	resp, err = te.groups.DeleteAccountGroup(aid).Execute()
	status(t, err, resp, 204)

	// Every operation of the document answered with success somewhere in
	// this test (the token rotation in TestAPITokens).
	for _, op := range w.k.operations() {
		if !w.k.seen[op] && op != "POST /api-tokens" {
			t.Errorf("operation %s never succeeded", op)
		}
	}

	// The changes are audited as coming through this surface.
	r := w.do("GET", "/v1/audit-events?limit=100", w.ada, "")
	var native struct {
		Events []struct {
			Action  string `json:"action"`
			Surface string `json:"surface"`
		} `json:"events"`
	}
	json.Unmarshal(r.body, &native)
	for _, e := range native.Events {
		if e.Action == "workspace.created" && e.Surface != "thousandeyes" {
			t.Fatalf("workspace.created came through %q", e.Surface)
		}
	}
	if !slices.ContainsFunc(native.Events, func(e struct {
		Action  string `json:"action"`
		Surface string `json:"surface"`
	}) bool {
		return e.Action == "workspace.created" && e.Surface == "thousandeyes"
	}) {
		t.Fatalf("no workspace.created event from thousandeyes: %s", r.body)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestPermissionsNeedManagement(t *testing.T) {
	w := newWorld(t, httpapi.Config{})
	ws, err := w.stack.Svc.Workspaces.Create(w.admin, "Lab")
	if err != nil {
		t.Fatal(err)
	}
	v, err := w.stack.Svc.Roles.Create(w.admin, service.RoleInput{Name: "peek", Permissions: []string{"groups.read", "permissions.read"}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := w.stack.Svc.Users.Create(w.admin, service.NewUser{Email: "carol@example.com", Password: "a long enough secret", Roles: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.stack.Svc.Bindings.ReplaceUserRoles(w.admin, u.ID, []service.ScopeRoles{
		{ScopeType: iam.ScopeOrg, Roles: []string{v.Key}},
		{ScopeType: iam.ScopeWorkspace, ScopeID: ws.ID, Roles: []string{"project.reader"}}}); err != nil {
		t.Fatal(err)
	}
	carol := w.sdk(w.login("carol@example.com", "a long enough secret"))
	_, resp, err := carol.perms.GetPermissions().Execute()
	status(t, err, resp, 403)
	var apiErr interface{ Error() string }
	if !errors.As(err, &apiErr) || !strings.Contains(err.Error(), "403") {
		t.Fatalf("error %v", err)
	}
	me, resp, err := carol.users.GetCurrentUser().Execute()
	status(t, err, resp, 200)
	if me.GetLoginAccountGroup().Aid == nil || len(me.GetAccountGroupRoles()) != 1 {
		t.Fatalf("carol %s", mustJSON(me))
	}
	// Ada has them.
	_, resp, err = w.sdk(w.ada).perms.GetPermissions().Execute()
	status(t, err, resp, 200)
}

func TestBadInput(t *testing.T) {
	w := newWorld(t, httpapi.Config{})
	ws, err := w.stack.Svc.Workspaces.Create(w.admin, "Lab")
	if err != nil {
		t.Fatal(err)
	}
	aid := itoa(ws.Seq)
	for _, tc := range []struct {
		name, method, path, body string
		token                    bool
		want                     int
	}{
		{"no token", "GET", "/v7/users", "", false, 401},
		{"not JSON", "POST", "/v7/users", "{", true, 400},
		{"no body", "POST", "/v7/roles", "", true, 400},
		{"wrong type", "POST", "/v7/account-groups", `{"accountGroupName": 5}`, true, 400},
		{"missing name", "POST", "/v7/account-groups", `{}`, true, 400},
		{"agents", "POST", "/v7/account-groups", `{"accountGroupName":"x","agents":["1"]}`, true, 400},
		{"bad expand", "GET", "/v7/account-groups/" + aid + "?expand=tests", "", true, 400},
		{"bad email", "POST", "/v7/users", `{"email":"nope","name":"N"}`, true, 400},
		{"unknown role", "POST", "/v7/users", `{"email":"d@example.com","allAccountGroupRoleIds":["999"]}`, true, 400},
		{"org role in group", "POST", "/v7/users", `{"email":"d@example.com","accountGroupRoles":[{"accountGroupId":"` + aid + `","roleIds":["1"]}]}`, true, 400},
		{"unknown permission", "POST", "/v7/roles", `{"name":"r","permissions":["99999"]}`, true, 400},
		{"unknown user", "GET", "/v7/users/999999", "", true, 404},
		{"letters", "GET", "/v7/users/abc", "", true, 404},
		{"unknown role id", "GET", "/v7/roles/1999", "", true, 404},
		{"foreign aid", "GET", "/v7/users?aid=999999", "", true, 403},
		{"window and dates", "GET", "/v7/audit-user-events?window=1d&startDate=2024-01-01T00:00:00Z", "", true, 400},
		{"bad window", "GET", "/v7/audit-user-events?window=1y", "", true, 400},
		{"bad date", "GET", "/v7/audit-user-events?startDate=yesterday", "", true, 400},
		{"bad cursor", "GET", "/v7/audit-user-events?cursor=zzz", "", true, 400},
		{"bad bool", "GET", "/v7/audit-user-events?useAllPermittedAids=maybe", "", true, 400},
		{"delete self", "DELETE", "/v7/users/1", "", true, 400},
		{"delete built-in", "DELETE", "/v7/roles/2", "", true, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := ""
			if tc.token {
				tok = w.ada
			}
			r := w.do(tc.method, tc.path, tok, tc.body)
			if r.status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.status, tc.want, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("Content-Type %q", ct)
			}
			m := r.json(t)
			if tc.want == 401 {
				if m["error"] != "invalid_token" {
					t.Fatalf("401 body %s", r.body)
				}
				return
			}
			if tc.want == 400 {
				if errs, _ := m["errors"].([]any); len(errs) == 0 {
					t.Fatalf("400 without errors: %s", r.body)
				}
			}
		})
	}
	// Not a documented path: a 404 problem, never the native router's.
	r := w.do("GET", "/v7/agents", w.ada, "")
	if r.status != 404 || r.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("unknown path: %d %s", r.status, r.body)
	}
}

func itoa(n int64) string { return strings.TrimSpace(strings.Repeat(" ", 0) + jsonNumber(n)) }

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestOtherOrganizationIsNotFound(t *testing.T) {
	w := newWorld(t, httpapi.Config{})
	ws, err := w.stack.Svc.Workspaces.Create(w.admin, "Lab")
	if err != nil {
		t.Fatal(err)
	}
	v, err := w.stack.Svc.Roles.Create(w.admin, service.RoleInput{Name: "peek", Permissions: []string{"groups.read"}})
	if err != nil {
		t.Fatal(err)
	}
	me, err := w.stack.Svc.Users.Current(w.admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.stack.Svc.Orgs.Create(w.admin, service.NewOrg{Name: "Other", Admin: &service.NewUser{
		Email: "eve@example.com", Password: "another long secret"}}); err != nil {
		t.Fatal(err)
	}
	eve := w.login("eve@example.com", "another long secret")
	for _, path := range []string{"/v7/users/" + itoa(me.Seq), "/v7/account-groups/" + itoa(ws.Seq),
		"/v7/roles/" + itoa(1000+v.Seq)} {
		if r := w.do("GET", path, eve, ""); r.status != 404 {
			t.Errorf("GET %s: %d %s", path, r.status, r.body)
		}
	}
	if r := w.do("DELETE", "/v7/account-groups/"+itoa(ws.Seq), eve, ""); r.status != 404 {
		t.Errorf("DELETE: %d %s", r.status, r.body)
	}
	if r := w.do("GET", "/v7/roles?aid="+itoa(ws.Seq), eve, ""); r.status != 403 {
		t.Errorf("foreign aid: %d %s", r.status, r.body)
	}
}

func TestAPITokens(t *testing.T) {
	w := newWorld(t, httpapi.Config{})
	r := w.do("POST", "/v7/api-tokens", w.ada, "")
	if r.status != 201 {
		t.Fatalf("rotate: %d %s", r.status, r.body)
	}
	var tok struct {
		BearerToken string    `json:"bearerToken"`
		ValidUntil  time.Time `json:"validUntil"`
	}
	json.Unmarshal(r.body, &tok)
	if d := time.Until(tok.ValidUntil); d < 729*24*time.Hour || d > 732*24*time.Hour {
		t.Fatalf("valid until %v", tok.ValidUntil)
	}
	first := tok.BearerToken
	me, resp, err := w.sdk(first).users.GetCurrentUser().Execute()
	status(t, err, resp, 200)
	if me.GetEmail() != adaEmail {
		t.Fatal(me)
	}
	r = w.do("POST", "/v7/api-tokens", first, "")
	if r.status != 201 {
		t.Fatalf("second rotation: %d %s", r.status, r.body)
	}
	json.Unmarshal(r.body, &tok)
	second := tok.BearerToken
	r = w.do("POST", "/v7/api-tokens", second, "")
	if r.status != 409 || r.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("inside the overlap: %d %s", r.status, r.body)
	}
	w.stack.Clock.Advance(15 * 24 * time.Hour)
	if r := w.do("GET", "/v7/users/current", first, ""); r.status != 401 {
		t.Fatalf("the previous token after 14 days: %d", r.status)
	}
	if r := w.do("POST", "/v7/api-tokens", second, ""); r.status != 201 {
		t.Fatalf("after the overlap: %d %s", r.status, r.body)
	}
	w.k.record("POST", "/api-tokens", 201)
}

func TestRateLimit(t *testing.T) {
	w := newWorld(t, httpapi.Config{RateLimit: 0.001, RateBurst: 2})
	var last reply
	for range 3 {
		last = w.do("GET", "/v7/users/current", w.ada, "")
	}
	if last.status != 429 {
		t.Fatalf("status %d", last.status)
	}
	for _, h := range []string{"X-Organization-Rate-Limit-Limit", "X-Organization-Rate-Limit-Remaining", "X-Organization-Rate-Limit-Reset"} {
		if last.header.Get(h) == "" {
			t.Errorf("no %s", h)
		}
	}
	if m := last.json(t); m["status"] != float64(429) || m["title"] == "" {
		t.Fatalf("body %s", last.body)
	}
}
