package squirro_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/wardenhq/warden/internal/compat/squirro"
	"github.com/wardenhq/warden/internal/httpapi"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
	"github.com/wardenhq/warden/internal/stacktest"
)

const password = "correct horse battery staple 9"

var b64ID = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)

// wire sends requests as SquirroClient does and reads answers as it does.
type wire struct {
	t    *testing.T
	base string
}

type answer struct {
	status int
	body   []byte
	header http.Header
}

// send issues a request; body is url.Values (form, as requests' data=dict)
// or a string (JSON, as data=json.dumps with its header).
func (c wire) send(method, path, token string, body any) answer {
	c.t.Helper()
	var rd io.Reader
	req, _ := http.NewRequest(method, c.base+path, nil)
	switch b := body.(type) {
	case url.Values:
		rd = strings.NewReader(b.Encode())
		req, _ = http.NewRequest(method, c.base+path, rd)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case string:
		req, _ = http.NewRequest(method, c.base+path, strings.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, body: b, header: res.Header}
}

func (a answer) want(t *testing.T, status int) answer {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.body)
	}
	if status >= 400 {
		var e map[string]any
		if err := json.Unmarshal(a.body, &e); err != nil {
			t.Fatalf("error body is not JSON: %s", a.body)
		}
		if msg, ok := e["error"].(string); !ok || msg == "" {
			t.Fatalf(`error body has no "error" string: %s`, a.body)
		}
	}
	return a
}

func (a answer) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil || m == nil {
		t.Fatalf("not a JSON object: %s", a.body)
	}
	return m
}

func (a answer) list(t *testing.T) []any {
	t.Helper()
	var l []any
	if err := json.Unmarshal(a.body, &l); err != nil || l == nil {
		t.Fatalf("not a JSON array: %s", a.body)
	}
	return l
}

func str(t *testing.T, m map[string]any, key string) string {
	t.Helper()
	s, ok := m[key].(string)
	if !ok {
		t.Fatalf("%q is %T (%v), want a string, in %v", key, m[key], m[key], m)
	}
	return s
}

func strs(t *testing.T, v any) []string {
	t.Helper()
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("%v is %T, want an array", v, v)
	}
	out := make([]string, len(l))
	for i, x := range l {
		out[i] = x.(string)
	}
	return out
}

type world struct {
	s        *stacktest.Stack
	c        wire
	orgA     iam.ID
	adminA   iam.ID
	ctxA     context.Context
	clientID string
	secret   string
	otherOrg iam.ID
	adminB   iam.ID
}

func setup(t *testing.T) *world {
	t.Helper()
	s := stacktest.New(t, httpapi.Config{}, squirro.Mount)
	ctx := context.Background()
	w := &world{s: s, c: wire{t: t, base: s.URL + "/api/user"}}
	var err error
	w.orgA, w.adminA, err = s.Svc.Auth.Signup(ctx, service.Signup{Email: "root@a.example", Password: password, FullName: "Root", OrgName: "A"})
	if err != nil {
		t.Fatal(err)
	}
	w.ctxA = w.principal(t, "root@a.example", w.orgA)
	cl, secret, err := s.Svc.OAuthClients.Create(w.ctxA, "squirro-app", true)
	if err != nil {
		t.Fatal(err)
	}
	w.clientID, w.secret = cl.ID.Base64(), secret
	org, err := s.Svc.Orgs.Create(w.ctxA, service.NewOrg{Name: "B", Admin: &service.NewUser{Email: "boss@b.example", Password: password, Roles: []string{"admin"}}})
	if err != nil {
		t.Fatal(err)
	}
	w.otherOrg = org.ID
	return w
}

// principal logs in through the service and returns a context acting as
// that user.
func (w *world) principal(t *testing.T, email string, org iam.ID) context.Context {
	t.Helper()
	ctx := context.Background()
	sess, err := w.s.Svc.Auth.Login(ctx, service.Login{Login: email, Password: password, OrgID: org})
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.s.Svc.Auth.Authenticate(ctx, sess.Token)
	if err != nil {
		t.Fatal(err)
	}
	return iam.WithPrincipal(ctx, p)
}

// login is SquirroClient.authenticate(username=…, password=…).
func (w *world) login(t *testing.T, email string) map[string]any {
	t.Helper()
	return w.c.send("POST", "/oauth2/token", "", url.Values{"client_id": {w.clientID}, "client_secret": {w.secret},
		"grant_type": {"password"}, "username": {email}, "password": {password}}).want(t, 200).obj(t)
}

func TestTokenEndpoint(t *testing.T) {
	w := setup(t)
	c := w.c
	base := url.Values{"client_id": {w.clientID}, "client_secret": {w.secret}}
	with := func(kv ...string) url.Values {
		v := url.Values{}
		for k, x := range base {
			v[k] = x
		}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}

	var first map[string]any
	t.Run("password grant answers what the client reads", func(t *testing.T) {
		first = c.send("POST", "/oauth2/token", "", with("grant_type", "password", "username", "root@a.example",
			"password", password, "user_information", `{"source":"test"}`)).want(t, 200).obj(t)
		str(t, first, "access_token")
		str(t, first, "refresh_token")
		if str(t, first, "tenant") != w.orgA.Base64() || !b64ID.MatchString(str(t, first, "tenant")) {
			t.Fatalf("tenant %v", first["tenant"])
		}
		if str(t, first, "user_id") != w.adminA.Base64() {
			t.Fatalf("user_id %v", first["user_id"])
		}
		if p := strs(t, first["role_permissions"]); len(p) != 1 || p[0] != "*" {
			t.Fatalf("role_permissions %v", p)
		}
		if v, ok := first["project_permissions"]; !ok || v != nil {
			t.Fatalf("project_permissions %v, want null", v)
		}
		if info, ok := first["user_information"].(map[string]any); !ok || info["source"] != "test" {
			t.Fatalf("user_information %v", first["user_information"])
		}
	})
	t.Run("refresh_token grant gives a new access token", func(t *testing.T) {
		next := c.send("POST", "/oauth2/token", "", with("grant_type", "refresh_token", "refresh_token", str(t, first, "refresh_token"))).
			want(t, 200).obj(t)
		if str(t, next, "access_token") == str(t, first, "access_token") || str(t, next, "refresh_token") == "" {
			t.Fatalf("not refreshed: %v", next)
		}
		first = next
	})
	t.Run("access_token grant exchanges a valid access token", func(t *testing.T) {
		got := c.send("POST", "/oauth2/token", "", with("grant_type", "access_token", "access_token", str(t, first, "access_token"))).
			want(t, 200).obj(t)
		tok := str(t, got, "access_token")
		if tok == str(t, first, "access_token") || got["user_id"] != w.adminA.Base64() || got["tenant"] != w.orgA.Base64() {
			t.Fatalf("exchange %v", got)
		}
		if v, ok := got["refresh_token"]; !ok || v != nil {
			t.Fatalf("refresh_token %v, want null", v)
		}
		c.send("GET", "/v0/"+w.orgA.Base64()+"/users", tok, nil).want(t, 200)
	})
	t.Run("ext_id grant logs in a linked identity", func(t *testing.T) {
		if _, _, err := w.s.Svc.External.LinkIdentity(w.ctxA, w.adminA, "salesforce", "sfdc01"); err != nil {
			t.Fatal(err)
		}
		got := c.send("POST", "/oauth2/token", "", with("grant_type", "ext_id", "auth_service", "salesforce", "auth_user", "sfdc01")).
			want(t, 200).obj(t)
		if got["user_id"] != w.adminA.Base64() {
			t.Fatalf("ext_id %v", got)
		}
		c.send("POST", "/oauth2/token", "", with("grant_type", "ext_id", "auth_service", "salesforce", "auth_user", "nobody")).want(t, 404)
	})
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
	}{
		{"a wrong password is an authentication error", with("grant_type", "password", "username", "root@a.example", "password", "wrong wrong wrong"), 404},
		{"an unknown client is an authentication error", url.Values{"client_id": {"H5Qv-WhgSBGW0WL8xolSCQ"}, "client_secret": {"x"}, "grant_type": {"password"}, "username": {"root@a.example"}, "password": {password}}, 403},
		{"a wrong client secret likewise", with("client_secret", "nope", "grant_type", "password", "username", "root@a.example", "password", password), 403},
		{"an unknown refresh token is 404", with("grant_type", "refresh_token", "refresh_token", "wrt_0123"), 404},
		{"an invalid access token is 404", with("grant_type", "access_token", "access_token", "not.a.jwt"), 404},
		{"no grant type is an input error", with(), 400},
		{"an unknown grant type is an input error", with("grant_type", "client_magic"), 400},
		{"missing credentials are an input error", with("grant_type", "password"), 400},
		{"user_information must be JSON", with("grant_type", "password", "username", "root@a.example", "password", password, "user_information", "{"), 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.send("POST", "/oauth2/token", "", tc.form).want(t, tc.status)
		})
	}
}

func TestUserAPI(t *testing.T) {
	w := setup(t)
	c := w.c
	admin := str(t, w.login(t, "root@a.example"), "access_token")
	v0 := "/v0/" + w.orgA.Base64()
	v1 := "/v1/" + w.orgA.Base64()
	boss := str(t, w.login2(t), "access_token")
	vB := "/v0/" + w.otherOrg.Base64()

	var member string
	t.Run("add_user is 201 with the user", func(t *testing.T) {
		u := c.send("POST", v0+"/users", admin, `{"email":"ann@a.example","password":"`+password+`","role":"user"}`).want(t, 201).obj(t)
		member = str(t, u, "id")
		if !b64ID.MatchString(member) || u["role"] != "user" || u["tenant"] != w.orgA.Base64() {
			t.Fatalf("user %v", u)
		}
		c.send("POST", v0+"/users", admin, `{"email":"ann@a.example","password":"`+password+`"}`).want(t, 409)
		c.send("POST", v0+"/users", admin, `{"email":"bad","role":"emperor"}`).want(t, 400)
		c.send("POST", v0+"/users", admin, `[1,2]`).want(t, 400)
	})
	memberTok := str(t, w.login(t, "ann@a.example"), "access_token")
	t.Run("get_users lists users with their fields", func(t *testing.T) {
		res := c.send("GET", v0+"/users?include_config=true", admin, nil).want(t, 200).obj(t)
		users := res["users"].([]any)
		if len(users) != 2 {
			t.Fatalf("users %v", users)
		}
		for _, x := range users {
			u := x.(map[string]any)
			for _, k := range []string{"email", "full_name", "id", "role", "tenant"} {
				str(t, u, k)
			}
			strs(t, u["role_permissions"])
		}
	})
	t.Run("user data keeps arbitrary keys (v1)", func(t *testing.T) {
		u := c.send("PUT", v1+"/users/"+member, admin, `{"full_name":"Ann A","favourite_color":"blue","limits":{"n":3}}`).want(t, 200).obj(t)
		if u["full_name"] != "Ann A" || u["favourite_color"] != "blue" {
			t.Fatalf("update %v", u)
		}
		u = c.send("GET", v1+"/users/"+member, memberTok, nil).want(t, 200).obj(t)
		if u["email"] != "ann@a.example" || u["id"] != member || u["tenant"] != w.orgA.Base64() || u["limits"].(map[string]any)["n"] != 3.0 {
			t.Fatalf("user data %v", u)
		}
		u = c.send("PUT", v1+"/users/"+member, admin, `{"favourite_color":null}`).want(t, 200).obj(t)
		if _, ok := u["favourite_color"]; ok {
			t.Fatalf("not removed: %v", u)
		}
		c.send("PUT", v1+"/users/"+member, memberTok, `{"role":"admin"}`).want(t, 403)
		c.send("PUT", v1+"/users/"+member, admin, `{"email":42}`).want(t, 400)
		c.send("PUT", v0+"/users/"+member, admin, url.Values{"full_name": {"Ann B"}}).want(t, 200)
	})
	t.Run("password policy and change", func(t *testing.T) {
		p := c.send("GET", v0+"/users/password_policy", memberTok, nil).want(t, 200).obj(t)
		if _, ok := p["min_length"].(float64); !ok {
			t.Fatalf("policy %v", p)
		}
		c.send("PUT", v0+"/users/"+member+"/password", memberTok,
			`{"current_password":"wrong one here","new_password":"another fine password 7","new_password_confirm":"another fine password 7"}`).want(t, 400)
		c.send("PUT", v0+"/users/"+member+"/password", memberTok,
			`{"current_password":"`+password+`","new_password":"another fine password 7","new_password_confirm":"different"}`).want(t, 400)
		c.send("PUT", v0+"/users/"+member+"/password", memberTok,
			`{"current_password":"`+password+`","new_password":"another fine password 7","new_password_confirm":"another fine password 7"}`).want(t, 200)
		c.send("PUT", v0+"/users/"+member+"/password", memberTok,
			`{"current_password":"another fine password 7","new_password":"`+password+`","new_password_confirm":"`+password+`"}`).want(t, 200)
	})

	// Projects and groups.
	ws, err := w.s.Svc.Workspaces.Create(w.ctxA, "Research")
	if err != nil {
		t.Fatal(err)
	}
	proj, err := w.s.Svc.Projects.Create(w.ctxA, ws.ID, "Papers", "")
	if err != nil {
		t.Fatal(err)
	}
	other, err := w.s.Svc.Projects.Create(w.ctxA, ws.ID, "Secret", "")
	if err != nil {
		t.Fatal(err)
	}
	members := v0 + "/projects/" + proj.ID.Base64() + "/members"
	var group string
	t.Run("groups", func(t *testing.T) {
		g := c.send("POST", v0+"/groups", admin, url.Values{"name": {"Editors"}}).want(t, 201).obj(t)
		group = str(t, g, "id")
		if !b64ID.MatchString(group) || g["name"] != "Editors" || len(g["members"].([]any)) != 0 {
			t.Fatalf("group %v", g)
		}
		u := c.send("POST", v0+"/groups/"+group, admin, url.Values{"user_id": {member}}).want(t, 200).obj(t)
		if u["id"] != member || u["email"] != "ann@a.example" {
			t.Fatalf("added %v", u)
		}
		l := c.send("GET", v0+"/groups", admin, nil).want(t, 200).list(t)
		if len(l) != 1 || l[0].(map[string]any)["members"].([]any)[0].(map[string]any)["id"] != member {
			t.Fatalf("groups %v", l)
		}
		g = c.send("PUT", v0+"/groups/"+group, admin, url.Values{"name": {"Writers"}}).want(t, 200).obj(t)
		if g["name"] != "Writers" || len(g["members"].([]any)) != 1 {
			t.Fatalf("updated %v", g)
		}
		c.send("GET", v0+"/groups/"+group, memberTok, nil).want(t, 200)
		c.send("POST", v0+"/groups", memberTok, url.Values{"name": {"Mine"}}).want(t, 403)
		c.send("POST", v0+"/groups", admin, url.Values{"name": {"writers"}}).want(t, 409)
		c.send("POST", v0+"/groups/"+group, admin, url.Values{}).want(t, 400)
		c.send("DELETE", v0+"/groups/"+group+"/members/"+member, admin, nil).want(t, 204)
		c.send("DELETE", v0+"/groups/"+group+"/members/"+member, admin, nil).want(t, 404)
	})
	t.Run("project members", func(t *testing.T) {
		m := c.send("POST", members, admin, url.Values{"user_id": {member}, "role": {"reader"}}).want(t, 200).obj(t)
		if m["member_id"] != member || m["member_type"] != "user" || m["project_role"] != "reader" || m["server_role"] != "user" ||
			m["project_id"] != proj.ID.Base64() || m["email"] != "ann@a.example" {
			t.Fatalf("member %v", m)
		}
		strs(t, m["permissions"])
		m = c.send("PUT", members+"/"+member, admin, url.Values{"role": {"member"}}).want(t, 200).obj(t)
		if m["project_role"] != "member" {
			t.Fatalf("updated %v", m)
		}
		g := c.send("POST", members, admin, url.Values{"group_id": {group}, "role": {"reader"}}).want(t, 200).obj(t)
		if g["member_type"] != "group" || g["full_name"] != "Writers" {
			t.Fatalf("group member %v", g)
		}
		l := c.send("GET", members, admin, nil).want(t, 200).obj(t)["members"].([]any)
		if len(l) != 3 { // the owner who created the project, ann, the group
			t.Fatalf("members %v", l)
		}
		c.send("POST", members, admin, url.Values{"user_id": {member}, "group_id": {group}, "role": {"reader"}}).want(t, 400)
		c.send("POST", members, admin, url.Values{"role": {"reader"}}).want(t, 400)
		c.send("POST", members, admin, url.Values{"user_id": {member}, "role": {"emperor"}}).want(t, 400)
		c.send("PUT", members+"/"+w.adminB.Base64(), admin, url.Values{"role": {"member"}}).want(t, 404)
		c.send("DELETE", members+"/"+group, admin, nil).want(t, 204)
		c.send("DELETE", members+"/"+group, admin, nil).want(t, 404)
	})
	t.Run("grants", func(t *testing.T) {
		g := c.send("POST", v0+"/users/"+member+"/grants", memberTok, url.Values{"type": {"user"}, "client_id": {w.clientID},
			"client_secret": {w.secret}, "project_permissions": {"projects.read,items.read"}}).want(t, 201).obj(t)
		id, refresh := str(t, g, "id"), str(t, g, "refresh_token")
		if !b64ID.MatchString(id) {
			t.Fatalf("grant id %q", id)
		}
		l := c.send("GET", v0+"/users/"+member+"/grants?client_id=x&client_secret=y", memberTok, nil).want(t, 200).obj(t)["grants"].([]any)
		found := false
		for _, x := range l {
			e := x.(map[string]any)
			if e["id"] == id {
				found = true
				if !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`).MatchString(str(t, e, "created_at")) || e["valid_to"] != nil || e["type"] != "user" {
					t.Fatalf("grant %v", e)
				}
			}
		}
		if !found {
			t.Fatalf("grant not listed: %v", l)
		}
		// The grant's token is a standing credential: presented again, it
		// still works and comes back unchanged.
		var tok map[string]any
		for range 2 {
			tok = c.send("POST", "/oauth2/token", "", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}).want(t, 200).obj(t)
			if tok["refresh_token"] != refresh {
				t.Fatalf("refresh token changed: %v", tok)
			}
		}
		if p := strs(t, tok["project_permissions"]); strings.Join(p, ",") != "projects.read,items.read" {
			t.Fatalf("project_permissions %v", p)
		}
		access := str(t, tok, "access_token")
		// Effective permission: server role ∩ project role ∩ the grant's
		// project_permissions.
		c.send("GET", members, access, nil).want(t, 200)                                      // projects.read: all three allow
		c.send("GET", v0+"/projects/"+other.ID.Base64()+"/members", access, nil).want(t, 403) // no project role there
		c.send("GET", v0+"/users", access, nil).want(t, 403)                                  // server role has users.read; the grant does not
		c.send("DELETE", members+"/"+member, access, nil).want(t, 403)                        // neither role nor grant
		wide := c.send("POST", v0+"/users/"+member+"/grants", memberTok, url.Values{"type": {"user"}, "project_permissions": {"projects.*"}}).want(t, 201).obj(t)
		wtok := str(t, c.send("POST", "/oauth2/token", "", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {str(t, wide, "refresh_token")}}).want(t, 200).obj(t), "access_token")
		c.send("POST", members, wtok, url.Values{"user_id": {w.adminA.Base64()}, "role": {"reader"}}).want(t, 403) // the grant allows, the member role does not
		narrowAdmin := c.send("POST", v0+"/users/"+w.adminA.Base64()+"/grants", admin, url.Values{"type": {"service"}, "for_client_id": {"frontend"}, "project_permissions": {"projects.read"}}).want(t, 201).obj(t)
		atok := str(t, c.send("POST", "/oauth2/token", "", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {str(t, narrowAdmin, "refresh_token")}}).want(t, 200).obj(t), "access_token")
		c.send("GET", members, atok, nil).want(t, 200)
		c.send("POST", members, atok, url.Values{"user_id": {member}, "role": {"admin"}}).want(t, 403) // admin everywhere, but the grant says read

		c.send("POST", v0+"/users/"+member+"/grants", memberTok, url.Values{"type": {"forever"}}).want(t, 400)
		c.send("POST", v0+"/users/"+member+"/grants", memberTok, url.Values{"type": {"user"}, "project_permissions": {"rockets.launch"}}).want(t, 400)
		c.send("DELETE", v0+"/users/"+member+"/sessions/"+id, memberTok, nil).want(t, 204)
		c.send("GET", members, access, nil).want(t, 401)
		c.send("POST", "/oauth2/token", "", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}).want(t, 410)
		c.send("DELETE", v0+"/users/"+member+"/sessions/"+id, memberTok, nil).want(t, 404)
	})
	t.Run("external authentications", func(t *testing.T) {
		path := v0 + "/authentications/box/" + member
		body := `{"service_user":"ann@box","access_token":"box-token","access_secret":"box-secret","display_name":"Ann's Box","access_token_expires":"2031-01-02T03:04:05"}`
		c.send("POST", path+"?client_id=x&client_secret=y", memberTok, body).want(t, 201)
		c.send("POST", path, memberTok, body).want(t, 200)
		a := c.send("GET", path, admin, nil).want(t, 200).obj(t)
		if a["access_token"] != "box-token" || a["access_secret"] != "box-secret" || a["service_user"] != "ann@box" ||
			a["display_name"] != "Ann's Box" || a["access_token_expires"] != "2031-01-02T03:04:05" || a["access_secret_expires"] != nil {
			t.Fatalf("authentication %v", a)
		}
		str(t, a, "state")
		c.send("POST", path, memberTok, `{"service_user":"ann@box","access_token":"t","access_token_expires":"tomorrow"}`).want(t, 400)
		c.send("POST", path, memberTok, `{"service_user":"ann@box"}`).want(t, 400)
		c.send("DELETE", path, memberTok, nil).want(t, 204)
		c.send("GET", path, memberTok, nil).want(t, 404)
	})
	t.Run("msexchange oauth2_token", func(t *testing.T) {
		uid := "AAMkAGI2TG93AAA="
		memberID, _ := iam.ParseID(member)
		if _, _, err := w.s.Svc.External.LinkIdentity(w.ctxA, memberID, "msexchange", uid); err != nil {
			t.Fatal(err)
		}
		c.send("POST", v0+"/authentications/msexchange/"+member, memberTok, `{"service_user":"ann@contoso.com","access_token":"ews-token"}`).want(t, 201)
		appctx, _ := json.Marshal(map[string]string{"msexchuid": uid, "version": "ExIdTok.V1", "amurl": "https://x/metadata"})
		claims, _ := json.Marshal(map[string]any{"aud": "https://addin", "appctx": string(appctx)})
		jwt := "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(claims) + ".c2ln"
		r := c.send("GET", "/msexchange/oauth2_token?msexchuid_token="+url.QueryEscape(jwt), memberTok, nil).want(t, 200).obj(t)
		if r["oauth2_token"] != "ews-token" || r["user_id"] != member {
			t.Fatalf("msexchange %v", r)
		}
		c.send("GET", "/msexchange/oauth2_token?msexchuid="+url.QueryEscape(uid), admin, nil).want(t, 200)
		c.send("GET", "/msexchange/oauth2_token?msexchuid=someone-else", admin, nil).want(t, 404)
		c.send("GET", "/msexchange/oauth2_token?msexchuid_token=garbage", admin, nil).want(t, 400)
		c.send("GET", "/msexchange/oauth2_token", admin, nil).want(t, 400)
		c.send("GET", "/msexchange/oauth2_token?msexchuid="+url.QueryEscape(uid), boss, nil).want(t, 404)
		c.send("GET", "/msexchange/oauth2_token?msexchuid="+url.QueryEscape(uid), "", nil).want(t, 401)
	})
	t.Run("another organization's objects are not found", func(t *testing.T) {
		for _, r := range []struct{ method, path string }{
			{"GET", v0 + "/users"},
			{"GET", v1 + "/users/" + member},
			{"GET", vB + "/users/" + member},
			{"PUT", "/v1/" + w.otherOrg.Base64() + "/users/" + member},
			{"DELETE", vB + "/users/" + member},
			{"GET", vB + "/users/" + member + "/grants"},
			{"GET", vB + "/groups/" + group},
			{"DELETE", vB + "/groups/" + group},
			{"GET", vB + "/projects/" + proj.ID.Base64() + "/members"},
			{"DELETE", vB + "/projects/" + proj.ID.Base64() + "/members/" + member},
			{"GET", vB + "/authentications/msexchange/" + member},
		} {
			var body any
			if r.method == "PUT" {
				body = `{}`
			}
			c.send(r.method, r.path, boss, body).want(t, 404)
		}
		l := c.send("GET", vB+"/users", boss, nil).want(t, 200).obj(t)["users"].([]any)
		if len(l) != 1 {
			t.Fatalf("B sees %v", l)
		}
	})
	t.Run("bad requests get the error body", func(t *testing.T) {
		c.send("GET", v0+"/users", "", nil).want(t, 401)
		c.send("GET", v0+"/users", "not-a-token", nil).want(t, 401)
		c.send("GET", "/v9/"+w.orgA.Base64()+"/users", admin, nil).want(t, 404)
		c.send("GET", v0+"/nothing", admin, nil).want(t, 404)
		c.send("GET", v0+"/users/not-an-id", admin, nil).want(t, 404)
		c.send("PUT", v1+"/users/"+member, admin, `{"full_name":`).want(t, 400)
		c.send("PUT", v1+"/users/"+member, admin, url.Values{"full_name": {"x"}}).want(t, 400)
	})
	t.Run("delete_user is 204", func(t *testing.T) {
		c.send("DELETE", v0+"/users/"+member, admin, nil).want(t, 204)
		c.send("GET", v1+"/users/"+member, admin, nil).want(t, 404)
	})
	t.Run("the audit log names the surface", func(t *testing.T) {
		res := wire{t: t, base: w.s.URL}.send("GET", "/v1/audit-events?limit=1000", admin, nil).want(t, 200)
		if !strings.Contains(string(res.body), `"surface":"squirro"`) || !strings.Contains(string(res.body), "group.created") {
			t.Fatalf("no squirro events: %.500s", res.body)
		}
	})
}

func (w *world) login2(t *testing.T) map[string]any {
	t.Helper()
	ctxB := w.principal(t, "boss@b.example", w.otherOrg)
	w.adminB = iam.PrincipalFrom(ctxB).ID
	cl, secret, err := w.s.Svc.OAuthClients.Create(ctxB, "b-app", true)
	if err != nil {
		t.Fatal(err)
	}
	return w.c.send("POST", "/oauth2/token", "", url.Values{"client_id": {cl.ID.Base64()}, "client_secret": {secret},
		"grant_type": {"password"}, "username": {"boss@b.example"}, "password": {password}}).want(t, 200).obj(t)
}
