package httpapi_test

import (
	"strings"
	"testing"

	"github.com/wardenhq/warden/internal/authz"
)

// snapshot reads, as root, everything of the world's organization the
// walks below could change: comparing two snapshots proves nothing did.
func (w world) snapshot(t *testing.T, a *api) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range []string{
		"/v1/users?limit=1000", "/v1/users/" + w.target.id, "/v1/users/" + w.target.id + "/capabilities", "/v1/orgs/" + w.root.org,
		"/v1/groups?limit=1000", "/v1/groups/" + w.group + "/members", "/v1/workspaces?include=projects",
		"/v1/workspaces/" + w.workspace + "/members", "/v1/projects/" + w.project + "/members", "/v1/roles",
		"/v1/role-bindings?limit=1000", "/v1/audit-events?limit=1",
		"/v1/users/" + w.target.id + "/api-keys", "/v1/users/" + w.target.id + "/sessions", "/v1/service-accounts?limit=1000",
		"/v1/service-accounts/" + w.account + "/api-keys", "/v1/service-accounts/" + w.account + "/clients",
		"/v1/users/" + w.target.id + "/grants", "/v1/oauth-clients",
	} {
		out[p] = string(a.do(t, req{method: "GET", path: p, token: w.root.token}).want(t, 200).body)
	}
	return out
}

func sameSnapshot(t *testing.T, before, after map[string]string) {
	t.Helper()
	for p, b := range before {
		if after[p] != b {
			t.Errorf("%s changed:\n%s\n%s", p, b, after[p])
		}
	}
}

// caller is a principal of the world's organization with the given org
// roles, bound nowhere else.
type caller struct {
	actor
	roles []string
}

// orgRoles is the snapshot of a principal holding roles at org scope.
func orgRoles(roles []string) *authz.Snapshot {
	var bs []authz.Binding
	for _, r := range roles {
		bs = append(bs, authz.Binding{SubjectType: "user", Role: r, Scope: authz.Scope{Type: authz.ScopeOrg}})
	}
	return authz.Compile(bs, authz.BuiltinRole, false)
}

// TestEveryRouteEnforcesItsPermission walks the route table. For every
// route that declares a permission, every caller of this organization
// whose roles lack it gets 403 (a reader for every write, a user and a
// reader for audit and instance routes, a user with no role for all), on
// real objects of the organization and never on the caller's own record.
// An administrator of another organization gets 404 for every route
// naming an object of this one (403 where the route is beyond any
// organization's administrator). Afterwards nothing of the organization
// has changed.
func TestEveryRouteEnforcesItsPermission(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	w := newWorld(t, a)
	callers := []caller{
		{a.member(t, w.root, "nobody@example.com"), nil},
		{a.member(t, w.root, "reader@example.com", "reader"), []string{"reader"}},
		{a.member(t, w.root, "user@example.com", "user"), []string{"user"}},
		{a.member(t, w.root, "admin@example.com", "admin"), []string{"admin"}},
	}
	stranger := a.otherOrg(t, w.root, "Other Org", "boss@other.example")
	before := w.snapshot(t, a)

	for _, rt := range a.server.Routes() {
		if rt.Permission == "" {
			continue
		}
		name := rt.Method + " " + rt.Path
		r := w.validRequest(rt.Method, rt.Path)
		tested := map[string]bool{}
		for _, c := range callers {
			if orgRoles(c.roles).Allowed(rt.Permission, authz.Target{}) {
				continue
			}
			role := "role-less user"
			if len(c.roles) > 0 {
				role = c.roles[0]
			}
			tested[role] = true
			t.Run(name+" forbids the "+role, func(t *testing.T) {
				r := r
				r.token = c.token
				a.do(t, r).want(t, 403, "forbidden")
			})
		}
		if rt.Method != "GET" && !tested["reader"] {
			t.Errorf("%s writes, but a reader holds %s", name, rt.Permission)
		}
		if (strings.HasPrefix(rt.Permission, "instance.") || strings.HasPrefix(rt.Permission, "audit.")) && !(tested["reader"] && tested["user"]) {
			t.Errorf("%s: readers and users hold %s", name, rt.Permission)
		}
		if strings.Contains(rt.Path, "{") {
			t.Run(name+" hides this org's objects from another org", func(t *testing.T) {
				r := r
				r.token = stranger.token
				if strings.HasPrefix(rt.Permission, "instance.") {
					a.do(t, r).want(t, 403, "forbidden")
				} else {
					a.do(t, r).want(t, 404, "not_found")
				}
			})
		}
	}
	t.Run("nothing of this org changed", func(t *testing.T) {
		sameSnapshot(t, before, w.snapshot(t, a))
	})
}

// TestEveryRouteNeedsACredential calls every non-public route without one,
// and with bad ones: 401 with WWW-Authenticate, and nothing changes.
func TestEveryRouteNeedsACredential(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	w := newWorld(t, a)
	expired := a.login(t, "target@example.com", password)
	a.do(t, req{method: "POST", path: "/v1/logout", token: expired.token}).want(t, 204)
	before := w.snapshot(t, a)
	credentials := map[string]map[string]string{
		"no credential":      nil,
		"an empty bearer":    {"Authorization": "Bearer "},
		"a garbage token":    {"Authorization": "Bearer garbage"},
		"a revoked token":    {"Authorization": "Bearer " + expired.token},
		"a tampered token":   {"Authorization": "Bearer " + tamper(w.root.token)},
		"a garbage cookie":   {"Cookie": "Authorization=garbage"},
		"a Basic credential": {"Authorization": "Basic cm9vdDpyb290"},
	}
	for _, rt := range a.server.Routes() {
		if rt.Public {
			continue
		}
		r := w.validRequest(rt.Method, rt.Path)
		for cred, header := range credentials {
			t.Run(rt.Method+" "+rt.Path+" refuses "+cred, func(t *testing.T) {
				r := r
				r.header = header
				res := a.do(t, r).want(t, 401)
				if !strings.HasPrefix(res.header.Get("WWW-Authenticate"), "Bearer") {
					t.Fatalf("WWW-Authenticate %q", res.header.Get("WWW-Authenticate"))
				}
			})
		}
	}
	t.Run("nothing changed", func(t *testing.T) {
		sameSnapshot(t, before, w.snapshot(t, a))
	})
}

// TestOtherOrgsObjectsAreNotFound tries every way of naming another
// organization's objects, in paths, queries and bodies, as an
// administrator of this one.
func TestOtherOrgsObjectsAreNotFound(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	w := newWorld(t, a)
	boss := a.otherOrg(t, w.root, "Other Org", "boss@other.example")
	mine := newWorldIn(t, a, boss)
	before := w.snapshot(t, a)
	theirs := w
	scope := func(typ, id string) map[string]string { return map[string]string{"type": typ, "id": id} }
	a.run(t, []scenario{
		{name: "their user cannot join my group", method: "PUT", path: "/v1/groups/" + mine.group + "/members/" + theirs.target.id,
			token: boss.token, status: 404, code: "not_found"},
		{name: "my user cannot join their group", method: "PUT", path: "/v1/groups/" + theirs.group + "/members/" + mine.target.id,
			token: boss.token, status: 404, code: "not_found"},
		{name: "my user cannot leave their group", method: "DELETE", path: "/v1/groups/" + theirs.group + "/members/" + mine.target.id,
			token: boss.token, status: 404, code: "not_found"},
		{name: "their user cannot join my workspace", method: "PUT", path: "/v1/workspaces/" + mine.workspace + "/members/" + theirs.target.id,
			token: boss.token, body: map[string]string{"role": "owner"}, status: 404, code: "not_found"},
		{name: "nor by email", method: "PUT", path: "/v1/workspaces/" + mine.workspace + "/members/" + theirs.root.email,
			token: boss.token, body: map[string]string{"role": "owner"}, status: 404, code: "not_found"},
		{name: "their group cannot join my project", method: "PUT", path: "/v1/projects/" + mine.project + "/members/" + theirs.group,
			token: boss.token, body: map[string]string{"role": "owner"}, status: 404, code: "not_found"},
		{name: "their member cannot be removed from my project", method: "DELETE", path: "/v1/projects/" + mine.project + "/members/" + theirs.target.id,
			token: boss.token, status: 404, code: "not_found"},
		{name: "no binding at their workspace", method: "POST", path: "/v1/role-bindings", token: boss.token,
			body:   map[string]any{"subject": scope("user", mine.target.id), "role": "project.owner", "scope": scope("workspace", theirs.workspace)},
			status: 404, code: "not_found"},
		{name: "no binding at their project", method: "POST", path: "/v1/role-bindings", token: boss.token,
			body:   map[string]any{"subject": scope("user", mine.target.id), "role": "project.owner", "scope": scope("project", theirs.project)},
			status: 404, code: "not_found"},
		{name: "no binding at their org", method: "POST", path: "/v1/role-bindings", token: boss.token,
			body:   map[string]any{"subject": scope("user", mine.target.id), "role": "admin", "scope": scope("org", theirs.root.org)},
			status: 404, code: "not_found"},
		{name: "no binding for their user", method: "POST", path: "/v1/role-bindings", token: boss.token,
			body:   map[string]any{"subject": scope("user", theirs.target.id), "role": "project.owner", "scope": scope("workspace", mine.workspace)},
			status: 400, code: "validation_failed", fields: []string{"subject.id"}},
		{name: "no binding of their custom role", method: "POST", path: "/v1/role-bindings", token: boss.token,
			body:   map[string]any{"subject": scope("user", mine.target.id), "role": theirs.role, "scope": scope("workspace", mine.workspace)},
			status: 400, code: "validation_failed", fields: []string{"role"}},
		{name: "no project in their workspace", method: "POST", path: "/v1/projects", token: boss.token,
			body: map[string]string{"workspace_id": theirs.workspace, "name": "Implant"}, status: 400, code: "validation_failed", fields: []string{"workspace_id"}},
		{name: "no check of their user", method: "GET", path: "/v1/authz/check?principal=" + theirs.target.id + "&permission=users.read",
			token: boss.token, status: 404, code: "not_found"},
		{name: "no check at their workspace", method: "GET", path: "/v1/authz/check?principal=" + mine.target.id + "&permission=projects.read&scope=workspace:" + theirs.workspace,
			token: boss.token, status: 404, code: "not_found"},
		{name: "no permissions at their project", method: "GET", path: "/v1/users/" + mine.target.id + "/permissions?scope=project:" + theirs.project,
			token: boss.token, status: 404, code: "not_found"},
		{name: "no permissions at their org", method: "GET", path: "/v1/users/" + boss.id + "/permissions?scope=org:" + theirs.root.org,
			token: boss.token, status: 404, code: "not_found"},
		{name: "their users are not listed", method: "GET", path: "/v1/users?email=target%40example.com", token: boss.token,
			status: 200, has: []string{`"users":[]`}},
		{name: "nor found by prefix", method: "GET", path: "/v1/users?q=ada", token: boss.token, status: 200, has: []string{`"users":[]`}},
		{name: "their bindings are not listed", method: "GET", path: "/v1/role-bindings?subject=" + theirs.target.id, token: boss.token,
			status: 200, has: []string{`"role_bindings":[]`}},
		{name: "their projects are not listed", method: "GET", path: "/v1/projects?workspace_id=" + theirs.workspace, token: boss.token,
			status: 200, has: []string{`"projects":[]`}},
		{name: "their events are not listed", method: "GET", path: "/v1/audit-events?target=" + theirs.target.id, token: boss.token,
			status: 200, has: []string{`"events":[]`}},
		{name: "their custom role is not found", method: "GET", path: "/v1/roles/" + theirs.role, token: boss.token, status: 404, code: "not_found"},
		{name: "nor deleted", method: "DELETE", path: "/v1/roles/" + theirs.role + "?force=true", token: boss.token, status: 404, code: "not_found"},
	})
	t.Run("nothing of theirs changed", func(t *testing.T) {
		sameSnapshot(t, before, w.snapshot(t, a))
	})
}

// newWorldIn builds a world inside an existing organization, as its admin.
func newWorldIn(t testing.TB, a *api, admin actor) world {
	t.Helper()
	w := world{root: admin}
	w.target = a.member(t, admin, "target@"+strings.ReplaceAll(admin.org[:8], "-", "")+".example", "user")
	tok := admin.token
	w.group = a.create(t, tok, "/v1/groups", map[string]string{"name": "Engineers"})
	a.do(t, req{method: "PUT", path: "/v1/groups/" + w.group + "/members/" + w.target.id, token: tok}).want(t, 201)
	w.workspace = a.create(t, tok, "/v1/workspaces", map[string]string{"title": "Research Lab"})
	w.project = a.create(t, tok, "/v1/projects", map[string]string{"workspace_id": w.workspace, "name": "Telescope"})
	a.do(t, req{method: "PUT", path: "/v1/projects/" + w.project + "/members/" + w.target.id, token: tok,
		body: map[string]string{"role": "member"}}).want(t, 200)
	return w
}
