// The one test that crosses all five surfaces: a change made through one
// is visible through every other and through the native API, and the audit
// log says which surface each came through.
package compat_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wardenhq/warden/internal/compat/argus"
	"github.com/wardenhq/warden/internal/compat/arthur"
	"github.com/wardenhq/warden/internal/compat/sailpoint"
	"github.com/wardenhq/warden/internal/compat/squirro"
	"github.com/wardenhq/warden/internal/compat/thousandeyes"
	"github.com/wardenhq/warden/internal/httpapi"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/stacktest"
)

type call struct {
	method, path string
	header       map[string]string
	body         string
}

// send makes one request and decodes a JSON answer into out, failing the
// test unless the status is want.
func send(t *testing.T, base string, c call, want int, out any) *http.Response {
	t.Helper()
	req, err := http.NewRequest(c.method, base+c.path, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", c.method, c.path, resp.StatusCode, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", c.method, c.path, err, b)
		}
	}
	return resp
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

func TestOneUserThroughEverySurface(t *testing.T) {
	s := stacktest.New(t, httpapi.Config{}, thousandeyes.Mount, sailpoint.Mount, arthur.Mount, argus.Mount, squirro.Mount)
	const password = "correct horse battery"
	send(t, s.URL, call{method: "POST", path: "/v1/signup", body: `{"email": "ada@example.com", "password": "` + password + `", "org_name": "Analytical"}`}, 201, nil)
	var login struct {
		AccessToken string `json:"access_token"`
		User        struct {
			ID    iam.ID `json:"id"`
			OrgID iam.ID `json:"org_id"`
		} `json:"user"`
	}
	send(t, s.URL, call{method: "POST", path: "/v1/login", body: `{"login": "ada@example.com", "password": "` + password + `"}`}, 200, &login)
	admin := login.AccessToken

	// ThousandEyes creates the user.
	var teUser struct {
		UID string `json:"uid"`
	}
	send(t, s.URL, call{method: "POST", path: "/v7/users", header: bearer(admin),
		body: `{"name": "Grace Hopper", "email": "grace@example.com", "allAccountGroupRoleIds": ["2"]}`}, 201, &teUser)
	var found struct {
		Users []struct {
			ID iam.ID `json:"id"`
		} `json:"users"`
	}
	send(t, s.URL, call{method: "GET", path: "/v1/users?email=grace@example.com", header: bearer(admin)}, 200, &found)
	if len(found.Users) != 1 {
		t.Fatalf("the native API does not see the ThousandEyes user: %+v", found)
	}
	grace := found.Users[0].ID
	send(t, s.URL, call{method: "PUT", path: "/v1/users/" + grace.String() + "/password", header: bearer(admin),
		body: `{"new_password": "` + password + `", "new_password_confirm": "` + password + `"}`}, 204, nil)

	// SailPoint grants her a capability.
	send(t, s.URL, call{method: "PATCH", path: "/v3/auth-users/" + grace.Hex(),
		header: map[string]string{"Authorization": "Bearer " + admin, "Content-Type": "application/json-patch+json"},
		body:   `[{"op": "add", "path": "/capabilities", "value": ["HELPDESK"]}]`}, 200, nil)

	// Arthur logs her in; the cookie's token is her credential from now on.
	resp := send(t, s.URL, call{method: "POST", path: "/api/v3/login", body: `{"login": "grace@example.com", "password": "` + password + `"}`}, 200, nil)
	var token string
	for _, c := range resp.Cookies() {
		if c.Name == "Authorization" {
			token = c.Value
		}
	}
	if token == "" {
		t.Fatal("the Arthur login set no Authorization cookie")
	}
	var me struct {
		Email string `json:"email"`
	}
	send(t, s.URL, call{method: "GET", path: "/api/v3/users/me", header: map[string]string{"Authorization": token}}, 200, &me)

	// Argus issues her an API key, which then authenticates natively.
	var initiated struct {
		Data struct {
			APIKey string `json:"apiKey"`
		} `json:"data"`
	}
	send(t, s.URL, call{method: "POST", path: "/authentication/v1/user/" + teUser.UID + "/apikey", header: bearer(token),
		body: `{"description": "cross-surface", "validSources": "127.0.0.1", "expirationDays": 30}`}, 201, &initiated)
	if initiated.Data.APIKey == "" {
		t.Fatal("Argus returned no key")
	}
	var who struct {
		Email string `json:"email"`
	}
	send(t, s.URL, call{method: "GET", path: "/authentication/v1/session", header: map[string]string{"Argus-API-Key": initiated.Data.APIKey}}, 200, nil)

	// Squirro reads her, with the capability SailPoint gave.
	var sq map[string]any
	send(t, s.URL, call{method: "GET", path: "/api/user/v0/" + login.User.OrgID.Base64() + "/users/" + grace.Base64(), header: bearer(admin)}, 200, &sq)
	if sq["email"] != "grace@example.com" {
		t.Fatalf("Squirro shows %v", sq)
	}
	send(t, s.URL, call{method: "GET", path: "/v1/whoami", header: bearer(token)}, 200, &who)
	var caps struct {
		Capabilities []string `json:"capabilities"`
	}
	send(t, s.URL, call{method: "GET", path: "/v1/users/" + grace.String() + "/capabilities", header: bearer(admin)}, 200, &caps)
	if who.Email != "grace@example.com" || me.Email != "grace@example.com" || len(caps.Capabilities) != 1 || caps.Capabilities[0] != "HELPDESK" {
		t.Fatalf("whoami %+v, Arthur %+v, capabilities %v", who, me, caps)
	}

	// The audit log names the surface of each change.
	var log struct {
		Events []struct {
			Action  string `json:"action"`
			Surface string `json:"surface"`
		} `json:"events"`
	}
	send(t, s.URL, call{method: "GET", path: "/v1/audit-events?limit=1000", header: bearer(admin)}, 200, &log)
	seen := map[string]bool{}
	for _, e := range log.Events {
		seen[e.Action+"@"+e.Surface] = true
	}
	for _, want := range []string{"user.created@thousandeyes", "user.capabilities_changed@sailpoint", "session.created@arthur",
		"apikey.created@argus", "password.changed@native"} {
		if !seen[want] {
			t.Errorf("the audit log lacks %s: %v", want, seen)
		}
	}
}
