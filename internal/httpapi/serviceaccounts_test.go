package httpapi_test

import (
	"strings"
	"testing"
)

func TestServiceAccounts(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	bob := a.member(t, root, "bob@example.com", "user")
	boss := a.otherOrg(t, root, "Other Org", "boss@other.example")
	sa := a.create(t, root.token, "/v1/service-accounts", map[string]string{"name": "deployer", "description": "ships builds"})
	path := "/v1/service-accounts/" + sa
	key := a.mintKey(t, root.token, path+"/api-keys", map[string]any{"description": "ci"})
	var client struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	a.do(t, req{method: "POST", path: path + "/clients", token: root.token, body: map[string]string{"name": "pipeline"}}).
		want(t, 201).into(t, &client)
	if !strings.HasPrefix(client.ClientSecret, "wsc_") {
		t.Fatalf("client secret %q", client.ClientSecret)
	}
	binding := map[string]any{"subject": map[string]string{"type": "service_account", "id": sa}, "role": "reader",
		"scope": map[string]string{"type": "org"}}

	a.run(t, []scenario{
		{name: "get", method: "GET", path: path, token: root.token, status: 200, has: []string{`"name":"deployer"`, `"disabled":false`}},
		{name: "list", method: "GET", path: "/v1/service-accounts?limit=1", token: root.token, status: 200, has: []string{sa, `"next_cursor":"`}},
		{name: "a duplicate name conflicts", method: "POST", path: "/v1/service-accounts", token: root.token,
			body: map[string]string{"name": "Deployer"}, status: 409},
		{name: "a name is required", method: "POST", path: "/v1/service-accounts", token: root.token,
			body: map[string]string{"description": "x"}, status: 400, fields: []string{"name"}},
		{name: "merge patch", method: "PATCH", path: path, token: root.token, ctype: "application/merge-patch+json",
			body: `{"description": "ships releases"}`, status: 200, has: []string{"ships releases"}},
		{name: "json patch", method: "PATCH", path: path, token: root.token, ctype: "application/json-patch+json",
			body: `[{"op": "replace", "path": "/name", "value": "releaser"}]`, status: 200, has: []string{`"name":"releaser"`}},
		{name: "its key authenticates it", method: "GET", path: "/v1/whoami", token: key.Key, status: 200,
			has: []string{`"service_account_id":"` + sa + `"`, `"username":"releaser"`}},
		{name: "holding nothing, it may read nothing", method: "GET", path: "/v1/users", token: key.Key, status: 403, code: "forbidden"},
		{name: "it can be bound a role", method: "POST", path: "/v1/role-bindings", token: root.token, body: binding, status: 201},
		{name: "then it may read", method: "GET", path: "/v1/users", token: key.Key, status: 200},
		{name: "its key cannot mint keys", method: "POST", path: path + "/api-keys", token: key.Key, body: map[string]any{},
			status: 403, code: "apikey_cannot_mint"},
		{name: "a user cannot mint its keys", method: "POST", path: path + "/api-keys", token: bob.token,
			body: map[string]any{"valid_sources": []string{"127.0.0.1"}}, status: 403, code: "forbidden"},
		{name: "its keys are listed", method: "GET", path: path + "/api-keys", token: root.token, status: 200, has: []string{key.ID}},
		{name: "and renewed", method: "POST", path: path + "/api-keys/" + key.ID + "/renew", token: root.token,
			body: map[string]any{"expiration_days": 10}, status: 200},
		{name: "its clients are listed without secrets", method: "GET", path: path + "/clients", token: root.token, status: 200,
			has: []string{client.ClientID, "pipeline"}, check: func(t *testing.T, r *resp) {
				if strings.Contains(string(r.body), client.ClientSecret) || strings.Contains(string(r.body), "secret") {
					t.Fatalf("a secret is listed: %s", r.body)
				}
			}},
		{name: "a client is revoked", method: "DELETE", path: path + "/clients/" + client.ClientID, token: root.token, status: 204},
		{name: "once", method: "DELETE", path: path + "/clients/" + client.ClientID, token: root.token, status: 404},
		{name: "and no longer listed", method: "GET", path: path + "/clients", token: root.token, status: 200, has: []string{`"clients":[]`}},
		{name: "another org does not see it", method: "GET", path: path, token: boss.token, status: 404, code: "not_found"},
		{name: "nor its keys", method: "GET", path: path + "/api-keys", token: boss.token, status: 404, code: "not_found"},
		{name: "nor may mint its clients", method: "POST", path: path + "/clients", token: boss.token, body: map[string]string{"name": "x"},
			status: 404, code: "not_found"},
		{name: "nor is it listed there", method: "GET", path: "/v1/service-accounts", token: boss.token, status: 200, has: []string{`"service_accounts":[]`}},
		{name: "disabling it", method: "PATCH", path: path, token: root.token, body: `{"disabled": true}`, ctype: "application/merge-patch+json", status: 200},
		{name: "refuses its keys at once", method: "GET", path: "/v1/whoami", token: key.Key, status: 401, code: "account_disabled"},
		{name: "enabling it", method: "PATCH", path: path, token: root.token, body: `{"disabled": false}`, ctype: "application/merge-patch+json", status: 200},
		{name: "its key works again", method: "GET", path: "/v1/whoami", token: key.Key, status: 200},
		{name: "revoking its key", method: "DELETE", path: path + "/api-keys/" + key.ID, token: root.token, status: 204},
		{name: "the key fails next", method: "GET", path: "/v1/whoami", token: key.Key, status: 401, code: "apikey_revoked"},
		{name: "deleting it", method: "DELETE", path: path, token: root.token, status: 204},
		{name: "it is gone", method: "GET", path: path, token: root.token, status: 404},
		{name: "the audit log has every change, and no secret", method: "GET", path: "/v1/audit-events?limit=1000", token: root.token, status: 200,
			has: []string{"service_account.created", "service_account.updated", "service_account.deleted", "oauth_client.created", "oauth_client.revoked"},
			check: func(t *testing.T, r *resp) {
				if strings.Contains(string(r.body), client.ClientSecret[4:]) || strings.Contains(string(r.body), key.Key[37:]) {
					t.Fatalf("the audit log shows a secret")
				}
			}},
	})
	t.Run("a deleted account's key is refused", func(t *testing.T) {
		sa := a.create(t, root.token, "/v1/service-accounts", map[string]string{"name": "short-lived"})
		k := a.mintKey(t, root.token, "/v1/service-accounts/"+sa+"/api-keys", map[string]any{})
		a.do(t, req{method: "GET", path: "/v1/whoami", token: k.Key}).want(t, 200)
		a.do(t, req{method: "DELETE", path: "/v1/service-accounts/" + sa, token: root.token}).want(t, 204)
		a.do(t, req{method: "GET", path: "/v1/whoami", token: k.Key}).want(t, 401, "invalid_api_key")
	})
}

// TestServiceAccountsJoinGroups: a service account in a group holds what
// the group is bound, and loses it when it leaves.
func TestServiceAccountsJoinGroups(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	sa := a.create(t, root.token, "/v1/service-accounts", map[string]string{"name": "indexer"})
	key := a.mintKey(t, root.token, "/v1/service-accounts/"+sa+"/api-keys", map[string]any{})
	group := a.create(t, root.token, "/v1/groups", map[string]string{"name": "Robots"})
	a.do(t, req{method: "POST", path: "/v1/role-bindings", token: root.token, body: map[string]any{
		"subject": map[string]string{"type": "group", "id": group}, "role": "reader", "scope": map[string]string{"type": "org"}}}).want(t, 201)
	a.run(t, []scenario{
		{name: "alone it reads nothing", method: "GET", path: "/v1/users", token: key.Key, status: 403},
		{name: "it joins the group", method: "PUT", path: "/v1/groups/" + group + "/members/" + sa, token: root.token, status: 201},
		{name: "as a service account", method: "GET", path: "/v1/groups/" + group + "/members", token: root.token, status: 200,
			has: []string{`"principal_type":"service_account"`, sa}},
		{name: "then it reads", method: "GET", path: "/v1/users", token: key.Key, status: 200},
		{name: "a group cannot join a group", method: "PUT", path: "/v1/groups/" + group + "/members/" + group, token: root.token, status: 404},
		{name: "it leaves", method: "DELETE", path: "/v1/groups/" + group + "/members/" + sa, token: root.token, status: 204},
		{name: "and reads nothing again", method: "GET", path: "/v1/users", token: key.Key, status: 403},
	})
}
