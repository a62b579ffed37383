package httpapi_test

import (
	"strings"
	"testing"
)

type newGrantBody struct {
	ID           string `json:"id"`
	RefreshToken string `json:"refresh_token"`
}

func TestUserGrants(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	target := a.member(t, root, "target@example.com", "user")
	reader := a.member(t, root, "reader@example.com", "reader")
	boss := a.otherOrg(t, root, "Other Org", "boss@other.example")
	grants := "/v1/users/" + target.id + "/grants"

	var g newGrantBody
	a.do(t, req{method: "POST", path: grants, token: root.token, body: map[string]any{
		"type": "service", "for_client_id": "squirro-frontend", "project_permissions": []string{"users.read"}}}).
		want(t, 201).into(t, &g)
	if g.ID == "" || !strings.HasPrefix(g.RefreshToken, "wrt_") {
		t.Fatalf("grant %+v", g)
	}
	tok := a.form(t, "/oauth/token", nil, "grant_type", "refresh_token", "refresh_token", g.RefreshToken).want(t, 200).token(t)
	if tok.Scope != "users.read" || !strings.HasPrefix(tok.RefreshToken, "wrt_") {
		t.Fatalf("token %+v", tok)
	}

	a.run(t, []scenario{
		{name: "the user lists their grants, without tokens", method: "GET", path: grants, token: target.token, status: 200,
			has: []string{g.ID, `"for_client_id":"squirro-frontend"`, `"project_permissions":["users.read"]`, `"valid_to":null`},
			check: func(t *testing.T, r *resp) {
				if strings.Contains(string(r.body), "wrt_") {
					t.Fatalf("a refresh token is listed: %s", r.body)
				}
			}},
		{name: "so does an administrator", method: "GET", path: grants, token: root.token, status: 200, has: []string{g.ID}},
		{name: "a reader may not list another's", method: "GET", path: grants, token: reader.token, status: 403, code: "forbidden"},
		{name: "nor issue one", method: "POST", path: grants, token: reader.token, body: map[string]any{"type": "user"},
			status: 403, code: "forbidden"},
		{name: "a user issues their own", method: "POST", path: grants, token: target.token, body: map[string]any{"type": "user"},
			status: 201, has: []string{`"refresh_token":"wrt_`}},
		{name: "but not for an admin", method: "POST", path: "/v1/users/" + root.id + "/grants", token: target.token,
			body: map[string]any{"type": "user"}, status: 403, code: "forbidden"},
		{name: "unknown permissions are named", method: "POST", path: grants, token: root.token,
			body:   map[string]any{"type": "user", "project_permissions": []string{"items.read", "rockets.launch"}},
			status: 400, code: "validation_failed", fields: []string{"project_permissions"}},
		{name: "the type is checked", method: "POST", path: grants, token: root.token, body: map[string]any{"type": "forever"},
			status: 400, code: "validation_failed", fields: []string{"type"}},
		{name: "for_client_id is for service grants", method: "POST", path: grants, token: root.token,
			body: map[string]any{"type": "user", "for_client_id": "x"}, status: 400, code: "validation_failed", fields: []string{"for_client_id"}},
		{name: "the narrowed token reads users", method: "GET", path: "/v1/users", token: tok.AccessToken, status: 200},
		{name: "but nothing outside its permissions", method: "GET", path: "/v1/groups", token: tok.AccessToken, status: 403, code: "forbidden"},
		{name: "nor issues grants, even to itself", method: "POST", path: grants, token: tok.AccessToken,
			body: map[string]any{"type": "user"}, status: 403, code: "forbidden"},
		{name: "another org does not see them", method: "GET", path: grants, token: boss.token, status: 404, code: "not_found"},
		{name: "nor revokes one", method: "DELETE", path: grants + "/" + g.ID, token: boss.token, status: 404, code: "not_found"},
		{name: "nor through its own user", method: "DELETE", path: "/v1/users/" + boss.id + "/grants/" + g.ID, token: boss.token,
			status: 404, code: "not_found"},
		{name: "a reader may not revoke it", method: "DELETE", path: grants + "/" + g.ID, token: reader.token, status: 403, code: "forbidden"},
		{name: "an unknown grant is not found", method: "DELETE", path: grants + "/" + root.org, token: root.token, status: 404, code: "not_found"},
		{name: "the user revokes it", method: "DELETE", path: grants + "/" + g.ID, token: target.token, status: 204},
		{name: "its access token stops at once", method: "GET", path: "/v1/users", token: tok.AccessToken, status: 401},
		{name: "it is no longer listed", method: "GET", path: grants, token: target.token, status: 200,
			check: func(t *testing.T, r *resp) {
				if strings.Contains(string(r.body), g.ID) {
					t.Fatalf("still listed: %s", r.body)
				}
			}},
		{name: "twice is not found", method: "DELETE", path: grants + "/" + g.ID, token: target.token, status: 404, code: "not_found"},
	})
	t.Run("its refresh tokens are dead", func(t *testing.T) {
		a.form(t, "/oauth/token", nil, "grant_type", "refresh_token", "refresh_token", tok.RefreshToken).wantOAuth(t, 400, "invalid_grant")
	})
	t.Run("a scope beyond the grant is invalid_scope", func(t *testing.T) {
		var g2 newGrantBody
		a.do(t, req{method: "POST", path: grants, token: root.token, body: map[string]any{
			"type": "user", "project_permissions": []string{"users.*"}}}).want(t, 201).into(t, &g2)
		a.form(t, "/oauth/token", nil, "grant_type", "refresh_token", "refresh_token", g2.RefreshToken, "scope", "groups.read").
			wantOAuth(t, 400, "invalid_scope")
		a.form(t, "/oauth/token", nil, "grant_type", "refresh_token", "refresh_token", g2.RefreshToken, "scope", "users.read").
			want(t, 200)
	})
	t.Run("no secret reaches the audit log", func(t *testing.T) {
		r := a.do(t, req{method: "GET", path: "/v1/audit-events?limit=1000", token: root.token}).want(t, 200)
		r.has(t, "grant.created", "grant.revoked", "token.issued")
		if strings.Contains(string(r.body), "wrt_") || strings.Contains(string(r.body), g.RefreshToken[4:]) {
			t.Fatal("the audit log holds a refresh token")
		}
	})
}
