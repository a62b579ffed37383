package httpapi_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/wardenhq/warden/internal/iam"
)

func TestExternalAuthentications(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	ada := a.member(t, root, "ada2@example.com", "user")
	reader := a.member(t, root, "reader@example.com", "reader")
	boss := a.otherOrg(t, root, "Other Org", "boss@other.example")
	const token, secret = "exchange-access-token-5f2c9e1b", "exchange-access-secret-a41d77"
	mine := "/v1/users/" + ada.id + "/authentications"

	a.run(t, []scenario{
		{name: "the user stores their own", method: "PUT", path: mine + "/msexchange", token: ada.token,
			body: map[string]any{"service_user": "ada@exchange.example", "access_token": token, "access_secret": secret,
				"display_name": "Ada at Exchange", "access_token_expires": "2030-01-02T15:04:05", "access_secret_expires": nil},
			status: 201, has: []string{`"access_token_expires":"2030-01-02T15:04:05Z"`}, check: func(t *testing.T, r *resp) {
				if strings.Contains(string(r.body), token) || strings.Contains(string(r.body), secret) {
					t.Fatalf("the answer shows a token: %s", r.body)
				}
			}},
		{name: "and gets the tokens back", method: "GET", path: mine + "/msexchange", token: ada.token, status: 200,
			has: []string{`"access_token":"` + token + `"`, `"access_secret":"` + secret + `"`, `"service_user":"ada@exchange.example"`}},
		{name: "storing again replaces it", method: "PUT", path: mine + "/box", token: ada.token,
			body: map[string]any{"service_user": "ada", "access_token": "box-token"}, status: 201},
		{name: "as 200 the second time", method: "PUT", path: mine + "/box", token: ada.token,
			body: map[string]any{"service_user": "ada", "access_token": "box-token-2"}, status: 200},
		{name: "without a secret, access_secret is null", method: "GET", path: mine + "/box", token: ada.token, status: 200,
			has: []string{`"access_token":"box-token-2"`, `"access_secret":null`}},
		{name: "the list shows no token", method: "GET", path: mine, token: ada.token, status: 200,
			has: []string{`"service":"box"`, `"service":"msexchange"`, `"display_name":"Ada at Exchange"`}, check: func(t *testing.T, r *resp) {
				if strings.Contains(string(r.body), "token\"") || strings.Contains(string(r.body), token) || strings.Contains(string(r.body), "box-token") {
					t.Fatalf("the list shows a token: %s", r.body)
				}
			}},
		{name: "an administrator may read it", method: "GET", path: mine + "/msexchange", token: root.token, status: 200,
			has: []string{token}},
		{name: "a reader may not read another's", method: "GET", path: mine + "/msexchange", token: reader.token, status: 403, code: "forbidden"},
		{name: "nor list them", method: "GET", path: mine, token: reader.token, status: 403, code: "forbidden"},
		{name: "nor store one", method: "PUT", path: mine + "/evil", token: reader.token,
			body: map[string]any{"service_user": "x", "access_token": "x"}, status: 403, code: "forbidden"},
		{name: "another org does not find it", method: "GET", path: mine + "/msexchange", token: boss.token, status: 404, code: "not_found"},
		{name: "nor may delete it", method: "DELETE", path: mine + "/msexchange", token: boss.token, status: 404, code: "not_found"},
		{name: "an unknown service is not found", method: "GET", path: mine + "/dropbox", token: ada.token, status: 404, code: "not_found"},
		{name: "a token is required", method: "PUT", path: mine + "/drive", token: ada.token,
			body: map[string]any{"service_user": "ada"}, status: 400, code: "validation_failed", fields: []string{"access_token"}},
		{name: "a bad service name is refused", method: "PUT", path: mine + "/a%20b", token: ada.token,
			body: map[string]any{"service_user": "ada", "access_token": "x"}, status: 400, fields: []string{"service"}},
		{name: "a bad expiry is named", method: "PUT", path: mine + "/drive", token: ada.token,
			body:   map[string]any{"service_user": "ada", "access_token": "x", "access_token_expires": "tomorrow"},
			status: 400, fields: []string{"access_token_expires"}},
		{name: "the user deletes one", method: "DELETE", path: mine + "/box", token: ada.token, status: 204},
		{name: "which is gone", method: "GET", path: mine + "/box", token: ada.token, status: 404, code: "not_found"},
	})

	t.Run("the tokens are in no audit event, and the events are there", func(t *testing.T) {
		r := a.do(t, req{method: "GET", path: "/v1/audit-events?limit=1000", token: root.token}).want(t, 200)
		if bytes.Contains(r.body, []byte(token)) || bytes.Contains(r.body, []byte(secret)) || bytes.Contains(r.body, []byte("box-token")) {
			t.Fatalf("the audit log holds a token: %s", r.body)
		}
		for _, action := range []string{"authentication.stored", "authentication.deleted"} {
			if !bytes.Contains(r.body, []byte(`"`+action+`"`)) {
				t.Errorf("no %s event", action)
			}
		}
	})
	t.Run("the store holds the tokens sealed", func(t *testing.T) {
		got, err := a.store.GetExternalAuth(context.Background(), iam.MustParseID(ada.org), iam.MustParseID(ada.id), "msexchange")
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(got.SealedToken, []byte(token)) || bytes.Contains(got.SealedSecret, []byte(secret)) || len(got.SealedSecret) == 0 {
			t.Fatalf("stored as %q / %q", got.SealedToken, got.SealedSecret)
		}
	})
	t.Run("they go with the user", func(t *testing.T) {
		a.do(t, req{method: "DELETE", path: "/v1/users/" + ada.id, token: root.token}).want(t, 204)
		list, err := a.store.ListExternalAuths(context.Background(), iam.MustParseID(ada.org), iam.MustParseID(ada.id))
		if err != nil || len(list) != 0 {
			t.Fatalf("left behind: %v %v", list, err)
		}
	})
}

func TestIdentityLinksAndExtID(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	ada := a.member(t, root, "ada2@example.com", "user")
	bob := a.member(t, root, "bob@example.com", "user")
	boss := a.otherOrg(t, root, "Other Org", "boss@other.example")
	app := a.appClient(t, root, "portal", true)
	noPassword := a.appClient(t, root, "plain", false)
	theirApp := a.appClient(t, boss, "their portal", true)
	const issuer = "https://login.example.com"
	const esc = "https%3A%2F%2Flogin.example.com" // one path segment
	adaLinks := "/v1/users/" + ada.id + "/identities"

	a.run(t, []scenario{
		{name: "an administrator links ada's identity", method: "PUT", path: adaLinks + "/" + esc, token: root.token,
			body: map[string]string{"subject": "ada-1"}, status: 201, has: []string{`"issuer":"` + issuer + `"`, `"subject":"ada-1"`}},
		{name: "linking the same again is 200", method: "PUT", path: adaLinks + "/" + esc, token: root.token,
			body: map[string]string{"subject": "ada-1"}, status: 200},
		{name: "ada sees it", method: "GET", path: adaLinks, token: ada.token, status: 200, has: []string{`"subject":"ada-1"`}},
		{name: "by its escaped issuer", method: "GET", path: adaLinks + "/" + esc, token: ada.token, status: 200, has: []string{issuer}},
		{name: "ada may not link herself", method: "PUT", path: adaLinks + "/msexchange", token: ada.token,
			body: map[string]string{"subject": "ada"}, status: 403, code: "forbidden"},
		{name: "bob may not see ada's", method: "GET", path: adaLinks, token: bob.token, status: 403, code: "forbidden"},
		{name: "the same identity for bob is 409", method: "PUT", path: "/v1/users/" + bob.id + "/identities/" + esc, token: root.token,
			body: map[string]string{"subject": "ada-1"}, status: 409, code: "conflict", fields: []string{"subject"}},
		{name: "another org does not find ada", method: "PUT", path: adaLinks + "/" + esc, token: boss.token,
			body: map[string]string{"subject": "x"}, status: 404, code: "not_found"},
		{name: "a subject is required", method: "PUT", path: adaLinks + "/idp", token: root.token,
			body: map[string]string{}, status: 400, fields: []string{"subject"}},
	})

	t.Run("ext_id yields tokens of the linked user", func(t *testing.T) {
		tok := a.form(t, "/oauth/token", &app, "grant_type", "ext_id", "auth_service", issuer, "auth_user", "ada-1").want(t, 200).token(t)
		if tok.AccessToken == "" || tok.RefreshToken == "" {
			t.Fatalf("tokens %+v", tok)
		}
		if w := whoami(t, a, tok.AccessToken); w["internal_user_id"] != ada.id {
			t.Fatalf("whoami %v, want %s", w, ada.id)
		}
		a.do(t, req{method: "GET", path: "/v1/users/" + ada.id, token: tok.AccessToken}).want(t, 200)
		next := a.form(t, "/oauth/token", &app, "grant_type", "refresh_token", "refresh_token", tok.RefreshToken).want(t, 200).token(t)
		if whoami(t, a, next.AccessToken)["internal_user_id"] != ada.id {
			t.Fatal("the refreshed token is not ada's")
		}
		a.do(t, req{method: "GET", path: "/v1/users/" + ada.id + "/grants", token: ada.token}).want(t, 200).has(t, `"type":"ext_id"`)
	})
	t.Run("an unknown link is invalid_grant", func(t *testing.T) {
		a.form(t, "/oauth/token", &app, "grant_type", "ext_id", "auth_service", issuer, "auth_user", "nobody").wantOAuth(t, 400, "invalid_grant")
		a.form(t, "/oauth/token", &app, "grant_type", "ext_id", "auth_service", "other-idp", "auth_user", "ada-1").wantOAuth(t, 400, "invalid_grant")
	})
	t.Run("another org's client does not find the link", func(t *testing.T) {
		a.form(t, "/oauth/token", &theirApp, "grant_type", "ext_id", "auth_service", issuer, "auth_user", "ada-1").wantOAuth(t, 400, "invalid_grant")
	})
	t.Run("a client without allow_password may not", func(t *testing.T) {
		a.form(t, "/oauth/token", &noPassword, "grant_type", "ext_id", "auth_service", issuer, "auth_user", "ada-1").
			wantOAuth(t, 400, "unauthorized_client")
	})
	t.Run("no client may not", func(t *testing.T) {
		a.form(t, "/oauth/token", nil, "grant_type", "ext_id", "auth_service", issuer, "auth_user", "ada-1").wantOAuth(t, 400, "invalid_client")
	})
	t.Run("both fields are required", func(t *testing.T) {
		a.form(t, "/oauth/token", &app, "grant_type", "ext_id", "auth_service", issuer).wantOAuth(t, 400, "invalid_request")
	})
	t.Run("unlinked, it is invalid_grant", func(t *testing.T) {
		a.do(t, req{method: "DELETE", path: adaLinks + "/" + esc, token: ada.token}).want(t, 204)
		a.do(t, req{method: "GET", path: adaLinks + "/" + esc, token: ada.token}).want(t, 404, "not_found")
		a.form(t, "/oauth/token", &app, "grant_type", "ext_id", "auth_service", issuer, "auth_user", "ada-1").wantOAuth(t, 400, "invalid_grant")
		// and the identity is free for bob
		a.do(t, req{method: "PUT", path: "/v1/users/" + bob.id + "/identities/" + esc, token: root.token,
			body: map[string]string{"subject": "ada-1"}}).want(t, 201)
	})
	t.Run("the audit log records links", func(t *testing.T) {
		r := a.do(t, req{method: "GET", path: "/v1/audit-events?limit=1000", token: root.token}).want(t, 200)
		for _, action := range []string{"identity.linked", "identity.unlinked"} {
			if !bytes.Contains(r.body, []byte(`"`+action+`"`)) {
				t.Errorf("no %s event", action)
			}
		}
	})
}
