package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/wardenhq/warden/internal/client"
)

// TestNoSecretIsKept mints every kind of secret Warden hands out — passwords,
// an API key, an OAuth client secret, access and refresh tokens, a TOTP seed
// and recovery codes — then proves that none of them appears in a later API
// response, in the audit log, in the server's debug logs, or in plain text
// anywhere in the database files.
func TestNoSecretIsKept(t *testing.T) {
	srv := startServer(t, "--log-level", "debug")
	ctx := context.Background()
	anon := client.New(srv.url, "", nil)
	const adaPassword, bobPassword = "correct horse battery", "a long enough password"
	must(anon.Signup(ctx, client.Signup{Email: "ada@example.com", Password: adaPassword, OrgName: "Analytical"}))(t)
	session := must(anon.Login(ctx, "ada@example.com", adaPassword))(t).AccessToken
	admin := anon.WithToken(session)
	ada := must(admin.CurrentUser(ctx))(t).ID.String()
	must(admin.CreateUser(ctx, client.NewUser{Email: "bob@example.com", Password: bobPassword}))(t)

	key := must(admin.CreateAPIKey(ctx, client.Owner{ID: ada}, client.NewAPIKey{ValidSources: []string{"127.0.0.1"}}))(t)
	must(anon.WithToken(key.Key).WhoAmI(ctx))(t)

	sa := must(admin.CreateServiceAccount(ctx, "deployer", ""))(t)
	oc := must(admin.CreateOAuthClient(ctx, sa.ID.String(), "pipeline"))(t)
	cc := tokenRequest(t, srv.url, url.Values{"grant_type": {"client_credentials"},
		"client_id": {oc.ClientID.String()}, "client_secret": {oc.ClientSecret}})

	var grant struct {
		RefreshToken string `json:"refresh_token"`
	}
	postJSON(t, srv.url+"/v1/users/"+ada+"/grants", session, `{"type": "user"}`, &grant)
	refreshed := tokenRequest(t, srv.url, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {grant.RefreshToken}})

	enrol := must(admin.EnrolTOTP(ctx, ada))(t)
	code := must(totp.GenerateCode(enrol.Secret, time.Now()))(t)
	recovery := must(admin.VerifyTOTP(ctx, ada, code))(t)
	const extToken, extSecret = "exchange-token-7d1f0c2a9b", "exchange-secret-e83b51f6"
	var stored, apiToken map[string]any
	sendJSON(t, "PUT", srv.url+"/v1/users/"+ada+"/authentications/msexchange", session,
		`{"service_user": "ada", "access_token": "`+extToken+`", "access_secret": "`+extSecret+`"}`, &stored)
	postJSON(t, srv.url+"/v1/api-tokens/rotate", session, ``, &apiToken)

	secrets := map[string]string{
		"ada's password": adaPassword, "bob's password": bobPassword, "the session token": session,
		"the API key": key.Key, "the API key's secret": key.Key[len("wdn_")+32+1:], // wdn_<32 hex>_<secret>
		"the client secret": oc.ClientSecret, "the client-credentials token": cc["access_token"],
		"the grant's refresh token": grant.RefreshToken, "the rotated refresh token": refreshed["refresh_token"],
		"the refreshed access token": refreshed["access_token"], "the TOTP seed": enrol.Secret,
		"the external access token": extToken, "the external access secret": extSecret,
	}
	if tok, _ := apiToken["bearer_token"].(string); tok != "" {
		secrets["the API token's secret"] = tok[len("wdn_")+32+1:]
	}
	for i, c := range recovery {
		secrets["recovery code "+string(rune('a'+i))] = c
	}
	for name, v := range secrets {
		if len(v) < 8 {
			t.Fatalf("%s is %q: the flow did not mint it", name, v)
		}
	}

	// Responses after creation.
	for _, path := range []string{"/v1/users/" + ada, "/v1/users/" + ada + "/api-keys", "/v1/users/" + ada + "/grants",
		"/v1/users/" + ada + "/auth-methods", "/v1/users/" + ada + "/sessions", "/v1/service-accounts/" + sa.ID.String() + "/clients",
		"/v1/oauth-clients", "/v1/audit-events?limit=1000", "/v1/users?limit=1000",
		"/v1/users/" + ada + "/authentications", "/v1/api-tokens"} {
		body := getRaw(t, srv.url+path, session)
		for name, v := range secrets {
			if strings.Contains(body, v) {
				t.Errorf("GET %s shows %s", path, name)
			}
		}
	}

	srv.stop(t)
	logs := srv.logs.String()
	if !strings.Contains(logs, "level=DEBUG") && !strings.Contains(logs, "level=INFO") {
		t.Fatalf("no logs were captured: %q", logs)
	}
	files := must(filepath.Glob(filepath.Join(srv.data, "*")))(t)
	var db strings.Builder
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() {
			db.Write(must(os.ReadFile(f))(t))
		}
	}
	if !strings.Contains(db.String(), "bob@example.com") || !strings.Contains(logs, "/oauth/token") {
		t.Fatal("the database files or the logs were not what was read: they lack what they must hold")
	}
	for name, v := range secrets {
		if strings.Contains(logs, v) {
			t.Errorf("the logs show %s", name)
		}
		if strings.Contains(db.String(), v) {
			t.Errorf("the database files hold %s in plain text", name)
		}
	}
}

func tokenRequest(t *testing.T, base string, form url.Values) map[string]string {
	t.Helper()
	resp := must(http.PostForm(base+"/oauth/token", form))(t)
	defer resp.Body.Close()
	body := must(io.ReadAll(resp.Body))(t)
	if resp.StatusCode != 200 {
		t.Fatalf("token request: %d %s", resp.StatusCode, body)
	}
	var out map[string]any
	noErr(t, json.Unmarshal(body, &out))
	str := map[string]string{}
	for k, v := range out {
		if s, ok := v.(string); ok {
			str[k] = s
		}
	}
	return str
}

func postJSON(t *testing.T, u, token, body string, out any) {
	t.Helper()
	sendJSON(t, "POST", u, token, body, out)
}

func sendJSON(t *testing.T, method, u, token, body string, out any) {
	t.Helper()
	req := must(http.NewRequest(method, u, strings.NewReader(body)))(t)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	// Kept for retries: the answer, which shows a secret, is then stored too,
	// and must be stored sealed.
	req.Header.Set("Idempotency-Key", method+":"+u)
	resp := must(http.DefaultClient.Do(req))(t)
	defer resp.Body.Close()
	b := must(io.ReadAll(resp.Body))(t)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, u, resp.StatusCode, b)
	}
	noErr(t, json.Unmarshal(b, out))
}

func getRaw(t *testing.T, u, token string) string {
	t.Helper()
	req := must(http.NewRequest("GET", u, nil))(t)
	req.Header.Set("Authorization", "Bearer "+token)
	resp := must(http.DefaultClient.Do(req))(t)
	defer resp.Body.Close()
	b := must(io.ReadAll(resp.Body))(t)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return string(b)
}
