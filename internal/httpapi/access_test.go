package httpapi_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"testing"
)

type roleBody struct {
	Key         string   `json:"key"`
	ID          *string  `json:"id"`
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	Builtin     bool     `json:"builtin"`
	Permissions []string `json:"permissions"`
	Description string   `json:"description"`
}

type bindingBody struct {
	ID      string `json:"id"`
	Subject ref    `json:"subject"`
	Role    string `json:"role"`
	Scope   ref    `json:"scope"`
}

// list decodes a list body's array under name.
func list[T any](t *testing.T, r *resp, name string) []T {
	t.Helper()
	var m map[string]json.RawMessage
	r.into(t, &m)
	var out []T
	if err := json.Unmarshal(m[name], &out); err != nil {
		t.Fatalf("%s in %s: %v", name, r.body, err)
	}
	return out
}

func TestRolesAndBindings(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	bob := a.member(t, admin, "bob@example.com", "user")
	tok := admin.token
	ws := a.create(t, tok, "/v1/workspaces", map[string]string{"title": "Lab"})
	var auditor roleBody
	a.run(t, []scenario{
		{name: "the permission catalog is served", method: "GET", path: "/v1/permissions", token: bob.token, status: 200,
			has: []string{`"name":"users.read"`, `"name":"audit.read"`}},
		{name: "the built-in roles are listed", method: "GET", path: "/v1/roles", token: bob.token, status: 200,
			check: func(t *testing.T, r *resp) {
				keys := map[string]string{}
				for _, role := range list[roleBody](t, r, "roles") {
					keys[role.Key] = role.Kind
				}
				for key, kind := range map[string]string{"admin": "org", "reader": "org", "project.owner": "resource", "ORG_ADMIN": "capability"} {
					if keys[key] != kind {
						t.Errorf("role %s: kind %q", key, keys[key])
					}
				}
			}},
		{name: "a built-in role is read by key", method: "GET", path: "/v1/roles/admin", token: bob.token, status: 200,
			has: []string{`"id":null`, `"builtin":true`}},
		{name: "an unknown key is not found", method: "GET", path: "/v1/roles/emperor", token: tok, status: 404, code: "not_found"},
		{name: "a custom role is created", method: "POST", path: "/v1/roles", token: tok,
			body: map[string]any{"name": "Auditor", "permissions": []string{"audit.read", "audit.read"}}, status: 201,
			check: func(t *testing.T, r *resp) {
				r.into(t, &auditor)
				if auditor.ID == nil || *auditor.ID != auditor.Key || auditor.Builtin || auditor.Kind != "resource" ||
					!slices.Equal(auditor.Permissions, []string{"audit.read"}) || r.header.Get("Location") != "/v1/roles/"+auditor.Key {
					t.Fatalf("created %s", r.body)
				}
			}},
		{name: "a taken name conflicts", method: "POST", path: "/v1/roles", token: tok,
			body: map[string]any{"name": "AUDITOR", "permissions": []string{"audit.read"}}, status: 409, code: "conflict"},
		{name: "a built-in name is refused", method: "POST", path: "/v1/roles", token: tok,
			body: map[string]any{"name": "admin", "permissions": []string{"audit.read"}}, status: 400, code: "validation_failed", fields: []string{"name"}},
		{name: "unknown permissions are refused", method: "POST", path: "/v1/roles", token: tok,
			body: map[string]any{"name": "X", "permissions": []string{"nuclear.launch"}}, status: 400, code: "validation_failed", fields: []string{"permissions"}},
		{name: "a role without permissions is refused", method: "POST", path: "/v1/roles", token: tok,
			body: map[string]any{"name": "X"}, status: 400, code: "validation_failed", fields: []string{"permissions"}},
		{name: "a user may not create roles", method: "POST", path: "/v1/roles", token: bob.token,
			body: map[string]any{"name": "Mine", "permissions": []string{"users.*"}}, status: 403, code: "forbidden"},
	})
	key := "/v1/roles/" + auditor.Key
	var grant bindingBody
	a.run(t, []scenario{
		{name: "a custom role is read by key", method: "GET", path: key, token: tok, status: 200, has: []string{`"name":"Auditor"`}},
		{name: "PUT replaces it", method: "PUT", path: key, token: tok,
			body: map[string]any{"name": "Auditor", "description": "reads the log", "permissions": []string{"audit.*"}}, status: 200,
			has: []string{`"permissions":["audit.*"]`, `"description":"reads the log"`}},
		{name: "a merge patch edits it", method: "PATCH", path: key, token: tok, ctype: "application/merge-patch+json",
			body: `{"description": "reads the activity log"}`, status: 200, has: []string{`"permissions":["audit.*"]`}},
		{name: "a JSON patch edits it", method: "PATCH", path: key, token: tok, ctype: "application/json-patch+json",
			body: `[{"op": "add", "path": "/permissions/-", "value": "users.read"}]`, status: 200, has: []string{`"permissions":["audit.*","users.read"]`}},
		{name: "built-in roles cannot be replaced", method: "PUT", path: "/v1/roles/admin", token: tok,
			body: map[string]any{"name": "admin2", "permissions": []string{"users.read"}}, status: 403, code: "builtin_role"},
		{name: "nor patched", method: "PATCH", path: "/v1/roles/reader", token: tok, ctype: "application/merge-patch+json",
			body: `{"description": "x"}`, status: 403, code: "builtin_role"},
		{name: "nor deleted", method: "DELETE", path: "/v1/roles/reader", token: tok, status: 403, code: "builtin_role"},
		{name: "bob may not read the log yet", method: "GET", path: "/v1/audit-events", token: bob.token, status: 403},
		{name: "a binding grants the role", method: "POST", path: "/v1/role-bindings", token: tok,
			body:   map[string]any{"subject": map[string]string{"type": "user", "id": bob.id}, "role": auditor.Key, "scope": map[string]string{"type": "org"}},
			status: 201, check: func(t *testing.T, r *resp) {
				r.into(t, &grant)
				if grant.Subject != (ref{"user", bob.id}) || grant.Scope != (ref{"org", admin.org}) || grant.Role != auditor.Key ||
					r.header.Get("Location") != "/v1/role-bindings/"+grant.ID {
					t.Fatalf("bound %s", r.body)
				}
			}},
		{name: "bob may read the log at once", method: "GET", path: "/v1/audit-events", token: bob.token, status: 200},
		{name: "a duplicate binding conflicts", method: "POST", path: "/v1/role-bindings", token: tok,
			body:   map[string]any{"subject": map[string]string{"type": "user", "id": bob.id}, "role": auditor.Key, "scope": map[string]string{"type": "org", "id": admin.org}},
			status: 409, code: "conflict"},
		{name: "an org role binds at org scope only", method: "POST", path: "/v1/role-bindings", token: tok,
			body:   map[string]any{"subject": map[string]string{"type": "user", "id": bob.id}, "role": "admin", "scope": map[string]string{"type": "workspace", "id": ws}},
			status: 400, code: "validation_failed", fields: []string{"scope.type"}},
		{name: "an unknown role is refused", method: "POST", path: "/v1/role-bindings", token: tok,
			body:   map[string]any{"subject": map[string]string{"type": "user", "id": bob.id}, "role": "emperor", "scope": map[string]string{"type": "org"}},
			status: 400, code: "validation_failed", fields: []string{"role"}},
		{name: "a subject of the wrong type is refused", method: "POST", path: "/v1/role-bindings", token: tok,
			body:   map[string]any{"subject": map[string]string{"type": "group", "id": bob.id}, "role": "project.reader", "scope": map[string]string{"type": "org"}},
			status: 400, code: "validation_failed", fields: []string{"subject.id"}},
		{name: "bad types are named", method: "POST", path: "/v1/role-bindings", token: tok,
			body:   map[string]any{"subject": map[string]string{"type": "robot"}, "role": "project.reader", "scope": map[string]string{"type": "planet"}},
			status: 400, code: "validation_failed", fields: []string{"subject.type", "scope.type"}},
		{name: "an unknown scope is not found", method: "POST", path: "/v1/role-bindings", token: tok,
			body:   map[string]any{"subject": map[string]string{"type": "user", "id": bob.id}, "role": "project.reader", "scope": map[string]string{"type": "project", "id": ws}},
			status: 404, code: "not_found"},
		{name: "bindings are listed by subject", method: "GET", path: "/v1/role-bindings?subject=" + bob.id, token: tok, status: 200,
			check: func(t *testing.T, r *resp) {
				var roles []string
				for _, b := range list[bindingBody](t, r, "role_bindings") {
					roles = append(roles, b.Role)
				}
				slices.Sort(roles)
				if want := []string{auditor.Key, "user"}; !slices.Equal(roles, want) {
					t.Fatalf("roles %v", roles)
				}
			}},
		{name: "by role", method: "GET", path: "/v1/role-bindings?role=" + auditor.Key, token: tok, status: 200,
			check: func(t *testing.T, r *resp) {
				if bs := list[bindingBody](t, r, "role_bindings"); len(bs) != 1 || bs[0].ID != grant.ID {
					t.Fatalf("bindings %s", r.body)
				}
			}},
		{name: "by scope", method: "GET", path: "/v1/role-bindings?scope=workspace:" + ws, token: tok, status: 200,
			check: func(t *testing.T, r *resp) {
				bs := list[bindingBody](t, r, "role_bindings")
				if len(bs) != 1 || bs[0].Role != "project.owner" || bs[0].Subject.ID != admin.id {
					t.Fatalf("bindings %s", r.body)
				}
			}},
		{name: "and page", method: "GET", path: "/v1/role-bindings?limit=1", token: tok, status: 200, check: func(t *testing.T, r *resp) {
			var p struct {
				NextCursor *string `json:"next_cursor"`
			}
			r.into(t, &p)
			if p.NextCursor == nil {
				t.Fatal("no next cursor")
			}
			a.do(t, req{method: "GET", path: "/v1/role-bindings?limit=1&cursor=" + url.QueryEscape(*p.NextCursor), token: tok}).want(t, 200)
		}},
		{name: "the check explains a grant", method: "GET", path: "/v1/authz/check?principal=" + bob.id + "&permission=audit.read", token: tok,
			status: 200, has: []string{`"allowed":true`}, check: func(t *testing.T, r *resp) {
				var d struct {
					Because []struct {
						BindingID string `json:"binding_id"`
						Subject   ref    `json:"subject"`
						Scope     ref    `json:"scope"`
					} `json:"because"`
				}
				r.into(t, &d)
				if len(d.Because) != 1 || d.Because[0].BindingID != grant.ID || d.Because[0].Subject != (ref{"user", bob.id}) || d.Because[0].Scope != (ref{"org", admin.org}) {
					t.Fatalf("decision %s", r.body)
				}
			}},
		{name: "and a refusal", method: "GET", path: "/v1/authz/check?principal=" + bob.id + "&permission=users.delete&scope=workspace:" + ws, token: tok,
			status: 200, has: []string{`"allowed":false`, `"because":[]`}},
		{name: "an unknown permission is refused", method: "GET", path: "/v1/authz/check?principal=" + bob.id + "&permission=nuclear.launch", token: tok,
			status: 400, code: "validation_failed", fields: []string{"permission"}},
		{name: "the check needs a principal", method: "GET", path: "/v1/authz/check?permission=users.read", token: tok,
			status: 400, code: "invalid_parameter", fields: []string{"principal"}},
		{name: "effective permissions are listed", method: "GET", path: "/v1/users/" + bob.id + "/permissions", token: tok, status: 200,
			has: []string{`"scope":"org:` + admin.org + `"`, `"audit.read"`, `"workspaces.create"`}},
		{name: "and by bob himself", method: "GET", path: "/v1/users/" + bob.id + "/permissions?scope=workspace:" + ws, token: bob.token, status: 200,
			has: []string{`"scope":"workspace:` + ws + `"`}},
		{name: "a role in use is not deleted", method: "DELETE", path: key, token: tok, status: 409, code: "role_in_use"},
		{name: "unless forced", method: "DELETE", path: key + "?force=true", token: tok, status: 204},
		{name: "which removes its bindings", method: "GET", path: "/v1/audit-events", token: bob.token, status: 403},
		{name: "and the role", method: "GET", path: key, token: tok, status: 404, code: "not_found"},
		{name: "a removed binding is not found", method: "DELETE", path: "/v1/role-bindings/" + grant.ID, token: tok, status: 404, code: "not_found"},
	})
	t.Run("an unused custom role is deleted, its binding first", func(t *testing.T) {
		var r roleBody
		a.do(t, req{method: "POST", path: "/v1/roles", token: tok, body: map[string]any{"name": "Temp", "permissions": []string{"users.read"}}}).
			want(t, 201).into(t, &r)
		b := a.create(t, tok, "/v1/role-bindings", map[string]any{"subject": map[string]string{"type": "user", "id": bob.id}, "role": r.Key,
			"scope": map[string]string{"type": "workspace", "id": ws}})
		a.do(t, req{method: "DELETE", path: "/v1/role-bindings/" + b, token: tok}).want(t, 204)
		a.do(t, req{method: "DELETE", path: "/v1/roles/" + r.Key, token: tok}).want(t, 204)
	})
}

func TestCapabilities(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	bob := a.member(t, admin, "bob@example.com", "user")
	caps := "/v1/users/" + bob.id + "/capabilities"
	jp := "application/json-patch+json"
	a.run(t, []scenario{
		{name: "a user starts with none", method: "GET", path: caps, token: admin.token, status: 200, has: []string{`{"capabilities":[]}`}},
		{name: "a JSON patch adds some", method: "PATCH", path: caps, token: admin.token, ctype: jp,
			body:   `[{"op": "add", "path": "/capabilities/-", "value": "HELPDESK"}, {"op": "add", "path": "/capabilities/-", "value": "REPORT_ADMIN"}]`,
			status: 200, has: []string{`{"capabilities":["HELPDESK","REPORT_ADMIN"]}`}},
		{name: "the user reads their own", method: "GET", path: caps, token: bob.token, status: 200, has: []string{`"HELPDESK"`}},
		{name: "they are not org roles", method: "GET", path: "/v1/users/" + bob.id, token: admin.token, status: 200, has: []string{`"roles":["user"]`}},
		{name: "but grant their permissions", method: "GET", path: "/v1/audit-events", token: bob.token, status: 200},
		{name: "a replace sets them", method: "PATCH", path: caps, token: admin.token, ctype: jp,
			body: `[{"op": "replace", "path": "/capabilities", "value": ["ROLE_SUBADMIN"]}]`, status: 200, has: []string{`{"capabilities":["ROLE_SUBADMIN"]}`}},
		{name: "a failed test is a conflict", method: "PATCH", path: caps, token: admin.token, ctype: jp,
			body: `[{"op": "test", "path": "/capabilities", "value": []}]`, status: 409, code: "patch_test_failed"},
		{name: "an unknown capability is refused", method: "PATCH", path: caps, token: admin.token, ctype: jp,
			body: `[{"op": "add", "path": "/capabilities/-", "value": "admin"}]`, status: 400, code: "validation_failed", fields: []string{"capabilities"}},
		{name: "other paths are illegal", method: "PATCH", path: caps, token: admin.token, ctype: jp,
			body: `[{"op": "add", "path": "/roles", "value": ["admin"]}]`, status: 400, code: "illegal_update"},
		{name: "a merge patch is not taken", method: "PATCH", path: caps, token: admin.token, ctype: "application/merge-patch+json",
			body: `{"capabilities": []}`, status: 415, code: "unsupported_media_type"},
		{name: "a user may not change their own", method: "PATCH", path: caps, token: bob.token, ctype: jp,
			body: `[{"op": "add", "path": "/capabilities/-", "value": "ORG_ADMIN"}]`, status: 403, code: "forbidden"},
		{name: "an unknown user is not found", method: "PATCH", path: "/v1/users/0190f1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b/capabilities", token: admin.token,
			ctype: jp, body: `[]`, status: 404, code: "not_found"},
		{name: "removing all of them works", method: "PATCH", path: caps, token: admin.token, ctype: jp,
			body: `[{"op": "remove", "path": "/capabilities"}]`, status: 200, has: []string{`{"capabilities":[]}`}},
	})
}

func TestGroups(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	bob := a.member(t, admin, "bob@example.com", "reader")
	tok := admin.token
	g := a.create(t, tok, "/v1/groups", map[string]string{"name": "Engineers", "description": "build things"})
	ws := a.create(t, tok, "/v1/workspaces", map[string]string{"title": "Lab"})
	pr := a.create(t, tok, "/v1/projects", map[string]string{"workspace_id": ws, "name": "Telescope"})
	path := "/v1/groups/" + g
	members := path + "/members/"
	a.run(t, []scenario{
		{name: "a taken name conflicts", method: "POST", path: "/v1/groups", token: tok, body: map[string]string{"name": "engineers"}, status: 409, code: "conflict"},
		{name: "a name is required", method: "POST", path: "/v1/groups", token: tok, body: map[string]string{}, status: 400, fields: []string{"name"}},
		{name: "groups are listed", method: "GET", path: "/v1/groups", token: bob.token, status: 200, has: []string{`"name":"Engineers"`}},
		{name: "and page", method: "GET", path: "/v1/groups?limit=1", token: bob.token, status: 200, has: []string{`"next_cursor":"`}},
		{name: "a group is read", method: "GET", path: path, token: bob.token, status: 200, has: []string{`"description":"build things"`}},
		{name: "a merge patch renames it", method: "PATCH", path: path, token: tok, ctype: "application/merge-patch+json",
			body: `{"name": "Builders"}`, status: 200, has: []string{`"name":"Builders"`, `"description":"build things"`}},
		{name: "a JSON patch edits it", method: "PATCH", path: path, token: tok, ctype: "application/json-patch+json",
			body: `[{"op": "replace", "path": "/description", "value": "builds"}]`, status: 200, has: []string{`"description":"builds"`}},
		{name: "a reader may not edit it", method: "PATCH", path: path, token: bob.token, body: `{"name": "x"}`, status: 403, code: "forbidden"},
		{name: "a member is added", method: "PUT", path: members + bob.id, token: tok, status: 201},
		{name: "adding again changes nothing", method: "PUT", path: members + bob.id, token: tok, status: 204},
		{name: "an unknown principal is not found", method: "PUT", path: members + ws, token: tok, status: 404, code: "not_found"},
		{name: "an unknown group is not found", method: "PUT", path: "/v1/groups/" + ws + "/members/" + bob.id, token: tok, status: 404, code: "not_found"},
		{name: "members are listed", method: "GET", path: path + "/members", token: tok, status: 200,
			has: []string{`"principal_type":"user"`, `"principal_id":"` + bob.id + `"`, `"next_cursor":null`}},
		{name: "the group reaches no project yet", method: "GET", path: path + "?include=projects", token: tok, status: 200},
		{name: "bob may not read the project", method: "GET", path: "/v1/projects/" + pr, token: bob.token, status: 403},
		{name: "the group joins the workspace", method: "PUT", path: "/v1/workspaces/" + ws + "/members/" + g, token: tok,
			body: map[string]string{"role": "reader"}, status: 200, has: []string{`"member_type":"group"`, `"name":"Builders"`, `"role":"reader"`}},
		{name: "the group now reaches the project", method: "GET", path: path + "?include=projects", token: tok, status: 200,
			has: []string{`"projects":[{"id":"` + pr + `"`, `"role":"reader"`}},
		{name: "and so does bob", method: "GET", path: "/v1/projects/" + pr, token: bob.token, status: 200},
		{name: "bob's projects say so", method: "GET", path: "/v1/users/" + bob.id + "/projects", token: bob.token, status: 200,
			has: []string{`"id":"` + pr + `"`, `"role":"reader"`}},
		{name: "bob's record shows the group's binding", method: "GET", path: "/v1/users/" + bob.id, token: tok, status: 200,
			has: []string{`"workspace":{"id":"` + ws + `"`, `"subject":{"type":"group","id":"` + g + `"}`}},
		{name: "a member is removed", method: "DELETE", path: members + bob.id, token: tok, status: 204},
		{name: "and loses the group's access at once", method: "GET", path: "/v1/projects/" + pr, token: bob.token, status: 403},
		{name: "removing again is not found", method: "DELETE", path: members + bob.id, token: tok, status: 404, code: "not_found"},
		{name: "the group is deleted", method: "DELETE", path: path, token: tok, status: 204},
		{name: "and not found", method: "GET", path: path, token: tok, status: 404, code: "not_found"},
		{name: "the workspace forgets it", method: "GET", path: "/v1/workspaces/" + ws + "/members", token: tok, status: 200,
			check: func(t *testing.T, r *resp) {
				for _, m := range list[map[string]any](t, r, "members") {
					if m["member_id"] == g {
						t.Fatalf("the deleted group is still a member: %s", r.body)
					}
				}
			}},
	})
}

func TestWorkspacesAndProjects(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	uma := a.member(t, admin, "uma@example.com", "user")
	rita := a.member(t, admin, "rita@example.com", "reader")
	tok := admin.token
	var ws, pr string
	a.run(t, []scenario{
		{name: "a user creates a workspace", method: "POST", path: "/v1/workspaces", token: uma.token, body: map[string]string{"title": "Research Lab"},
			status: 201, has: []string{`"domain":"research-lab"`}, check: func(t *testing.T, r *resp) {
				ws = r.id(t)
				if r.header.Get("Location") != "/v1/workspaces/"+ws {
					t.Fatalf("Location %q", r.header.Get("Location"))
				}
			}},
		{name: "a taken domain is numbered", method: "POST", path: "/v1/workspaces", token: tok, body: map[string]string{"title": "Research  LAB!"},
			status: 201, has: []string{`"domain":"research-lab-2"`}},
		{name: "a title is required", method: "POST", path: "/v1/workspaces", token: tok, body: map[string]string{}, status: 400, fields: []string{"title"}},
		{name: "a reader may not create one", method: "POST", path: "/v1/workspaces", token: rita.token, body: map[string]string{"title": "X"}, status: 403},
	})
	wsPath := "/v1/workspaces/" + ws
	a.run(t, []scenario{
		{name: "its creator owns it", method: "GET", path: wsPath + "/members", token: uma.token, status: 200,
			has: []string{`"member_id":"` + uma.id + `"`, `"role":"owner"`, `"email":"uma@example.com"`, `"org_role":"user"`}},
		{name: "and lists it among those they administer", method: "GET", path: "/v1/workspaces?admin_only=true", token: uma.token, status: 200,
			check: func(t *testing.T, r *resp) {
				if wss := list[map[string]any](t, r, "workspaces"); len(wss) != 1 || wss[0]["id"] != ws {
					t.Fatalf("workspaces %s", r.body)
				}
			}},
		{name: "the admin sees every workspace", method: "GET", path: "/v1/workspaces", token: tok, status: 200,
			check: func(t *testing.T, r *resp) {
				if wss := list[map[string]any](t, r, "workspaces"); len(wss) != 2 {
					t.Fatalf("workspaces %s", r.body)
				}
			}},
		{name: "a reader sees none they are not in", method: "GET", path: "/v1/workspaces", token: rita.token, status: 200, has: []string{`"workspaces":[]`}},
		{name: "but administers none", method: "GET", path: "/v1/workspaces?admin_only=1", token: rita.token, status: 200, has: []string{`"workspaces":[]`}},
		{name: "the owner renames it", method: "PATCH", path: wsPath, token: uma.token, ctype: "application/merge-patch+json",
			body: `{"title": "Lab", "domain": "lab"}`, status: 200, has: []string{`"title":"Lab"`, `"domain":"lab"`}},
		{name: "a bad domain is refused", method: "PATCH", path: wsPath, token: uma.token, ctype: "application/json-patch+json",
			body: `[{"op": "replace", "path": "/domain", "value": "Not A Slug"}]`, status: 400, code: "validation_failed", fields: []string{"domain"}},
		{name: "a taken domain conflicts", method: "PATCH", path: wsPath, token: uma.token, ctype: "application/merge-patch+json",
			body: `{"domain": "research-lab-2"}`, status: 409, code: "conflict"},
		{name: "nor may read it", method: "GET", path: wsPath, token: rita.token, status: 403, code: "forbidden"},
		{name: "nor edit it", method: "PATCH", path: wsPath, token: rita.token, body: `{"title": "x"}`, status: 403},
		{name: "a project is created in it", method: "POST", path: "/v1/projects", token: uma.token,
			body: map[string]string{"workspace_id": ws, "name": "Telescope", "description": "looks up"}, status: 201,
			check: func(t *testing.T, r *resp) {
				pr = r.id(t)
				if r.header.Get("Location") != "/v1/projects/"+pr {
					t.Fatalf("Location %q", r.header.Get("Location"))
				}
			}},
		{name: "a taken name in the workspace conflicts", method: "POST", path: "/v1/projects", token: uma.token,
			body: map[string]string{"workspace_id": ws, "name": "TELESCOPE"}, status: 409, code: "conflict"},
		{name: "an unknown workspace is refused", method: "POST", path: "/v1/projects", token: uma.token,
			body: map[string]string{"workspace_id": admin.id, "name": "X"}, status: 400, code: "validation_failed", fields: []string{"workspace_id"}},
		{name: "a reader may not create projects in another's workspace", method: "POST", path: "/v1/projects", token: rita.token,
			body: map[string]string{"workspace_id": ws, "name": "Mine"}, status: 403},
	})
	prPath := "/v1/projects/" + pr
	a.run(t, []scenario{
		{name: "projects are listed by workspace", method: "GET", path: "/v1/projects?workspace_id=" + ws, token: uma.token, status: 200,
			has: []string{`"id":"` + pr + `"`}},
		{name: "and with their workspace", method: "GET", path: "/v1/workspaces?include=projects", token: uma.token, status: 200,
			has: []string{`"projects":[{"id":"` + pr + `"`}},
		{name: "a reader sees no project", method: "GET", path: "/v1/projects", token: rita.token, status: 200, has: []string{`"projects":[]`}},
		{name: "nor reads one", method: "GET", path: prPath, token: rita.token, status: 403, code: "forbidden"},
		{name: "until made a member by email", method: "PUT", path: prPath + "/members/RITA@example.com", token: uma.token,
			body: map[string]string{"role": "member"}, status: 200, has: []string{`"member_id":"` + rita.id + `"`, `"role":"member"`, `"projects.update"`}},
		{name: "then they read it", method: "GET", path: prPath, token: rita.token, status: 200},
		{name: "and see its workspace", method: "GET", path: wsPath, token: rita.token, status: 200},
		{name: "listed with only that project", method: "GET", path: "/v1/workspaces?include=projects", token: rita.token, status: 200,
			check: func(t *testing.T, r *resp) {
				wss := list[map[string]any](t, r, "workspaces")
				if len(wss) != 1 || wss[0]["id"] != ws || len(wss[0]["projects"].([]any)) != 1 {
					t.Fatalf("workspaces %s", r.body)
				}
			}},
		{name: "and list it", method: "GET", path: "/v1/projects", token: rita.token, status: 200, has: []string{`"id":"` + pr + `"`}},
		{name: "and edit it", method: "PATCH", path: prPath, token: rita.token, ctype: "application/merge-patch+json",
			body: `{"description": "looks further"}`, status: 200, has: []string{`"description":"looks further"`, `"workspace_id":"` + ws + `"`}},
		{name: "with a JSON patch too", method: "PATCH", path: prPath, token: rita.token, ctype: "application/json-patch+json",
			body: `[{"op": "replace", "path": "/name", "value": "Big Telescope"}]`, status: 200},
		{name: "but not delete it", method: "DELETE", path: prPath, token: rita.token, status: 403, code: "forbidden"},
		{name: "their projects say how", method: "GET", path: "/v1/users/" + rita.id + "/projects", token: rita.token, status: 200,
			has: []string{`"role":"member"`}},
		{name: "members are listed with permissions", method: "GET", path: prPath + "/members", token: rita.token, status: 200,
			has: []string{`"member_id":"` + uma.id + `"`, `"member_id":"` + rita.id + `"`}},
		{name: "a bad role is refused", method: "PUT", path: prPath + "/members/" + rita.id, token: uma.token,
			body: map[string]string{"role": "emperor"}, status: 400, code: "validation_failed", fields: []string{"role"}},
		{name: "an unknown email is not found", method: "PUT", path: prPath + "/members/nobody@example.com", token: uma.token,
			body: map[string]string{"role": "reader"}, status: 404, code: "not_found"},
		{name: "a role key works as a role", method: "PUT", path: prPath + "/members/" + rita.id, token: uma.token,
			body: map[string]string{"role": "project.reader"}, status: 200, has: []string{`"role":"reader"`}},
		{name: "a member is removed", method: "DELETE", path: prPath + "/members/" + rita.id, token: uma.token, status: 204},
		{name: "and loses access at once", method: "GET", path: prPath, token: rita.token, status: 403},
		{name: "removing again is not found", method: "DELETE", path: prPath + "/members/" + rita.id, token: uma.token, status: 404, code: "not_found"},
		{name: "workspace members are set", method: "PUT", path: wsPath + "/members/" + rita.id, token: uma.token,
			body: map[string]string{"role": "member"}, status: 200},
		{name: "and reach its projects", method: "GET", path: prPath, token: rita.token, status: 200},
		{name: "and are removed", method: "DELETE", path: wsPath + "/members/" + rita.id, token: uma.token, status: 204},
		{name: "the owner deletes the project", method: "DELETE", path: prPath, token: uma.token, status: 204},
		{name: "which is then not found", method: "GET", path: prPath, token: uma.token, status: 404, code: "not_found"},
		{name: "the owner's record stays readable", method: "GET", path: "/v1/users/" + uma.id, token: tok, status: 200},
		{name: "the owner deletes the workspace", method: "DELETE", path: wsPath, token: uma.token, status: 204},
		{name: "which is then not found", method: "GET", path: wsPath, token: uma.token, status: 404, code: "not_found"},
		{name: "and its members neither", method: "GET", path: wsPath + "/members", token: uma.token, status: 404, code: "not_found"},
		{name: "the owner's record stays readable after", method: "GET", path: "/v1/users/" + uma.id, token: tok, status: 200},
	})
	t.Run("deleting a workspace deletes its projects and their bindings", func(t *testing.T) {
		w := a.create(t, tok, "/v1/workspaces", map[string]string{"title": "Doomed"})
		p := a.create(t, tok, "/v1/projects", map[string]string{"workspace_id": w, "name": "Doomed too"})
		a.do(t, req{method: "PUT", path: "/v1/projects/" + p + "/members/" + rita.id, token: tok, body: map[string]string{"role": "owner"}}).want(t, 200)
		a.do(t, req{method: "DELETE", path: "/v1/workspaces/" + w, token: tok}).want(t, 204)
		a.do(t, req{method: "GET", path: "/v1/projects/" + p, token: tok}).want(t, 404)
		a.do(t, req{method: "GET", path: "/v1/users/" + rita.id, token: tok}).want(t, 200)
		a.do(t, req{method: "GET", path: "/v1/users/" + rita.id + "/projects", token: rita.token}).want(t, 200)
		var bs []bindingBody
		bs = list[bindingBody](t, a.do(t, req{method: "GET", path: "/v1/role-bindings?subject=" + rita.id, token: tok}).want(t, 200), "role_bindings")
		if len(bs) != 1 || bs[0].Role != "reader" {
			t.Fatalf("rita's bindings %+v", bs)
		}
	})
}

// TestWorkspaceAdminCannotMakeThemselvesOwner: project.admin is
// "everything at its scope, members included, except deleting projects or
// the workspace"; it must not reach the owner role (and so the delete) by
// granting it to itself, through either API that grants roles.
func TestWorkspaceAdminCannotMakeThemselvesOwner(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	wanda := a.member(t, admin, "wanda@example.com", "user")
	for _, via := range []string{"members", "role-bindings"} {
		ws := a.create(t, admin.token, "/v1/workspaces", map[string]string{"title": "Lab " + via})
		a.do(t, req{method: "PUT", path: "/v1/workspaces/" + ws + "/members/" + wanda.id, token: admin.token,
			body: map[string]string{"role": "admin"}}).want(t, 200)
		grant := req{method: "PUT", path: "/v1/workspaces/" + ws + "/members/" + wanda.id, token: wanda.token, body: map[string]string{"role": "owner"}}
		if via == "role-bindings" {
			grant = req{method: "POST", path: "/v1/role-bindings", token: wanda.token, body: map[string]any{
				"subject": map[string]string{"type": "user", "id": wanda.id}, "role": "project.owner",
				"scope": map[string]string{"type": "workspace", "id": ws}}}
		}
		a.run(t, []scenario{
			{name: "a workspace admin may not delete the workspace", method: "DELETE", path: "/v1/workspaces/" + ws, token: wanda.token,
				status: 403, code: "forbidden"},
			{name: "nor grant themselves owner through " + via, method: grant.method, path: grant.path, token: grant.token, body: grant.body,
				status: 403, code: "forbidden"},
			{name: "so the workspace survives " + via, method: "DELETE", path: "/v1/workspaces/" + ws, token: wanda.token,
				status: 403, code: "forbidden"},
		})
	}
}

// TestAdminCannotDemoteThemselvesThroughBindings: the users API refuses to
// let an administrator drop their own admin role (412 cannot_demote_self);
// the bindings API reaches the same binding and must refuse too.
func TestAdminCannotDemoteThemselvesThroughBindings(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	r := a.do(t, req{method: "GET", path: "/v1/role-bindings?role=admin&subject=" + admin.id, token: admin.token}).want(t, 200)
	own := list[bindingBody](t, r, "role_bindings")
	if len(own) != 1 {
		t.Fatalf("admin bindings %s", r.body)
	}
	a.run(t, []scenario{
		{name: "through the users API it is refused", method: "PATCH", path: "/v1/users/" + admin.id, token: admin.token,
			ctype: "application/merge-patch+json", body: `{"roles": []}`, status: 412, code: "cannot_demote_self"},
		{name: "through the bindings API it is refused too", method: "DELETE", path: "/v1/role-bindings/" + own[0].ID, token: admin.token,
			status: 412, code: "cannot_demote_self"},
		{name: "so they are still an admin", method: "GET", path: "/v1/whoami", token: admin.token, status: 200, has: []string{`"roles":["admin"]`}},
	})
}

// TestRemovingTheNilMemberRemovesNobody: the nil UUID names no member, so
// removing it must remove nobody, not every member of the scope.
func TestRemovingTheNilMemberRemovesNobody(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	w := newWorld(t, a)
	for kind, scope := range map[string]string{"a workspace": "/v1/workspaces/" + w.workspace, "a project": "/v1/projects/" + w.project} {
		before := len(list[map[string]any](t, a.do(t, req{method: "GET", path: scope + "/members", token: w.root.token}).want(t, 200), "members"))
		t.Run(kind+" refuses the nil member", func(t *testing.T) {
			r := a.do(t, req{method: "DELETE", path: scope + "/members/00000000-0000-0000-0000-000000000000", token: w.root.token})
			if r.status != 404 && r.status != 400 {
				t.Errorf("got %d, want 404 or 400", r.status)
			}
		})
		t.Run(kind+" keeps its members", func(t *testing.T) {
			r := a.do(t, req{method: "GET", path: scope + "/members", token: w.root.token}).want(t, 200)
			if after := len(list[map[string]any](t, r, "members")); after != before {
				t.Fatalf("%d members before, %d after: %s", before, after, r.body)
			}
		})
	}
}
