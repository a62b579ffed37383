package argus

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/compat/web"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

const (
	// apiKeyHeader carries "<user number in hex>/<key number>/<secret>"
	// (header names are case-insensitive: the library sends Argus-Api-Key).
	apiKeyHeader = "Argus-API-Key"
	// csrfHeader must accompany every write of a cookie session.
	csrfHeader = "Argus-CSRF-Token"
	// sessionCookie holds the session token; oldSessionCookie is the name
	// older clients (argus_cli) send it under, beside argus_username.
	sessionCookie    = "argus_session"
	oldSessionCookie = "argus_cookie"
	// csrfCookie repeats the session key for scripts of the same site.
	csrfCookie = "argus_csrf"
	// csrfMaxSkew bounds the age of a signed CSRF token.
	csrfMaxSkew = 5 * time.Minute
)

// credential is how a request authenticated.
type credential int

const (
	byAPIKey credential = iota + 1
	byBearer
	byCookie
)

type credentialKey struct{}

// authed authenticates the request — an Argus API key, a Warden bearer
// token, or the session cookie (whose writes need the CSRF token) — and
// charges the principal's rate limit before h runs with the principal in
// its context.
func (s *server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, cred, err := s.authenticate(r)
		if err != nil {
			if !s.limit(w, r, nil) { // a failed authentication still costs the address
				return
			}
			writeError(w, r, s.env, err)
			return
		}
		if !s.limit(w, r, p) {
			return
		}
		ctx := iam.WithPrincipal(r.Context(), p)
		ctx = context.WithValue(ctx, credentialKey{}, cred)
		h(w, r.WithContext(ctx))
	}
}

func credentialOf(ctx context.Context) credential {
	c, _ := ctx.Value(credentialKey{}).(credential)
	return c
}

var errNoCredential = iam.E(iam.Unauthenticated, "unauthenticated",
	"this request needs credentials: an Argus-API-Key header, a session cookie, or Authorization: Bearer <token>")

func (s *server) authenticate(r *http.Request) (*iam.Principal, credential, error) {
	ctx := r.Context()
	if key := strings.TrimSpace(r.Header.Get(apiKeyHeader)); key != "" {
		p, err := s.authenticateKey(ctx, key)
		return p, byAPIKey, err
	}
	if token := web.Token(r); token != "" {
		p, err := s.env.Svc.Auth.Authenticate(ctx, token)
		return p, byBearer, err
	}
	token := sessionToken(r)
	if token == "" {
		return nil, 0, errNoCredential
	}
	p, err := s.env.Svc.Auth.Authenticate(ctx, token)
	if err != nil {
		return nil, byCookie, err
	}
	if p.Credential != "session" {
		return nil, byCookie, iam.E(iam.Unauthenticated, "invalid_session", "the session cookie does not hold a session")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !validCSRF(r, token) {
		return nil, byCookie, iam.E(iam.PermissionDenied, "csrf_token_invalid",
			"this request changes state and needs a valid Argus-CSRF-Token header: the session key of the authenticate response, or a token signed with it for this URL")
	}
	return p, byCookie, nil
}

// authenticateKey checks an Argus API key: <user hex>/<key number>/<secret>.
// A Warden key (wdn_…) is accepted in the header too.
func (s *server) authenticateKey(ctx context.Context, key string) (*iam.Principal, error) {
	if strings.HasPrefix(key, service.APIKeyPrefix) {
		return s.env.Svc.Auth.Authenticate(ctx, key)
	}
	bad := iam.E(iam.Unauthenticated, "invalid_api_key",
		"the API key is not valid: expected <user ID in hex>/<key ID>/<secret>")
	userHex, rest, ok1 := strings.Cut(key, "/")
	keyNum, secret, ok2 := strings.Cut(rest, "/")
	if !ok1 || !ok2 {
		return nil, bad
	}
	user, err1 := strconv.ParseInt(userHex, 16, 64)
	num, err2 := strconv.ParseInt(keyNum, 10, 64)
	if err1 != nil || err2 != nil {
		return nil, bad
	}
	return s.env.Svc.APIKeys.AuthenticateNumbered(ctx, user, num, secret)
}

// sessionToken reads the session cookie (argus_session, or argus_cookie).
func sessionToken(r *http.Request) string {
	for _, name := range []string{sessionCookie, oldSessionCookie} {
		if c, err := r.Cookie(name); err == nil && c.Value != "" {
			return c.Value
		}
	}
	return ""
}

// sessionKey is the CSRF key of a session: derived from the session token
// (a secret a cross-site page cannot read), so that no state is kept and
// every node agrees. It is standard base64 of 32 bytes, as argus_api
// base64-decodes the sessionKey before signing with it.
func sessionKey(token string) string {
	m := hmac.New(sha256.New, []byte("warden argus csrf"))
	m.Write([]byte(token))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// validCSRF accepts, in Argus-CSRF-Token, the session key itself, or what
// argus_api sends: base64url(header).base64url({"url", "timestamp"}).sig,
// an HMAC-SHA256 under the base64-decoded session key, for this request's
// path (scheme and host are not compared: a proxy may change them) and
// signed within csrfMaxSkew of now.
func validCSRF(r *http.Request, token string) bool {
	got := strings.TrimSpace(r.Header.Get(csrfHeader))
	if got == "" {
		return false
	}
	key := sessionKey(token)
	if subtle.ConstantTimeCompare([]byte(got), []byte(key)) == 1 {
		return true
	}
	parts := strings.Split(got, ".")
	if len(parts) != 3 {
		return false
	}
	raw, _ := base64.StdEncoding.DecodeString(key)
	m := hmac.New(sha256.New, raw)
	m.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := b64url(parts[2])
	if err != nil || !hmac.Equal(sig, m.Sum(nil)) {
		return false
	}
	body, err := b64url(parts[1])
	if err != nil {
		return false
	}
	var claims struct {
		URL       string `json:"url"`
		Timestamp int64  `json:"timestamp"`
	}
	if json.Unmarshal(body, &claims) != nil {
		return false
	}
	u, err := url.Parse(claims.URL)
	if err != nil || u.Path != r.URL.Path {
		return false
	}
	age := time.Since(time.UnixMilli(claims.Timestamp))
	return age < csrfMaxSkew && age > -csrfMaxSkew
}

// b64url decodes base64url with or without padding (Python pads).
func b64url(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// limit charges the request to the rate limit; false means it answered 429.
func (s *server) limit(w http.ResponseWriter, r *http.Request, p *iam.Principal) bool {
	q := s.env.Limit(r, p)
	if q.OK {
		return true
	}
	writeError(w, r, s.env, &iam.Error{Kind: iam.RateLimited, Code: "rate_limited",
		Message: "too many requests; retry later", RetryAfter: q.RetryAfter})
	return false
}

// authenticateRequest is the body of POST /authentication/v1/password/authenticate
// and of totp/authenticate, which adds the code.
type authenticateRequest struct {
	UserName                string   `json:"userName"`
	Domain                  string   `json:"domain"`
	Password                string   `json:"password"`
	TokenCode               string   `json:"tokenCode"`
	RequestedAuthorizations []string `json:"requestedAuthorizations"`
}

// authenticateData is what an authenticate answer's data holds: the
// caller, and the session's cookie and CSRF key.
type authenticateData struct {
	callerView
	Username         string `json:"username"`
	Cookie           string `json:"cookie"`
	SessionKey       string `json:"sessionKey"`
	ExpiresTimestamp int64  `json:"expiresTimestamp"`
}

// readAuthenticate charges an authenticate request to its address and
// reads its body; it answers a refusal itself and then reports false.
func (s *server) readAuthenticate(w http.ResponseWriter, r *http.Request) (authenticateRequest, bool) {
	var in authenticateRequest
	if !s.limit(w, r, nil) {
		return in, false
	}
	if err := decode(r, &in); err != nil {
		writeError(w, r, s.env, err)
		return in, false
	}
	return in, true
}

// passwordAuthenticate opens a session with a password. A user with TOTP
// enabled needs totp/authenticate instead.
func (s *server) passwordAuthenticate(w http.ResponseWriter, r *http.Request) {
	in, ok := s.readAuthenticate(w, r)
	if !ok {
		return
	}
	sess, err := s.env.Svc.Auth.LoginInOrgNamed(r.Context(), in.Domain, service.Login{Login: in.UserName, Password: in.Password})
	if iam.CodeOf(err) == "mfa_required" {
		err = iam.E(iam.Unauthenticated, "mfa_required",
			"this account needs a second factor: authenticate at /authentication/v1/totp/authenticate with its tokenCode")
	}
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	s.writeSession(w, r, sess, "PASSWORD")
}

// totpAuthenticate opens a session with a password and a TOTP code in one
// request: the password step's mfa_required is completed with the code at
// once. A user without TOTP needs only the password, as in Keycloak's
// direct grant, and the session says PASSWORD.
func (s *server) totpAuthenticate(w http.ResponseWriter, r *http.Request) {
	in, ok := s.readAuthenticate(w, r)
	if !ok {
		return
	}
	if strings.TrimSpace(in.TokenCode) == "" {
		writeError(w, r, s.env, iam.InvalidFields(iam.FieldError{Field: "tokenCode", Message: "is required"}))
		return
	}
	ctx := r.Context()
	sess, err := s.env.Svc.Auth.LoginInOrgNamed(ctx, in.Domain, service.Login{Login: in.UserName, Password: in.Password})
	if err == nil {
		s.writeSession(w, r, sess, "PASSWORD")
		return
	}
	var e *iam.Error
	token := ""
	if errors.As(err, &e) && e.Code == "mfa_required" {
		token, _ = e.Extra["mfa_token"].(string)
	}
	if token == "" {
		writeError(w, r, s.env, err)
		return
	}
	sess, err = s.env.Svc.Auth.LoginMFA(ctx, service.LoginMFA{Token: token, Method: service.MethodTOTP, Code: in.TokenCode})
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	s.writeSession(w, r, sess, "TOTP")
}

// writeSession answers a login: the session token comes back as the
// argus_session cookie (HttpOnly) and in data.cookie, its CSRF key in
// data.sessionKey and the argus_csrf cookie.
func (s *server) writeSession(w http.ResponseWriter, r *http.Request, sess *service.Session, method string) {
	key := sessionKey(sess.Token)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: s.env.SecureCookies, SameSite: http.SameSiteLaxMode})
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: key, Path: "/", Expires: sess.ExpiresAt,
		Secure: s.env.SecureCookies, SameSite: http.SameSiteStrictMode})
	p := &iam.Principal{Kind: iam.KindUser, ID: sess.User.ID, OrgID: sess.User.OrgID, SessionID: sess.Session.ID,
		Credential: "session", Roles: sess.User.Roles, InstanceAdmin: sess.User.InstanceAdmin}
	ctx := iam.WithPrincipal(r.Context(), p)
	view := s.userView(ctx, sess.User, method)
	writeOne(w, http.StatusOK, authenticateData{callerView: view, Username: view.UserName, Cookie: sess.Token,
		SessionKey: key, ExpiresTimestamp: sess.ExpiresAt.UnixMilli()})
}

// callerView describes the caller in GET /authentication/v1/session.
type callerView struct {
	ID                   int64       `json:"id"`
	Type                 string      `json:"type"`
	UserName             string      `json:"userName"`
	Name                 string      `json:"name"`
	Email                string      `json:"email,omitempty"`
	Domain               *domainView `json:"domain,omitempty"`
	AuthenticationMethod string      `json:"authenticationMethod"`
}

type domainView struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// userView describes user u, authenticated by method, in ctx (the user's).
func (s *server) userView(ctx context.Context, u *iam.User, method string) callerView {
	name := u.Username
	if name == "" {
		name = u.Email
	}
	v := callerView{ID: u.Seq, Type: "USER", UserName: name, Name: u.FullName, Email: u.Email, AuthenticationMethod: method}
	if o, err := s.env.Svc.Orgs.Get(ctx, u.OrgID); err == nil { // a user who may not read the org sees no domain
		v.Domain = &domainView{ID: o.Seq, Name: o.Name}
	}
	return v
}

// methodName names how the request authenticated, as GET session says it.
func methodName(ctx context.Context) string {
	switch credentialOf(ctx) {
	case byAPIKey:
		return "APIKEY"
	case byCookie:
		return "PASSWORD"
	}
	if p := iam.PrincipalFrom(ctx); p != nil && p.Credential == "api_key" {
		return "APIKEY"
	}
	return "TOKEN"
}

// getSession describes the caller: "who am I, is my authentication valid".
func (s *server) getSession(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := iam.PrincipalFrom(ctx)
	if p.Kind == iam.KindServiceAccount {
		sa, err := s.env.Svc.ServiceAccounts.Get(ctx, p.ID)
		if err != nil {
			// A service account may not read itself without the permission:
			// it is still described, by what its credential says.
			writeOne(w, http.StatusOK, callerView{Type: "SERVICE_ACCOUNT", UserName: p.Name, Name: p.Name,
				AuthenticationMethod: methodName(ctx)})
			return
		}
		writeOne(w, http.StatusOK, callerView{ID: sa.Seq, Type: "SERVICE_ACCOUNT", UserName: sa.Name, Name: sa.Name,
			AuthenticationMethod: methodName(ctx)})
		return
	}
	u, err := s.env.Svc.Users.Current(ctx)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	method := methodName(ctx)
	if credentialOf(ctx) == byCookie && !p.SessionID.IsZero() {
		// The session knows how it was opened: PASSWORD, TOTP, SMS.
		sess, err := s.env.Svc.Sessions.Get(ctx, p.ID, p.SessionID)
		if err != nil {
			writeError(w, r, s.env, err)
			return
		}
		method = strings.ToUpper(sess.Method)
	}
	writeOne(w, http.StatusOK, s.userView(ctx, u, method))
}

// deleteSession logs the caller's session out and clears the cookies.
func (s *server) deleteSession(w http.ResponseWriter, r *http.Request) {
	if err := s.env.Svc.Auth.Logout(r.Context()); err != nil {
		writeError(w, r, s.env, err)
		return
	}
	for _, name := range []string{sessionCookie, oldSessionCookie, csrfCookie} {
		if _, err := r.Cookie(name); err == nil || name != oldSessionCookie {
			http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, Secure: s.env.SecureCookies,
				HttpOnly: name != csrfCookie})
		}
	}
	writeOne(w, http.StatusOK, nil)
}
