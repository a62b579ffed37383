package argus_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/compat/argus"
	"github.com/wardenhq/warden/internal/httpapi"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
	"github.com/wardenhq/warden/internal/stacktest"
)

const password = "correct horse battery staple"

// world is a stack with two organizations: Analytical (admin ada, user
// carl) and Babbage (admin bob).
type world struct {
	*stacktest.Stack
	t                 *testing.T
	ada, carl, bob    *iam.User
	adaToken, carlTok string
	orgA, orgB        iam.ID
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st := stacktest.New(t, httpapi.Config{}, argus.Mount)
	w := &world{Stack: st, t: t}
	ctx := context.Background()
	orgA, adaID, err := st.Svc.Auth.Signup(ctx, service.Signup{Email: "ada@example.com", Password: password,
		FullName: "Ada Lovelace", OrgName: "Analytical"})
	if err != nil {
		t.Fatal(err)
	}
	w.orgA = orgA
	w.adaToken = w.login("ada@example.com")
	admin := w.as(w.adaToken)
	// ada's username, set so that paths may name her by it.
	if _, err := st.Svc.Users.Update(admin, adaID, func(u *service.UserUpdate) error { u.Username = "ada"; return nil }); err != nil {
		t.Fatal(err)
	}
	if w.ada, err = st.Svc.Users.Get(admin, adaID); err != nil {
		t.Fatal(err)
	}
	if w.carl, err = st.Svc.Users.Create(admin, service.NewUser{Email: "carl@example.com", Username: "carl",
		FullName: "Carl Friedrich", Password: password}); err != nil {
		t.Fatal(err)
	}
	w.carlTok = w.login("carl@example.com")
	orgB, err := st.Svc.Orgs.Create(admin, service.NewOrg{Name: "Babbage", Admin: &service.NewUser{Email: "bob@example.com",
		Username: "bob", FullName: "Bob", Password: password}})
	if err != nil {
		t.Fatal(err)
	}
	w.orgB = orgB.ID
	bobTok := w.login("bob@example.com")
	if w.bob, err = st.Svc.Users.Current(w.as(bobTok)); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) login(email string) string {
	w.t.Helper()
	s, err := w.Svc.Auth.Login(context.Background(), service.Login{Login: email, Password: password})
	if err != nil {
		w.t.Fatal(err)
	}
	return s.Token
}

func (w *world) as(token string) context.Context {
	w.t.Helper()
	ctx := iam.WithRequest(context.Background(), iam.Request{IP: "127.0.0.1", Surface: "test"})
	p, err := w.Svc.Auth.Authenticate(ctx, token)
	if err != nil {
		w.t.Fatal(err)
	}
	return iam.WithPrincipal(ctx, p)
}

// envelope is what the Python client reads, with the types it expects.
type envelope struct {
	ResponseCode int             `json:"responseCode"`
	Limit        int             `json:"limit"`
	Offset       int             `json:"offset"`
	Count        int             `json:"count"`
	Size         int             `json:"size"`
	Data         json.RawMessage `json:"data"`
	MetaData     map[string]any  `json:"metaData"`
	Messages     []struct {
		Message         string `json:"message"`
		MessageTemplate string `json:"messageTemplate"`
		Type            string `json:"type"`
		Field           string `json:"field"`
		Timestamp       int64  `json:"timestamp"`
	} `json:"messages"`
	CurrentPage int `json:"currentPage"`
}

type response struct {
	status  int
	env     envelope
	cookies []*http.Cookie
	header  http.Header
}

// call sends what the Python client sends: the method, a JSON body, and
// the given headers and cookies.
func (w *world) call(method, path string, body any, headers map[string]string, cookies ...*http.Cookie) response {
	w.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			w.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, w.URL+path, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("User-Agent", "ArgusAPI/2.0.0")
	req.Header.Set("content", "application/json") // as argus_api sets it
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header[k] = []string{v} // exactly as spelled
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out response
	out.status, out.cookies, out.header = res.StatusCode, res.Cookies(), res.Header
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		w.t.Fatalf("%s %s: Content-Type %q, body %s", method, path, ct, raw)
	}
	// Every answer is the whole envelope, with these members and types.
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		w.t.Fatalf("%s %s: not JSON: %s", method, path, raw)
	}
	for _, m := range []string{"responseCode", "limit", "offset", "count", "size", "data", "metaData", "messages", "currentPage"} {
		if _, ok := members[m]; !ok {
			w.t.Fatalf("%s %s: envelope lacks %q: %s", method, path, m, raw)
		}
	}
	if err := json.Unmarshal(raw, &out.env); err != nil {
		w.t.Fatalf("%s %s: envelope types: %v: %s", method, path, err, raw)
	}
	if out.env.ResponseCode != res.StatusCode {
		w.t.Fatalf("%s %s: responseCode %d, status %d", method, path, out.env.ResponseCode, res.StatusCode)
	}
	return out
}

func (r response) want(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %+v data=%s", r.status, status, r.env.Messages, r.env.Data)
	}
	if status >= 400 && (len(r.env.Messages) == 0 || r.env.Messages[0].Message == "" || r.env.Messages[0].Timestamp == 0) {
		t.Fatalf("error %d without a message: %+v", status, r.env)
	}
	if status < 400 && len(r.env.Messages) != 0 {
		t.Fatalf("success with messages: %+v", r.env.Messages)
	}
	return r
}

func (r response) data(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.env.Data, v); err != nil {
		t.Fatalf("data %s: %v", r.env.Data, err)
	}
}

func (r response) message() string {
	if len(r.env.Messages) == 0 {
		return ""
	}
	return r.env.Messages[0].Message
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

// apiKey sends the key as argus_api does: the header Argus-Api-Key.
func apiKey(key string) map[string]string { return map[string]string{"Argus-Api-Key": key} }

type keyData struct {
	ID                int64              `json:"id"`
	Prefix            string             `json:"prefix"`
	User              struct{ ID int64 } `json:"user"`
	Description       string             `json:"description"`
	ValidSources      []string           `json:"validSources"`
	CreatedTimestamp  int64              `json:"createdTimestamp"`
	ExpiresTimestamp  int64              `json:"expiresTimestamp"`
	LastUsedTimestamp int64              `json:"lastUsedTimestamp"`
	LastUsedIP        string             `json:"lastUsedIP"`
	APIKey            string             `json:"apiKey"`
}

// initiate creates a key for user through the surface, as ada (bearer).
func (w *world) initiate(token, user string, body any) keyData {
	w.t.Helper()
	var k keyData
	w.call("POST", "/authentication/v1/user/"+user+"/apikey", body, bearer(token)).want(w.t, http.StatusCreated).data(w.t, &k)
	return k
}

func TestPasswordSessionAndCSRF(t *testing.T) {
	w := newWorld(t)
	auth := map[string]any{"userName": "ada", "domain": "ANALYTICAL", "password": password, "requestedAuthorizations": []string{}}
	res := w.call("POST", "/authentication/v1/password/authenticate", auth, nil).want(t, http.StatusOK)
	var data struct {
		ID         int64  `json:"id"`
		Username   string `json:"username"`
		UserName   string `json:"userName"`
		Cookie     string `json:"cookie"`
		SessionKey string `json:"sessionKey"`
		Domain     struct {
			Name string `json:"name"`
		} `json:"domain"`
	}
	res.data(t, &data)
	if data.ID != w.ada.Seq || data.Username != "ada" || data.UserName != "ada" || data.Cookie == "" || data.Domain.Name != "Analytical" {
		t.Fatalf("authenticate data = %+v", data)
	}
	if key, err := base64.StdEncoding.DecodeString(data.SessionKey); err != nil || len(key) != 32 {
		t.Fatalf("sessionKey %q is not base64 of 32 bytes", data.SessionKey)
	}
	var session *http.Cookie
	for _, c := range res.cookies {
		if c.Name == "argus_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.Value != data.Cookie {
		t.Fatalf("argus_session cookie = %+v", session)
	}
	cookie := &http.Cookie{Name: "argus_session", Value: session.Value}

	t.Run("wrong domain or password is 401", func(t *testing.T) {
		for _, body := range []map[string]any{
			{"userName": "ada", "domain": "Babbage", "password": password},
			{"userName": "ada", "domain": "Nowhere", "password": password},
			{"userName": "ada", "domain": "Analytical", "password": "wrong password here"},
		} {
			w.call("POST", "/authentication/v1/password/authenticate", body, nil).want(t, http.StatusUnauthorized)
		}
	})

	t.Run("GET session names the caller", func(t *testing.T) {
		var me struct {
			ID                   int64  `json:"id"`
			UserName             string `json:"userName"`
			Name                 string `json:"name"`
			AuthenticationMethod string `json:"authenticationMethod"`
		}
		r := w.call("GET", "/authentication/v1/session", nil, nil, cookie).want(t, http.StatusOK)
		r.data(t, &me)
		if me.ID != w.ada.Seq || me.UserName != "ada" || me.Name != "Ada Lovelace" || me.AuthenticationMethod != "PASSWORD" {
			t.Fatalf("session = %+v", me)
		}
		if r.env.Size != 0 || r.env.Count != 0 {
			t.Fatalf("a single object has size %d count %d", r.env.Size, r.env.Count)
		}
		// The older cookie name of argus_cli works too.
		w.call("GET", "/authentication/v1/session", nil, nil, &http.Cookie{Name: "argus_username", Value: "ada"},
			&http.Cookie{Name: "argus_cookie", Value: data.Cookie}).want(t, http.StatusOK)
	})

	body := map[string]any{"description": "from a session", "validSources": "127.0.0.1", "expirationDays": 30}
	path := fmt.Sprintf("/authentication/v1/user/%d/apikey", w.ada.Seq)
	t.Run("a write without the CSRF token is refused", func(t *testing.T) {
		r := w.call("POST", path, body, nil, cookie).want(t, http.StatusForbidden)
		if !strings.Contains(r.message(), "Argus-CSRF-Token") {
			t.Fatalf("message %q", r.message())
		}
		w.call("POST", path, body, map[string]string{"Argus-CSRF-Token": "forged"}, cookie).want(t, http.StatusForbidden)
		// A token signed for another URL is refused.
		other := csrfToken(t, w.URL+"/authentication/v1/session", data.SessionKey, time.Now())
		w.call("POST", path, body, map[string]string{"Argus-Csrf-Token": other}, cookie).want(t, http.StatusForbidden)
		// So is a stale one.
		stale := csrfToken(t, w.URL+path, data.SessionKey, time.Now().Add(-time.Hour))
		w.call("POST", path, body, map[string]string{"Argus-Csrf-Token": stale}, cookie).want(t, http.StatusForbidden)
	})

	t.Run("a write with the CSRF token passes", func(t *testing.T) {
		// The session key itself, as a same-site script reads it from argus_csrf,
		w.call("POST", path, body, map[string]string{"Argus-CSRF-Token": data.SessionKey}, cookie).want(t, http.StatusCreated)
		// and argus_api's token signed with it for this URL.
		tok := csrfToken(t, w.URL+path, data.SessionKey, time.Now())
		w.call("POST", path, body, map[string]string{"Argus-Csrf-Token": tok}, cookie).want(t, http.StatusCreated)
	})

	t.Run("DELETE session logs out", func(t *testing.T) {
		w.call("DELETE", "/authentication/v1/session", nil, nil, cookie).want(t, http.StatusForbidden) // CSRF
		tok := csrfToken(t, w.URL+"/authentication/v1/session", data.SessionKey, time.Now())
		w.call("DELETE", "/authentication/v1/session", nil, map[string]string{"Argus-Csrf-Token": tok}, cookie).want(t, http.StatusOK)
		w.call("GET", "/authentication/v1/session", nil, nil, cookie).want(t, http.StatusUnauthorized)
	})

	t.Run("no credential is 401", func(t *testing.T) {
		w.call("GET", "/authentication/v1/session", nil, nil).want(t, http.StatusUnauthorized)
	})
}

// csrfToken builds the token exactly as argus_api's csrf_token_for does
// (Python's json.dumps spacing, padded urlsafe base64).
func csrfToken(t *testing.T, url, sessionKey string, at time.Time) string {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(sessionKey)
	if err != nil {
		t.Fatal(err)
	}
	head := base64.URLEncoding.EncodeToString([]byte(`{"alg": "HS256", "typ": "JWT"}`))
	body := base64.URLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"url": %q, "timestamp": %d}`, url, at.UnixMilli())))
	m := hmac.New(sha256.New, key)
	m.Write([]byte(head + "." + body))
	return head + "." + body + "." + base64.URLEncoding.EncodeToString(m.Sum(nil))
}

func TestAPIKeys(t *testing.T) {
	w := newWorld(t)
	hexID := fmt.Sprintf("%x", w.carl.Seq)

	// carl initiates his own key with validSources as a string; ada one for
	// herself with a list.
	k := w.initiate(w.carlTok, "carl", map[string]any{"description": "ci", "validSources": "127.0.0.1, 10.0.0.0/8"})
	if k.ID <= 0 || k.Prefix != hexID+"/"+fmt.Sprint(k.ID) || k.User.ID != w.carl.Seq || k.Description != "ci" {
		t.Fatalf("initiated %+v", k)
	}
	if want := []string{"127.0.0.1/32", "10.0.0.0/8"}; fmt.Sprint(k.ValidSources) != fmt.Sprint(want) {
		t.Fatalf("validSources %v, want %v", k.ValidSources, want)
	}
	if !regexp.MustCompile(`^`+hexID+`/\d+/\S+$`).MatchString(k.APIKey) || !strings.HasPrefix(k.APIKey, k.Prefix+"/") {
		t.Fatalf("apiKey %q", k.APIKey)
	}
	// Default lifetime: three months (90 days).
	if d := time.Until(time.UnixMilli(k.ExpiresTimestamp)); d < 89*24*time.Hour || d > 91*24*time.Hour {
		t.Fatalf("default expiry in %v", d)
	}
	adaKey := w.initiate(w.adaToken, "ada", map[string]any{"description": "list", "validSources": []string{"127.0.0.1", "::1"},
		"expirationDays": 7})
	if len(adaKey.ValidSources) != 2 {
		t.Fatalf("ada's key %+v", adaKey)
	}

	t.Run("the key authenticates, under both header spellings", func(t *testing.T) {
		var me struct {
			ID                   int64  `json:"id"`
			AuthenticationMethod string `json:"authenticationMethod"`
		}
		w.call("GET", "/authentication/v1/session", nil, apiKey(k.APIKey)).want(t, http.StatusOK).data(t, &me)
		if me.ID != w.carl.Seq || me.AuthenticationMethod != "APIKEY" {
			t.Fatalf("session by key = %+v", me)
		}
		w.call("GET", "/authentication/v1/session", nil, map[string]string{"Argus-API-Key": k.APIKey}).want(t, http.StatusOK)
	})

	t.Run("bad keys are 401", func(t *testing.T) {
		for _, bad := range []string{k.Prefix + "/wrongsecret", "zz/1/secret", "nonsense", hexID + "/999999/x",
			fmt.Sprintf("%x/%d/%s", w.ada.Seq, k.ID, strings.TrimPrefix(k.APIKey, k.Prefix+"/"))} {
			w.call("GET", "/authentication/v1/session", nil, apiKey(bad)).want(t, http.StatusUnauthorized)
		}
	})

	t.Run("a key-authenticated request may not manage keys", func(t *testing.T) {
		base := "/authentication/v1/user/carl/apikey"
		w.call("GET", base, nil, apiKey(k.APIKey)).want(t, http.StatusForbidden)
		w.call("POST", base, map[string]any{"validSources": "127.0.0.1"}, apiKey(k.APIKey)).want(t, http.StatusForbidden)
		w.call("PUT", base+"/"+k.Prefix+"/renew", map[string]any{"expirationDays": 5}, apiKey(k.APIKey)).want(t, http.StatusForbidden)
		w.call("DELETE", base+"/"+k.Prefix, nil, apiKey(k.APIKey)).want(t, http.StatusForbidden)
	})

	t.Run("list", func(t *testing.T) {
		r := w.call("GET", fmt.Sprintf("/authentication/v1/user/%d/apikey", w.carl.Seq), nil, bearer(w.carlTok)).want(t, http.StatusOK)
		var keys []keyData
		r.data(t, &keys)
		if r.env.Count != 1 || r.env.Size != 1 || r.env.Limit != 25 || r.env.Offset != 0 || len(keys) != 1 {
			t.Fatalf("list envelope %+v", r.env)
		}
		if keys[0].ID != k.ID || keys[0].APIKey != "" || keys[0].LastUsedIP != "127.0.0.1" || keys[0].LastUsedTimestamp == 0 {
			t.Fatalf("listed %+v", keys[0])
		}
	})

	t.Run("renew by prefix", func(t *testing.T) {
		var renewed keyData
		w.call("PUT", "/authentication/v1/user/carl/apikey/"+k.Prefix+"/renew", map[string]any{"expirationDays": 30},
			bearer(w.carlTok)).want(t, http.StatusOK).data(t, &renewed)
		if d := time.Until(time.UnixMilli(renewed.ExpiresTimestamp)); d < 29*24*time.Hour || d > 31*24*time.Hour {
			t.Fatalf("renewed to %v", d)
		}
		// By the key ID alone, too.
		w.call("PUT", fmt.Sprintf("/authentication/v1/user/carl/apikey/%d/renew", k.ID), map[string]any{"expirationDays": 30},
			bearer(w.carlTok)).want(t, http.StatusOK)
		// The prefix must name this user.
		w.call("PUT", fmt.Sprintf("/authentication/v1/user/carl/apikey/%x/%d/renew", w.ada.Seq, k.ID), map[string]any{},
			bearer(w.carlTok)).want(t, http.StatusNotFound)
	})

	t.Run("validation is 412", func(t *testing.T) {
		base := "/authentication/v1/user/carl/apikey"
		r := w.call("POST", base, map[string]any{"validSources": "not-an-address"}, bearer(w.carlTok)).want(t, http.StatusPreconditionFailed)
		if r.env.Messages[0].Field != "validSources" {
			t.Fatalf("messages %+v", r.env.Messages)
		}
		r = w.call("POST", base, map[string]any{"validSources": "127.0.0.1", "expirationDays": 0}, bearer(w.carlTok)).
			want(t, http.StatusPreconditionFailed)
		if r.env.Messages[0].Field != "expirationDays" {
			t.Fatalf("messages %+v", r.env.Messages)
		}
		w.call("POST", base, map[string]any{"description": "no sources"}, bearer(w.carlTok)).want(t, http.StatusPreconditionFailed)
		w.call("POST", base, map[string]any{"validSources": 12}, bearer(w.carlTok)).want(t, http.StatusPreconditionFailed)
		w.call("POST", base, map[string]any{"validSources": "127.0.0.1", "expirationDays": "soon"}, bearer(w.carlTok)).
			want(t, http.StatusPreconditionFailed)
		w.call("POST", base, `{"validSources": `, bearer(w.carlTok)).want(t, http.StatusPreconditionFailed)
		w.call("POST", base, map[string]any{"validSources": "127.0.0.1", "sessionConstraints": map[string]any{"function": []string{"CASE-SECMON-RO"}}},
			bearer(w.carlTok)).want(t, http.StatusPreconditionFailed)
		w.call("PUT", base+"/"+k.Prefix+"/renew", map[string]any{"expirationDays": -1}, bearer(w.carlTok)).want(t, http.StatusPreconditionFailed)
	})

	t.Run("administrators may make keys that never expire or work from anywhere", func(t *testing.T) {
		forever := w.initiate(w.adaToken, "ada", map[string]any{"description": "forever", "expirationDays": 0})
		if forever.ExpiresTimestamp != 0 || len(forever.ValidSources) != 0 {
			t.Fatalf("unlimited key %+v", forever)
		}
	})

	t.Run("a key from a wrong address is 401, saying so", func(t *testing.T) {
		far := w.initiate(w.carlTok, "carl", map[string]any{"validSources": []string{"10.1.2.0/24"}})
		r := w.call("GET", "/authentication/v1/session", nil, apiKey(far.APIKey)).want(t, http.StatusUnauthorized)
		if !strings.Contains(r.message(), "may not be used from 127.0.0.1") {
			t.Fatalf("message %q", r.message())
		}
	})

	t.Run("an expired key is 401, saying so, until renewed", func(t *testing.T) {
		short := w.initiate(w.carlTok, "carl", map[string]any{"validSources": "127.0.0.1", "expirationDays": 1})
		w.call("GET", "/authentication/v1/session", nil, apiKey(short.APIKey)).want(t, http.StatusOK)
		w.Clock.Advance(49 * time.Hour)
		r := w.call("GET", "/authentication/v1/session", nil, apiKey(short.APIKey)).want(t, http.StatusUnauthorized)
		if !strings.Contains(r.message(), "expired") {
			t.Fatalf("message %q", r.message())
		}
		tok := w.login("carl@example.com") // the old sessions' signing keys expired with the clock too
		w.adaToken = w.login("ada@example.com")
		w.call("PUT", "/authentication/v1/user/carl/apikey/"+short.Prefix+"/renew", map[string]any{"expirationDays": 2},
			bearer(tok)).want(t, http.StatusOK)
		w.call("GET", "/authentication/v1/session", nil, apiKey(short.APIKey)).want(t, http.StatusOK)
		w.carlTok = tok
	})

	t.Run("revoke by prefix", func(t *testing.T) {
		var revoked keyData
		w.call("DELETE", "/authentication/v1/user/carl/apikey/"+k.Prefix, nil, bearer(w.carlTok)).
			want(t, http.StatusOK).data(t, &revoked)
		if revoked.ID != k.ID {
			t.Fatalf("revoked %+v", revoked)
		}
		r := w.call("GET", "/authentication/v1/session", nil, apiKey(k.APIKey)).want(t, http.StatusUnauthorized)
		if !strings.Contains(r.message(), "revoked") {
			t.Fatalf("message %q", r.message())
		}
		w.call("DELETE", "/authentication/v1/user/carl/apikey/"+k.Prefix, nil, bearer(w.carlTok)).want(t, http.StatusNotFound)
		var keys []keyData
		w.call("GET", "/authentication/v1/user/carl/apikey", nil, bearer(w.carlTok)).want(t, http.StatusOK).data(t, &keys)
		for _, x := range keys {
			if x.ID == k.ID {
				t.Fatal("a revoked key is listed")
			}
		}
	})

	t.Run("others' keys", func(t *testing.T) {
		// carl may not manage ada's keys; ada (admin) may read carl's.
		w.call("GET", "/authentication/v1/user/ada/apikey", nil, bearer(w.carlTok)).want(t, http.StatusForbidden)
		w.call("GET", "/authentication/v1/user/carl/apikey", nil, bearer(w.adaToken)).want(t, http.StatusOK)
		// Another organization's users and keys are not found, by number or name.
		w.call("GET", fmt.Sprintf("/authentication/v1/user/%d/apikey", w.bob.Seq), nil, bearer(w.adaToken)).want(t, http.StatusNotFound)
		w.call("GET", "/authentication/v1/user/bob/apikey", nil, bearer(w.adaToken)).want(t, http.StatusNotFound)
		w.call("POST", "/authentication/v1/user/bob/apikey", map[string]any{"validSources": "127.0.0.1"}, bearer(w.adaToken)).
			want(t, http.StatusNotFound)
		w.call("DELETE", fmt.Sprintf("/authentication/v1/user/ada/apikey/%x/%d", w.ada.Seq, adaKey.ID), nil, bearer(w.carlTok)).
			want(t, http.StatusForbidden)
	})

	t.Run("the audit log records the surface", func(t *testing.T) {
		req, _ := http.NewRequest("GET", w.URL+"/v1/audit-events?limit=100&action=apikey.created", nil)
		req.Header.Set("Authorization", "Bearer "+w.adaToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("audit events: status %d", res.StatusCode)
		}
		var page struct {
			Events []struct {
				Action  string `json:"action"`
				Surface string `json:"surface"`
			} `json:"events"`
		}
		if err := json.NewDecoder(res.Body).Decode(&page); err != nil || len(page.Events) == 0 {
			t.Fatalf("audit events: %v %+v", err, page)
		}
		for _, e := range page.Events {
			if e.Action == "apikey.created" && e.Surface != "argus" {
				t.Fatalf("event %+v", e)
			}
		}
	})
}

func TestAuthMethodsAndSMS(t *testing.T) {
	w := newWorld(t)
	var methods []struct {
		Method             string         `json:"method"`
		Enabled            bool           `json:"enabled"`
		Initialized        bool           `json:"initialized"`
		LastLoginTimestamp int64          `json:"lastLoginTimestamp"`
		LastLoginIP        string         `json:"lastLoginIP"`
		Settings           map[string]any `json:"settings"`
	}
	// A password login through the surface records the method's use.
	w.call("POST", "/authentication/v1/password/authenticate", map[string]any{"userName": "carl", "domain": "analytical",
		"password": password}, nil).want(t, http.StatusOK)
	r := w.call("GET", fmt.Sprintf("/authentication/v1/user/%d/methods", w.carl.Seq), nil, bearer(w.carlTok)).want(t, http.StatusOK)
	r.data(t, &methods)
	if r.env.Count != 3 || len(methods) != 3 {
		t.Fatalf("methods %s", r.env.Data)
	}
	pw := methods[0]
	if pw.Method != "PASSWORD" || !pw.Enabled || !pw.Initialized || pw.LastLoginTimestamp == 0 || pw.LastLoginIP != "127.0.0.1" || pw.Settings == nil {
		t.Fatalf("password method %+v", pw)
	}
	if methods[1].Method != "TOTP" || methods[1].Initialized || methods[2].Method != "SMS" {
		t.Fatalf("methods %+v", methods)
	}

	t.Run("enable and disable", func(t *testing.T) {
		// TOTP is not set up: 412. The last method cannot go: 412.
		w.call("PUT", "/authentication/v1/user/carl/method/TOTP", nil, bearer(w.carlTok)).want(t, http.StatusPreconditionFailed)
		w.call("DELETE", "/authentication/v1/user/carl/method/PASSWORD", nil, bearer(w.carlTok)).want(t, http.StatusPreconditionFailed)
		w.call("PUT", "/authentication/v1/user/carl/method/FAX", nil, bearer(w.carlTok)).want(t, http.StatusPreconditionFailed)

		// Enrol a phone; the helpdesk (ada) reads the code by its suffix.
		suffix, err := w.Svc.SMS.EnrollSMS(w.as(w.carlTok), w.carl.ID, "+4712345678")
		if err != nil {
			t.Fatal(err)
		}
		w.call("GET", "/authentication/v1/user/carl/sms/"+suffix, nil, bearer(w.carlTok)).want(t, http.StatusForbidden)
		w.call("GET", "/authentication/v1/user/carl/sms/zzzzzz", nil, bearer(w.adaToken)).want(t, http.StatusNotFound)
		var code struct {
			User             struct{ ID int64 } `json:"user"`
			TokenSuffix      string             `json:"tokenSuffix"`
			Token            string             `json:"token"`
			ExpiresTimestamp int64              `json:"expiresTimestamp"`
		}
		w.call("GET", fmt.Sprintf("/authentication/v1/user/%d/sms/%s", w.carl.Seq, strings.ToUpper(suffix)), nil, bearer(w.adaToken)).
			want(t, http.StatusOK).data(t, &code)
		if !regexp.MustCompile(`^\d{6}$`).MatchString(code.Token) || code.TokenSuffix != suffix || code.User.ID != w.carl.Seq ||
			code.ExpiresTimestamp <= time.Now().UnixMilli() {
			t.Fatalf("sms code %+v", code)
		}
		if err := w.Svc.SMS.VerifySMS(w.as(w.carlTok), w.carl.ID, code.Token); err != nil {
			t.Fatal(err)
		}

		var m struct {
			Method   string         `json:"method"`
			Enabled  bool           `json:"enabled"`
			Settings map[string]any `json:"settings"`
		}
		w.call("DELETE", "/authentication/v1/user/carl/method/SMS", nil, bearer(w.carlTok)).want(t, http.StatusOK).data(t, &m)
		if m.Method != "SMS" || m.Enabled || m.Settings["phone"] == "+4712345678" {
			t.Fatalf("disabled %+v", m)
		}
		w.call("PUT", "/authentication/v1/user/carl/method/sms", nil, bearer(w.carlTok)).want(t, http.StatusOK).data(t, &m)
		if !m.Enabled {
			t.Fatalf("enabled %+v", m)
		}
		// Now the password may be disabled, by an administrator too.
		w.call("DELETE", fmt.Sprintf("/authentication/v1/user/%d/method/password", w.carl.Seq), nil, bearer(w.adaToken)).want(t, http.StatusOK)
	})

	t.Run("another organization's users are not found", func(t *testing.T) {
		w.call("GET", fmt.Sprintf("/authentication/v1/user/%d/methods", w.bob.Seq), nil, bearer(w.adaToken)).want(t, http.StatusNotFound)
		w.call("PUT", "/authentication/v1/user/bob/method/password", nil, bearer(w.adaToken)).want(t, http.StatusNotFound)
		w.call("GET", "/authentication/v1/user/bob/sms/abcdef", nil, bearer(w.adaToken)).want(t, http.StatusNotFound)
	})

	t.Run("a user may not read another's methods", func(t *testing.T) {
		w.call("GET", "/authentication/v1/user/ada/methods", nil, bearer(w.carlTok)).want(t, http.StatusForbidden)
	})
}

func TestBadRequests(t *testing.T) {
	w := newWorld(t)
	w.call("GET", "/authentication/v1/nothing/here", nil, bearer(w.adaToken)).want(t, http.StatusNotFound)
	w.call("GET", "/authentication/v1/user/0/apikey", nil, bearer(w.adaToken)).want(t, http.StatusNotFound)
	w.call("GET", "/authentication/v1/user/999999/apikey", nil, bearer(w.adaToken)).want(t, http.StatusNotFound)
	w.call("DELETE", "/authentication/v1/user/ada/apikey/xyz", nil, bearer(w.adaToken)).want(t, http.StatusNotFound)
	w.call("DELETE", "/authentication/v1/user/ada/apikey/zz/1", nil, bearer(w.adaToken)).want(t, http.StatusNotFound)
	w.call("POST", "/authentication/v1/password/authenticate", `[1,2]`, nil).want(t, http.StatusPreconditionFailed)
	w.call("POST", "/authentication/v1/password/authenticate", map[string]any{"userName": "ada"}, nil).want(t, http.StatusPreconditionFailed)
	w.call("GET", "/authentication/v1/session", nil, bearer("not-a-token")).want(t, http.StatusUnauthorized)
	w.call("GET", "/authentication/v1/session", nil, apiKey("1/2/mysecretapikey")).want(t, http.StatusUnauthorized)
	w.call("GET", "/authentication/v1/session", nil, nil, &http.Cookie{Name: "argus_session", Value: "garbage"}).want(t, http.StatusUnauthorized)
	big := `{"description": "` + strings.Repeat("x", 2<<20) + `"}`
	w.call("POST", "/authentication/v1/user/ada/apikey", big, bearer(w.adaToken)).want(t, http.StatusRequestEntityTooLarge)
}
