package sailpoint_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	sdk "github.com/sailpoint-oss/golang-sdk/v2"
	v3 "github.com/sailpoint-oss/golang-sdk/v2/api_v3"
	"golang.org/x/oauth2"

	"github.com/wardenhq/warden/internal/compat/sailpoint"
	"github.com/wardenhq/warden/internal/httpapi"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
	"github.com/wardenhq/warden/internal/stacktest"
)

const rootPassword = "vLq8-Pz3!mW2#tK9-warden"

// world is a running Warden with one organization: its administrator, a
// user to look at, and contract-checking HTTP.
type world struct {
	st         *stacktest.Stack
	ct         *contractTransport
	http       *http.Client
	orgID      iam.ID
	rootID     iam.ID
	rootToken  string
	admin      context.Context // acting as the administrator
	userID     iam.ID
	otherOrgID iam.ID // another organization, and its administrator
	otherUser  iam.ID
}

func newWorld(t *testing.T, cfg httpapi.Config) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{st: stacktest.New(t, cfg, sailpoint.Mount), ct: newContractTransport(t)}
	w.http = &http.Client{Transport: w.ct}
	var err error
	w.orgID, w.rootID, err = w.st.Svc.Auth.Signup(ctx, service.Signup{OrgName: "acme", Email: "root@acme.test",
		Password: rootPassword, FullName: "Root Admin"})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := w.st.Svc.Auth.Login(ctx, service.Login{Login: "root@acme.test", Password: rootPassword})
	if err != nil {
		t.Fatal(err)
	}
	w.rootToken = sess.Token
	p, err := w.st.Svc.Auth.Authenticate(ctx, sess.Token)
	if err != nil {
		t.Fatal(err)
	}
	w.admin = iam.WithPrincipal(ctx, p)
	u, err := w.st.Svc.Users.Create(w.admin, service.NewUser{Email: "will.smith@acme.test", Username: "will.smith",
		FirstName: "Will", LastName: "Smith", Password: "another-Long-passphrase-42"})
	if err != nil {
		t.Fatal(err)
	}
	w.userID = u.ID
	other, err := w.st.Svc.Orgs.Create(w.admin, service.NewOrg{Name: "globex",
		Admin: &service.NewUser{Email: "boss@globex.test", FirstName: "Hank"}})
	if err != nil {
		t.Fatal(err)
	}
	w.otherOrgID = other.ID
	us, err := w.st.Store.ListUsers(ctx, other.ID, iam.UserFilter{Page: iam.Page{Limit: 10}})
	if err != nil || len(us) != 1 {
		t.Fatalf("other org's users: %v %v", us, err)
	}
	w.otherUser = us[0].ID
	return w
}

// serviceClient creates a service account holding the given capability
// roles at org scope, and an OAuth client of it.
func (w *world) serviceClient(t *testing.T, name string, roles ...string) (id, secret string) {
	t.Helper()
	sa, err := w.st.Svc.ServiceAccounts.Create(w.admin, name, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if _, err := w.st.Svc.Bindings.Create(w.admin, service.NewBinding{SubjectType: iam.SubjectServiceAccount,
			SubjectID: sa.ID, Role: r, ScopeType: iam.ScopeOrg}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := w.st.Svc.ServiceAccounts.CreateClient(w.admin, sa.ID, name+" client")
	if err != nil {
		t.Fatal(err)
	}
	return c.Client.ID.String(), c.Secret
}

// sdkClient is SailPoint's published Go client, configured as its README
// says, talking through the contract check.
func (w *world) sdkClient(clientID, secret string) *sdk.APIClient {
	cfg := sdk.NewConfiguration(sdk.ClientConfiguration{BaseURL: w.st.URL, TokenURL: w.st.URL + "/oauth/token",
		ClientId: clientID, ClientSecret: secret})
	hc := retryablehttp.NewClient()
	hc.RetryMax = 0
	hc.Logger = nil
	hc.HTTPClient.Transport = w.ct
	cfg.HTTPClient = hc
	return sdk.NewAPIClient(cfg)
}

// sdkError is the ErrorResponseDto the SDK decoded from an error answer.
func sdkError(t *testing.T, err error, res *http.Response, status int) v3.ErrorResponseDto {
	t.Helper()
	var ge *v3.GenericOpenAPIError
	if !errors.As(err, &ge) {
		t.Fatalf("got %v (%T), want the SDK's GenericOpenAPIError", err, err)
	}
	if res == nil || res.StatusCode != status {
		t.Fatalf("status %v, want %d: %s", res, status, ge.Body())
	}
	dto, ok := ge.Model().(v3.ErrorResponseDto)
	if !ok {
		t.Fatalf("model %T, want ErrorResponseDto", ge.Model())
	}
	if len(dto.GetTrackingId()) != 32 || len(dto.Messages) == 0 || dto.Messages[0].GetText() == "" {
		t.Fatalf("error body %s", ge.Body())
	}
	return dto
}

func replaceCapabilities(caps ...string) []v3.JsonPatchOperation {
	arr := make([]v3.ArrayInner, len(caps))
	for i := range caps {
		arr[i] = v3.ArrayInner{String: &caps[i]}
	}
	op := v3.NewJsonPatchOperation("replace", "/capabilities")
	op.SetValue(v3.ArrayOfArrayInnerAsJsonPatchOperationValue(&arr))
	return []v3.JsonPatchOperation{*op}
}

func TestSDKGetsAndPatchesAuthUsers(t *testing.T) {
	w := newWorld(t, httpapi.Config{})
	ctx := context.Background()
	cid, secret := w.serviceClient(t, "provisioner", "ORG_ADMIN")
	sp := w.sdkClient(cid, secret)
	id := w.userID.Hex()

	t.Run("GET returns the auth user", func(t *testing.T) {
		u, res, err := sp.V3.AuthUsersAPI.GetAuthUser(ctx, id).Execute()
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 || u.GetId() != id || u.GetUid() != "will.smith" || u.GetAlias() != "will.smith" ||
			u.GetFirstname() != "Will" || u.GetLastname() != "Smith" || u.GetEmail() != "will.smith@acme.test" ||
			u.GetDisplayName() != "Will Smith" || u.GetTenant() != "acme" || len(u.GetCapabilities()) != 0 {
			t.Fatalf("auth user %+v", u)
		}
		if u.LastPasswordChangeDate.Get() == nil || time.Since(u.LastPasswordChangeDate.Get().Time) > time.Hour {
			t.Fatalf("lastPasswordChangeDate %v", u.LastPasswordChangeDate.Get())
		}
		if u.LastLoginTimestamp != nil {
			t.Fatalf("a user who never logged in has lastLoginTimestamp %d", *u.LastLoginTimestamp)
		}
		if len(u.AdditionalProperties) != 0 {
			t.Fatalf("fields the SDK does not know: %v", u.AdditionalProperties)
		}
	})

	t.Run("lastLoginTimestamp is epoch milliseconds", func(t *testing.T) {
		before := time.Now().Add(-time.Second)
		if _, err := w.st.Svc.Auth.Login(ctx, service.Login{Login: "will.smith", Password: "another-Long-passphrase-42"}); err != nil {
			t.Fatal(err)
		}
		u, _, err := sp.V3.AuthUsersAPI.GetAuthUser(ctx, id).Execute()
		if err != nil {
			t.Fatal(err)
		}
		ms := u.GetLastLoginTimestamp()
		if at := time.UnixMilli(ms); at.Before(before) || at.After(time.Now().Add(time.Second)) {
			t.Fatalf("lastLoginTimestamp %d is not the login's time in ms", ms)
		}
	})

	t.Run("PATCH replaces the capabilities", func(t *testing.T) {
		u, res, err := sp.V3.AuthUsersAPI.PatchAuthUser(ctx, id).
			JsonPatchOperation(replaceCapabilities("CERT_ADMIN", "REPORT_ADMIN")).Execute()
		if err != nil {
			t.Fatal(err)
		}
		got := u.GetCapabilities()
		slices.Sort(got)
		if res.StatusCode != 200 || !slices.Equal(got, []string{"CERT_ADMIN", "REPORT_ADMIN"}) || u.GetUid() != "will.smith" {
			t.Fatalf("patched %+v", u)
		}
		caps, err := w.st.Svc.Users.Capabilities(w.admin, w.userID)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(caps)
		if !slices.Equal(caps, got) {
			t.Fatalf("stored capabilities %v", caps)
		}
		u, _, err = sp.V3.AuthUsersAPI.GetAuthUser(ctx, id).Execute()
		if err != nil || len(u.GetCapabilities()) != 2 {
			t.Fatalf("after patch: %+v %v", u, err)
		}
	})

	t.Run("PATCH of anything but capabilities is an illegal update", func(t *testing.T) {
		name := "William"
		op := v3.NewJsonPatchOperation("replace", "/firstname")
		op.SetValue(v3.StringAsJsonPatchOperationValue(&name))
		_, res, err := sp.V3.AuthUsersAPI.PatchAuthUser(ctx, id).JsonPatchOperation([]v3.JsonPatchOperation{*op}).Execute()
		dto := sdkError(t, err, res, 400)
		if dto.GetDetailCode() != "400.1.1 Illegal update attempt" {
			t.Fatalf("detailCode %q", dto.GetDetailCode())
		}
		if u, _ := w.st.Svc.Users.Get(w.admin, w.userID); u.FirstName != "Will" {
			t.Fatalf("first name changed to %q", u.FirstName)
		}
	})

	t.Run("an unknown capability is a 400", func(t *testing.T) {
		_, res, err := sp.V3.AuthUsersAPI.PatchAuthUser(ctx, id).JsonPatchOperation(replaceCapabilities("GOD_MODE")).Execute()
		dto := sdkError(t, err, res, 400)
		if dto.GetDetailCode() != "400.1 Bad Request Content" || len(dto.Causes) == 0 {
			t.Fatalf("error %+v", dto)
		}
	})

	t.Run("unknown and other organizations' users are not found", func(t *testing.T) {
		for _, id := range []string{iam.ID{1, 2, 3}.Hex(), w.otherUser.Hex(), "not-an-id"} {
			_, res, err := sp.V3.AuthUsersAPI.GetAuthUser(ctx, id).Execute()
			if dto := sdkError(t, err, res, 404); dto.GetDetailCode() != "404 Not found" {
				t.Fatalf("detailCode %q", dto.GetDetailCode())
			}
			_, res, err = sp.V3.AuthUsersAPI.PatchAuthUser(ctx, id).JsonPatchOperation(replaceCapabilities("HELPDESK")).Execute()
			sdkError(t, err, res, 404)
		}
	})

	t.Run("the audit log records the surface", func(t *testing.T) {
		var out struct {
			Events []struct {
				Action  string `json:"action"`
				Surface string `json:"surface"`
				Target  struct {
					ID string `json:"id"`
				} `json:"target"`
				Actor struct {
					Type string `json:"type"`
				} `json:"actor"`
			} `json:"events"`
		}
		req, _ := http.NewRequest("GET", w.st.URL+"/v1/audit-events?action=user.capabilities_changed", nil)
		req.Header.Set("Authorization", "Bearer "+w.rootToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 200 {
			t.Fatalf("%d %v", res.StatusCode, err)
		}
		if len(out.Events) != 1 || out.Events[0].Surface != sailpoint.Surface || out.Events[0].Target.ID != w.userID.String() ||
			out.Events[0].Actor.Type != "service_account" {
			t.Fatalf("events %+v", out.Events)
		}
	})

	for _, k := range []string{"GET 200", "PATCH 200", "PATCH 400", "GET 404", "PATCH 404"} {
		if !w.ct.seen[k] {
			t.Errorf("the contract check never saw %s", k)
		}
	}
}

func TestSDKCapabilitiesDecideAccess(t *testing.T) {
	w := newWorld(t, httpapi.Config{})
	ctx := context.Background()
	id := w.userID.Hex()

	t.Run("a reader's capability reads but does not patch", func(t *testing.T) {
		sp := w.sdkClient(w.serviceClient(t, "auditor", "CERT_ADMIN"))
		if _, _, err := sp.V3.AuthUsersAPI.GetAuthUser(ctx, id).Execute(); err != nil {
			t.Fatal(err)
		}
		_, res, err := sp.V3.AuthUsersAPI.PatchAuthUser(ctx, id).JsonPatchOperation(replaceCapabilities("ORG_ADMIN")).Execute()
		if dto := sdkError(t, err, res, 403); dto.GetDetailCode() != "403 Forbidden" {
			t.Fatalf("detailCode %q", dto.GetDetailCode())
		}
	})
	t.Run("a service account without a role reads nothing", func(t *testing.T) {
		sp := w.sdkClient(w.serviceClient(t, "nobody"))
		_, res, err := sp.V3.AuthUsersAPI.GetAuthUser(ctx, id).Execute()
		sdkError(t, err, res, 403)
	})
	t.Run("a wrong client secret gets no token, so a 401", func(t *testing.T) {
		cid, _ := w.serviceClient(t, "wrong", "ORG_ADMIN")
		sp := w.sdkClient(cid, "wsc_not-the-secret")
		_, res, err := sp.V3.AuthUsersAPI.GetAuthUser(ctx, id).Execute()
		if err == nil || res == nil || res.StatusCode != 401 {
			t.Fatalf("got %v %v", res, err)
		}
	})
}

// TestSDKRefreshToken drives the refresh_token grant through the SDK's
// own OAuth 2.0 hook: a golang.org/x/oauth2 token source in the context
// under v3.ContextOAuth2 (ClientConfiguration itself takes only client
// credentials or a fixed token).
func TestSDKRefreshToken(t *testing.T) {
	w := newWorld(t, httpapi.Config{})
	ctx := context.Background()
	client, secret, err := w.st.Svc.OAuthClients.Create(w.admin, "console", true)
	if err != nil {
		t.Fatal(err)
	}
	conf := &oauth2.Config{ClientID: client.ID.String(), ClientSecret: secret,
		Endpoint: oauth2.Endpoint{TokenURL: w.st.URL + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams}}
	first, err := conf.PasswordCredentialsToken(ctx, "root@acme.test", rootPassword)
	if err != nil {
		t.Fatal(err)
	}
	if first.RefreshToken == "" {
		t.Fatal("no refresh token")
	}
	// Only the refresh token: the source must use the refresh_token grant
	// before the first call.
	src := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: first.RefreshToken})
	sp := w.sdkClient("", "")
	u, _, err := sp.V3.AuthUsersAPI.GetAuthUser(context.WithValue(ctx, v3.ContextOAuth2, src), w.rootID.Hex()).Execute()
	if err != nil {
		t.Fatal(err)
	}
	if u.GetId() != w.rootID.Hex() || u.GetUid() != "root@acme.test" || u.GetDisplayName() != "Root Admin" {
		t.Fatalf("auth user %+v", u)
	}
	now, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	if now.RefreshToken == "" || now.RefreshToken == first.RefreshToken || now.AccessToken == first.AccessToken {
		t.Fatalf("the refresh did not rotate: %+v", now)
	}

	t.Run("the spent refresh token is refused on the wire", func(t *testing.T) {
		res, err := http.PostForm(w.st.URL+"/oauth/token", url.Values{"grant_type": {"refresh_token"},
			"refresh_token": {first.RefreshToken}, "client_id": {conf.ClientID}, "client_secret": {secret}})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body struct {
			Error string `json:"error"`
		}
		json.NewDecoder(res.Body).Decode(&body)
		if res.StatusCode != 400 || body.Error != "invalid_grant" {
			t.Fatalf("%d %+v", res.StatusCode, body)
		}
	})
}

// raw sends one request to the surface through the contract check.
func (w *world) raw(t *testing.T, method, path, token, ctype, body string) (int, http.Header, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, w.st.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := w.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: %d, body not a JSON object: %v", method, path, res.StatusCode, err)
	}
	return res.StatusCode, res.Header, out
}

// token gets a client_credentials access token on the wire.
func (w *world) token(t *testing.T, roles ...string) string {
	t.Helper()
	cid, secret := w.serviceClient(t, "wire-"+strings.Join(roles, "-"), roles...)
	res, err := http.PostForm(w.st.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {cid}, "client_secret": {secret}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || res.StatusCode != 200 || tok.AccessToken == "" ||
		!strings.EqualFold(tok.TokenType, "bearer") || tok.ExpiresIn <= 0 {
		t.Fatalf("token: %d %+v %v", res.StatusCode, tok, err)
	}
	return tok.AccessToken
}

func TestWireErrors(t *testing.T) {
	w := newWorld(t, httpapi.Config{})
	tok := w.token(t, "ORG_ADMIN")
	path := "/v3/auth-users/" + w.userID.Hex()
	const patchType = "application/json-patch+json"

	unauth := []struct{ name, token string }{
		{"no token", ""},
		{"a token that is not a JWT", "garbage"},
		{"a forged JWT", "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln"},
	}
	for _, c := range unauth {
		t.Run(c.name+" is a 401", func(t *testing.T) {
			status, _, body := w.raw(t, "GET", path, c.token, "", "")
			msg, _ := body["error"].(string)
			if status != 401 || !strings.HasPrefix(msg, "JWT validation failed: ") {
				t.Fatalf("%d %v", status, body)
			}
		})
	}
	t.Run("an expired token is a 401", func(t *testing.T) {
		w.st.Clock.Advance(2 * time.Hour)
		defer w.st.Clock.Advance(-2 * time.Hour)
		status, _, body := w.raw(t, "GET", path, tok, "", "")
		if status != 401 || !strings.HasPrefix(body["error"].(string), "JWT validation failed: ") {
			t.Fatalf("%d %v", status, body)
		}
	})

	bad := []struct {
		name, ctype, body, detail string
	}{
		{"a merge patch", "application/merge-patch+json", `{"capabilities":["HELPDESK"]}`, "400.1 Bad Request Content"},
		{"plain JSON", "application/json", `[{"op":"replace","path":"/capabilities","value":["HELPDESK"]}]`, "400.1 Bad Request Content"},
		{"no body", patchType, ``, "400.1 Bad Request Content"},
		{"an object", patchType, `{"op":"replace"}`, "400.1 Bad Request Content"},
		{"broken JSON", patchType, `[{"op":`, "400.1 Bad Request Content"},
		{"an unknown op", patchType, `[{"op":"merge","path":"/capabilities","value":[]}]`, "400.1 Bad Request Content"},
		{"no path", patchType, `[{"op":"replace","value":[]}]`, "400.1 Bad Request Content"},
		{"no value", patchType, `[{"op":"replace","path":"/capabilities"}]`, "400.1 Bad Request Content"},
		{"a string for capabilities", patchType, `[{"op":"replace","path":"/capabilities","value":"HELPDESK"}]`, "400.1 Bad Request Content"},
		{"numbers for capabilities", patchType, `[{"op":"replace","path":"/capabilities","value":[1,2]}]`, "400.1 Bad Request Content"},
		{"a failing test", patchType, `[{"op":"test","path":"/capabilities","value":["ORG_ADMIN"]}]`, "400.1 Bad Request Content"},
		{"an index out of range", patchType, `[{"op":"remove","path":"/capabilities/7"}]`, "400.1 Bad Request Content"},
		{"an email change", patchType, `[{"op":"replace","path":"/email","value":"x@acme.test"}]`, "400.1.1 Illegal update attempt"},
		{"a copy from another field", patchType, `[{"op":"copy","from":"/email","path":"/capabilities/-"}]`, "400.1.1 Illegal update attempt"},
		{"the root", patchType, `[{"op":"replace","path":"","value":{}}]`, "400.1.1 Illegal update attempt"},
		{"one legal and one illegal", patchType, `[{"op":"add","path":"/capabilities/-","value":"HELPDESK"},{"op":"remove","path":"/lastname"}]`, "400.1.1 Illegal update attempt"},
	}
	for _, c := range bad {
		t.Run(c.name+" is a 400", func(t *testing.T) {
			status, _, body := w.raw(t, "PATCH", path, tok, c.ctype, c.body)
			if status != 400 || body["detailCode"] != c.detail {
				t.Fatalf("%d %v", status, body)
			}
		})
	}
	if caps, _ := w.st.Svc.Users.Capabilities(w.admin, w.userID); len(caps) != 0 {
		t.Fatalf("a refused patch changed capabilities: %v", caps)
	}

	t.Run("add, remove and test patch the list", func(t *testing.T) {
		status, _, body := w.raw(t, "PATCH", path, tok, patchType+"; charset=utf-8",
			`[{"op":"add","path":"/capabilities/-","value":"HELPDESK"},{"op":"add","path":"/capabilities/-","value":"ROLE_ADMIN"},`+
				`{"op":"test","path":"/capabilities/0","value":"HELPDESK"},{"op":"remove","path":"/capabilities/0"}]`)
		if status != 200 || !slices.Equal(toStrings(body["capabilities"]), []string{"ROLE_ADMIN"}) {
			t.Fatalf("%d %v", status, body)
		}
		status, _, body = w.raw(t, "PATCH", path, tok, patchType, `[{"op":"remove","path":"/capabilities"}]`)
		if status != 200 || len(toStrings(body["capabilities"])) != 0 {
			t.Fatalf("%d %v", status, body)
		}
	})

	t.Run("other paths and methods", func(t *testing.T) {
		if status, _, body := w.raw(t, "GET", "/v3/identities", tok, "", ""); status != 404 || body["detailCode"] != "404 Not found" {
			t.Fatalf("%d %v", status, body)
		}
		if status, _, body := w.raw(t, "GET", "/v3/auth-users/"+w.userID.Hex()+"/extra", tok, "", ""); status != 404 {
			t.Fatalf("%d %v", status, body)
		}
		status, h, body := w.raw(t, "DELETE", path, tok, "", "")
		if status != 405 || h.Get("Allow") == "" || body["detailCode"] == nil {
			t.Fatalf("%d %v", status, body)
		}
	})

	t.Run("an oversized body is a 400", func(t *testing.T) {
		big := `[{"op":"add","path":"/capabilities/-","value":"` + strings.Repeat("A", 2<<20) + `"}]`
		status, _, body := w.raw(t, "PATCH", path, tok, patchType, big)
		if status != 400 {
			t.Fatalf("%d %v", status, body)
		}
	})
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestRateLimit(t *testing.T) {
	w := newWorld(t, httpapi.Config{RateLimit: 0.01, RateBurst: 3})
	tok := w.token(t, "ORG_ADMIN")
	path := "/v3/auth-users/" + w.userID.Hex()
	var status int
	var h http.Header
	var body map[string]any
	for range 10 {
		if status, h, body = w.raw(t, "GET", path, tok, "", ""); status != 200 {
			break
		}
	}
	if status != 429 || h.Get("Retry-After") == "" || body["message"] != " Rate Limit Exceeded " {
		t.Fatalf("%d %v %v", status, h, body)
	}
}
