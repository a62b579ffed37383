package service

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// OAuth is the OAuth 2.0 token endpoint (RFC 6749: client_credentials,
// refresh_token with rotation, password for first-party clients),
// revocation (RFC 7009) and introspection (RFC 7662). Every access token
// is an EdDSA JWT bound to a Grant row, so revoking the grant ends it.
//
// Its errors carry the RFC 6749 §5.2 error code as their Code
// (invalid_request, invalid_client, invalid_grant, unauthorized_client,
// unsupported_grant_type, invalid_scope); RateLimited and Internal errors
// pass through.
type OAuth struct {
	env  *Env
	cfg  Config
	auth *Auth
	keys *Keys
}

const (
	defaultAccessTokenTTL  = time.Hour
	defaultRefreshTokenTTL = 30 * 24 * time.Hour
	// refreshPrefix starts every refresh token: wrt_<token id>_<secret>.
	refreshPrefix = "wrt_"
	// refreshSecretBytes is the entropy of a refresh token's secret.
	refreshSecretBytes = 32
)

// Grant types, as Grant.Type records them.
const (
	GrantUser     = "user"     // a long-lived grant a user issues (Squirro)
	GrantService  = "service"  // the same, for a named client (Squirro)
	GrantPassword = "password" // a password login through a first-party client
	GrantClient   = "client"   // a client_credentials token; no refresh tokens
)

func (c Config) withOAuthDefaults() Config {
	if c.AccessTokenTTL <= 0 {
		c.AccessTokenTTL = defaultAccessTokenTTL
	}
	if c.RefreshTokenTTL <= 0 {
		c.RefreshTokenTTL = defaultRefreshTokenTTL
	}
	return c
}

// OAuth error codes of RFC 6749 §5.2.
const (
	OAuthInvalidRequest       = "invalid_request"
	OAuthInvalidClient        = "invalid_client"
	OAuthInvalidGrant         = "invalid_grant"
	OAuthUnauthorizedClient   = "unauthorized_client"
	OAuthUnsupportedGrantType = "unsupported_grant_type"
	OAuthInvalidScope         = "invalid_scope"
)

// oauthError is an RFC 6749 error: invalid_client is Unauthenticated, the
// rest Invalid.
func oauthError(code, description string) *iam.Error {
	kind := iam.Invalid
	if code == OAuthInvalidClient {
		kind = iam.Unauthenticated
	}
	return iam.E(kind, code, description)
}

// grantGone is invalid_grant for a credential that was issued but is now
// revoked, expired or spent; GrantGone tells it from one never issued,
// which some surfaces answer differently (Squirro: 410 against 404).
func grantGone(description string) *iam.Error {
	e := oauthError(OAuthInvalidGrant, description)
	e.Extra = map[string]any{"gone": true}
	return e
}

// GrantGone reports whether err is a grantGone error.
func GrantGone(err error) bool {
	var e *iam.Error
	return errors.As(err, &e) && e.Extra["gone"] == true
}

// IsOAuthError reports whether err carries an RFC 6749 error code.
func IsOAuthError(err error) bool {
	switch iam.CodeOf(err) {
	case OAuthInvalidRequest, OAuthInvalidClient, OAuthInvalidGrant, OAuthUnauthorizedClient,
		OAuthUnsupportedGrantType, OAuthInvalidScope:
		return true
	}
	return false
}

var errBadClient = oauthError(OAuthInvalidClient, "client authentication failed")

// ClientCredentials is how a client authenticated: HTTP Basic or form
// fields. An empty ID means no client authentication at all.
type ClientCredentials struct {
	ID     string
	Secret string
}

// TokenRequest is a request to the token endpoint.
type TokenRequest struct {
	GrantType    string
	Client       ClientCredentials
	Username     string
	Password     string
	RefreshToken string
	Scope        string
	AuthService  string // ext_id: the issuer of the identity (external.go)
	AuthUser     string // ext_id: its subject
}

// Token is the token endpoint's answer.
type Token struct {
	AccessToken  string
	ExpiresIn    int64 // seconds
	ExpiresAt    time.Time
	RefreshToken string // empty for client_credentials
	Scope        string
	Grant        *iam.Grant // the grant the tokens belong to
}

// Token runs the token endpoint.
func (o *OAuth) Token(ctx context.Context, in TokenRequest) (*Token, error) {
	switch in.GrantType {
	case "client_credentials", "password", "refresh_token", "ext_id":
	case "":
		return nil, oauthError(OAuthInvalidRequest, "grant_type is required")
	default:
		return nil, oauthError(OAuthUnsupportedGrantType, "grant_type must be client_credentials, refresh_token, password or ext_id")
	}
	client, err := o.authenticateClient(ctx, in.Client)
	if err != nil {
		return nil, err
	}
	switch in.GrantType {
	case "client_credentials":
		return o.clientCredentials(ctx, client, in.Scope)
	case "password":
		return o.password(ctx, client, in)
	case "ext_id":
		return o.extID(ctx, client, in)
	default:
		return o.refresh(ctx, client, in.RefreshToken, in.Scope)
	}
}

// authenticateClient returns the client the credentials name, nil when
// none are given, or invalid_client. Unknown, revoked and wrong-secret
// clients get the same answer after the same work.
func (o *OAuth) authenticateClient(ctx context.Context, cc ClientCredentials) (*iam.OAuthClient, error) {
	if cc.ID == "" {
		if cc.Secret != "" {
			return nil, oauthError(OAuthInvalidRequest, "client_secret without client_id")
		}
		return nil, nil
	}
	sum := sha256.Sum256([]byte(cc.Secret))
	id, err := iam.ParseID(cc.ID)
	if err != nil {
		return nil, errBadClient
	}
	c, err := o.env.Store.FindOAuthClient(ctx, id)
	if iam.IsKind(err, iam.NotFound) {
		subtle.ConstantTimeCompare(sum[:], make([]byte, sha256.Size))
		return nil, errBadClient
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(sum[:], c.SecretHash) != 1 || c.RevokedAt != nil || cc.Secret == "" {
		return nil, errBadClient
	}
	return c, nil
}

func (o *OAuth) clientCredentials(ctx context.Context, client *iam.OAuthClient, scope string) (*Token, error) {
	if client == nil {
		return nil, oauthError(OAuthInvalidClient, "client_credentials needs client authentication")
	}
	if client.ServiceAccountID.IsZero() {
		return nil, oauthError(OAuthUnauthorizedClient, "only a service account's client may use client_credentials")
	}
	sa, err := o.env.Store.GetServiceAccount(ctx, client.OrgID, client.ServiceAccountID)
	if iam.IsKind(err, iam.NotFound) {
		return nil, errBadClient
	}
	if err != nil {
		return nil, err
	}
	if sa.Disabled {
		return nil, oauthError(OAuthInvalidClient, "the client's service account is disabled")
	}
	perms, echo, err := narrowScope(scope, nil)
	if err != nil {
		return nil, err
	}
	now := o.env.now()
	id, err := o.env.newID(now)
	if err != nil {
		return nil, err
	}
	exp := now.Add(o.cfg.AccessTokenTTL)
	g := &iam.Grant{ID: id, OrgID: client.OrgID, PrincipalKind: iam.KindServiceAccount, PrincipalID: sa.ID,
		Type: GrantClient, ClientID: client.ID, Permissions: perms, CreatedAt: now, ExpiresAt: &exp}
	tok, err := o.accessToken(ctx, g, perms, now)
	if err != nil {
		return nil, err
	}
	actor := &iam.Principal{Kind: iam.KindServiceAccount, ID: sa.ID, OrgID: sa.OrgID}
	err = o.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.CreateGrant(ctx, g); err != nil {
			return err
		}
		return o.env.record(ctx, q, g.OrgID, now, tokenIssued(g, "client_credentials", echo), actor)
	})
	if err != nil {
		return nil, err
	}
	tok.Scope = echo
	return tok, nil
}

func (o *OAuth) password(ctx context.Context, client *iam.OAuthClient, in TokenRequest) (*Token, error) {
	if client == nil {
		return nil, oauthError(OAuthInvalidClient, "the password grant needs client authentication")
	}
	if !client.AllowPassword || !client.ServiceAccountID.IsZero() {
		return nil, oauthError(OAuthUnauthorizedClient, "this client may not use the password grant")
	}
	if strings.TrimSpace(in.Username) == "" || in.Password == "" {
		return nil, oauthError(OAuthInvalidRequest, "username and password are required")
	}
	perms, echo, err := narrowScope(in.Scope, nil)
	if err != nil {
		return nil, err
	}
	u, err := o.auth.verifyLogin(ctx, strings.TrimSpace(in.Username), in.Password, client.OrgID)
	switch {
	case err == nil:
	case iam.CodeOf(err) == "mfa_required":
		return nil, oauthError(OAuthInvalidGrant, "multi-factor authentication is required for this account; log in through /v1/login")
	case iam.IsKind(err, iam.Unauthenticated):
		return nil, oauthError(OAuthInvalidGrant, iamMessage(err))
	case iam.IsKind(err, iam.Invalid):
		return nil, oauthError(OAuthInvalidRequest, iamMessage(err))
	default:
		return nil, err
	}
	return o.userGrant(ctx, client, u, GrantPassword, perms, echo, tokenIssued)
}

// userGrant opens a grant of a user logged in through client (by password
// or a linked identity) and issues its first tokens; issued makes the
// token.issued event.
func (o *OAuth) userGrant(ctx context.Context, client *iam.OAuthClient, u *iam.User, typ string, perms []string, echo string,
	issued func(g *iam.Grant, grantType, scope string) event) (*Token, error) {
	now := o.env.now()
	id, err := o.env.newID(now)
	if err != nil {
		return nil, err
	}
	exp := now.Add(o.cfg.RefreshTokenTTL)
	g := &iam.Grant{ID: id, OrgID: u.OrgID, PrincipalKind: iam.KindUser, PrincipalID: u.ID, Type: typ,
		ClientID: client.ID, Permissions: perms, CreatedAt: now, LastUsedAt: &now, ExpiresAt: &exp}
	rt, refresh, err := newRefreshToken(o.env, g, now)
	if err != nil {
		return nil, err
	}
	tok, err := o.accessToken(ctx, g, perms, now)
	if err != nil {
		return nil, err
	}
	actor := &iam.Principal{Kind: iam.KindUser, ID: u.ID, OrgID: u.OrgID}
	err = o.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.CreateGrant(ctx, g); err != nil {
			return err
		}
		if err := q.CreateRefreshToken(ctx, rt); err != nil {
			return err
		}
		if err := setLastLogin(ctx, q, u.OrgID, u.ID, now); err != nil {
			return err
		}
		if err := o.env.record(ctx, q, g.OrgID, now, grantCreated(g), actor); err != nil {
			return err
		}
		return o.env.record(ctx, q, g.OrgID, now, issued(g, typ, echo), actor)
	})
	if err != nil {
		return nil, err
	}
	o.env.users.forget(u.ID)
	tok.RefreshToken, tok.Scope = refresh, echo
	return tok, nil
}

func iamMessage(err error) string {
	var e *iam.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "the grant is invalid"
}

func (o *OAuth) refresh(ctx context.Context, client *iam.OAuthClient, token, scope string) (*Token, error) {
	if token == "" {
		return nil, oauthError(OAuthInvalidRequest, "refresh_token is required")
	}
	rt, g, err := o.findRefreshToken(ctx, token)
	if err != nil {
		return nil, err
	}
	now := o.env.now()
	if err := grantUsable(g, now); err != nil {
		return nil, err
	}
	// A grant issued to a client is refreshed by that client only (RFC 6749
	// §6); a user's own grant needs no client, and any client of its
	// organization may present it.
	switch {
	case !g.ClientID.IsZero() && client == nil:
		return nil, oauthError(OAuthInvalidClient, "this refresh token needs the client it was issued to")
	case !g.ClientID.IsZero() && client.ID != g.ClientID,
		client != nil && client.OrgID != g.OrgID:
		return nil, oauthError(OAuthInvalidGrant, "the refresh token was issued to another client")
	}
	actor, err := o.grantHolder(ctx, g)
	if err != nil {
		return nil, err
	}
	if longLived(g) && rt.UsedAt == nil {
		return o.refreshLongLived(ctx, g, token, scope, actor) // refresh_longlived.go
	}
	if rt.UsedAt != nil {
		return nil, o.reused(ctx, g, actor)
	}
	perms, echo, err := narrowScope(scope, g.Permissions)
	if err != nil {
		return nil, err
	}
	if len(perms) == 0 {
		perms = g.Permissions
	}
	if scope == "" {
		echo = strings.Join(g.Permissions, " ")
	}
	next, refresh, err := newRefreshToken(o.env, g, now)
	if err != nil {
		return nil, err
	}
	tok, err := o.accessToken(ctx, g, perms, now)
	if err != nil {
		return nil, err
	}
	err = o.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.UseRefreshToken(ctx, g.OrgID, rt.ID, now); err != nil {
			return err
		}
		if err := q.CreateRefreshToken(ctx, next); err != nil {
			return err
		}
		if err := q.TouchGrant(ctx, g.OrgID, g.ID, now); err != nil {
			return err
		}
		return o.env.record(ctx, q, g.OrgID, now, tokenIssued(g, "refresh_token", echo), actor)
	})
	if iam.CodeOf(err) == "token_reused" {
		return nil, o.reused(ctx, g, actor)
	}
	if err != nil {
		return nil, err
	}
	tok.RefreshToken, tok.Scope = refresh, echo
	return tok, nil
}

// reused answers a refresh token presented a second time: someone holds a
// copy, so the whole grant is revoked (RFC 6819 §5.2.2.3).
func (o *OAuth) reused(ctx context.Context, g *iam.Grant, actor *iam.Principal) error {
	if err := revokeGrant(ctx, o.env, g, "reuse_detected", actor); err != nil {
		return err
	}
	return grantGone("the refresh token was already used; its grant is revoked")
}

// findRefreshToken parses a refresh token and returns it with its grant,
// or invalid_grant.
func (o *OAuth) findRefreshToken(ctx context.Context, token string) (*iam.RefreshToken, *iam.Grant, error) {
	bad := oauthError(OAuthInvalidGrant, "the refresh token is invalid")
	id, secret, ok := parseRefreshToken(token)
	if !ok {
		return nil, nil, bad
	}
	rt, err := o.env.Store.FindRefreshToken(ctx, id)
	if iam.IsKind(err, iam.NotFound) {
		return nil, nil, bad
	}
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(sum[:], rt.SecretHash) != 1 {
		return nil, nil, bad
	}
	g, err := o.env.Store.GetGrant(ctx, rt.OrgID, rt.GrantID)
	if iam.IsKind(err, iam.NotFound) {
		return nil, nil, bad
	}
	if err != nil {
		return nil, nil, err
	}
	return rt, g, nil
}

// grantUsable refuses a revoked or expired grant with invalid_grant.
func grantUsable(g *iam.Grant, now time.Time) error {
	if g.RevokedAt != nil {
		return grantGone("the grant has been revoked")
	}
	if g.ExpiresAt != nil && !now.Before(*g.ExpiresAt) {
		return grantGone("the grant has expired")
	}
	return nil
}

// grantHolder returns the principal a grant stands for, if it still exists
// and is enabled, else invalid_grant.
func (o *OAuth) grantHolder(ctx context.Context, g *iam.Grant) (*iam.Principal, error) {
	p, err := holder(ctx, o.env, g)
	if iam.IsKind(err, iam.Unauthenticated) {
		return nil, oauthError(OAuthInvalidGrant, iamMessage(err))
	}
	return p, err
}

// holder loads the user or service account a grant stands for as a
// principal; a missing or disabled one is Unauthenticated.
func holder(ctx context.Context, env *Env, g *iam.Grant) (*iam.Principal, error) {
	switch g.PrincipalKind {
	case iam.KindUser:
		u, err := env.Store.GetUser(ctx, g.OrgID, g.PrincipalID)
		if iam.IsKind(err, iam.NotFound) {
			return nil, iam.E(iam.Unauthenticated, "invalid_token", "the user of this grant no longer exists")
		}
		if err != nil {
			return nil, err
		}
		if u.Disabled {
			return nil, iam.E(iam.Unauthenticated, "account_disabled", "this account is disabled")
		}
		return &iam.Principal{Kind: iam.KindUser, ID: u.ID, OrgID: u.OrgID, Roles: orgRoles(u.Roles),
			InstanceAdmin: u.InstanceAdmin, Name: loginName(u)}, nil
	case iam.KindServiceAccount:
		sa, err := env.Store.GetServiceAccount(ctx, g.OrgID, g.PrincipalID)
		if iam.IsKind(err, iam.NotFound) {
			return nil, iam.E(iam.Unauthenticated, "invalid_token", "the service account of this grant no longer exists")
		}
		if err != nil {
			return nil, err
		}
		if sa.Disabled {
			return nil, iam.E(iam.Unauthenticated, "account_disabled", "this service account is disabled")
		}
		return &iam.Principal{Kind: iam.KindServiceAccount, ID: sa.ID, OrgID: sa.OrgID, Name: sa.Name}, nil
	}
	return nil, iam.E(iam.Unauthenticated, "invalid_token", "the grant names an unknown kind of principal")
}

// accessToken signs an access token of g narrowed to perms, expiring after
// the access token lifetime or with the grant, whichever comes first.
func (o *OAuth) accessToken(ctx context.Context, g *iam.Grant, perms []string, now time.Time) (*Token, error) {
	exp := now.Add(o.cfg.AccessTokenTTL)
	if g.ExpiresAt != nil && g.ExpiresAt.Before(exp) {
		exp = *g.ExpiresAt
	}
	jti, err := authn.RandomToken(o.env.Rand, 12)
	if err != nil {
		return nil, iam.Wrap(err, "cannot generate a token ID")
	}
	signed, err := o.keys.sign(ctx, authn.Claims{Subject: g.PrincipalID, Org: g.OrgID, Grant: g.ID, Kind: string(g.PrincipalKind),
		Scope: strings.Join(perms, " "), TokenID: jti, Issuer: o.cfg.Issuer, IssuedAt: now, ExpiresAt: exp})
	if err != nil {
		return nil, iam.Wrap(err, "cannot sign the access token")
	}
	return &Token{AccessToken: signed, ExpiresAt: exp, ExpiresIn: int64(exp.Sub(now).Round(time.Second) / time.Second), Grant: g}, nil
}

// passThroughScopes are scope values clients send that name no permission
// and narrow nothing.
var passThroughScopes = map[string]bool{"sp:scopes:all": true, "offline_access": true}

// narrowScope reads a space-separated scope: catalog permissions and
// patterns narrow the token, each within the grant's own narrowing when it
// has one. It returns the patterns and the scope to echo.
func narrowScope(scope string, within []string) ([]string, string, error) {
	fields := strings.Fields(scope)
	var perms []string
	for _, f := range fields {
		if passThroughScopes[f] {
			continue
		}
		if _, ok := authz.LookupPermission(f); !ok && !authz.ValidPattern(f) {
			return nil, "", oauthError(OAuthInvalidScope, "unknown scope "+quote(f))
		}
		if len(within) > 0 && !patternWithin(f, within) {
			return nil, "", oauthError(OAuthInvalidScope, "scope "+quote(f)+" is beyond what the grant allows")
		}
		perms = append(perms, f)
	}
	return uniq(perms), strings.Join(fields, " "), nil
}

// patternWithin reports whether everything pattern p covers is covered by
// one of the patterns of set.
func patternWithin(p string, set []string) bool {
	pp, pwild := strings.CutSuffix(p, "*")
	for _, g := range set {
		gp, gwild := strings.CutSuffix(g, "*")
		if !gwild && !pwild && g == p || gwild && strings.HasPrefix(pp, gp) {
			return true
		}
	}
	return false
}

// newRefreshToken mints a refresh token of g: wrt_<id>_<secret>, of which
// only the secret's SHA-256 is kept.
func newRefreshToken(env *Env, g *iam.Grant, now time.Time) (*iam.RefreshToken, string, error) {
	id, err := env.newID(now)
	if err != nil {
		return nil, "", err
	}
	secret, err := authn.RandomToken(env.Rand, refreshSecretBytes)
	if err != nil {
		return nil, "", iam.Wrap(err, "cannot generate a refresh token")
	}
	sum := sha256.Sum256([]byte(secret))
	rt := &iam.RefreshToken{ID: id, OrgID: g.OrgID, GrantID: g.ID, SecretHash: sum[:], CreatedAt: now}
	return rt, refreshPrefix + id.Hex() + "_" + secret, nil
}

// parseRefreshToken splits wrt_<32 hex digits>_<secret>.
func parseRefreshToken(s string) (iam.ID, string, bool) {
	rest, ok := strings.CutPrefix(s, refreshPrefix)
	if !ok || len(s) > 200 {
		return iam.NilID, "", false
	}
	idPart, secret, ok := strings.Cut(rest, "_")
	if !ok || len(idPart) != 32 || secret == "" {
		return iam.NilID, "", false
	}
	id, err := iam.ParseID(idPart)
	if err != nil {
		return iam.NilID, "", false
	}
	return id, secret, true
}

// revokeGrant revokes g with its audit event and makes this node refuse
// its tokens at once. A grant already revoked is left as it is.
func revokeGrant(ctx context.Context, env *Env, g *iam.Grant, reason string, actor ...*iam.Principal) error {
	now := env.now()
	err := env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.RevokeGrant(ctx, g.OrgID, g.ID, now); err != nil {
			return err
		}
		if err := q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidateGrant, OrgID: g.OrgID, ID: g.ID}); err != nil {
			return err
		}
		return env.record(ctx, q, g.OrgID, now, event{"grant.revoked", "grant", g.ID.String(),
			map[string]any{"principal_id": g.PrincipalID, "type": g.Type, "reason": reason}}, actor...)
	})
	if err != nil && !iam.IsKind(err, iam.NotFound) {
		return err
	}
	env.grants.revoke(g.ID, now)
	return err
}

func grantCreated(g *iam.Grant) event {
	ch := map[string]any{"principal_type": g.PrincipalKind, "principal_id": g.PrincipalID, "type": g.Type,
		"permissions": nonNil(g.Permissions)}
	if !g.ClientID.IsZero() {
		ch["client_id"] = g.ClientID
	}
	if g.ForClientID != "" {
		ch["for_client_id"] = g.ForClientID
	}
	if g.ExpiresAt != nil {
		ch["expires_at"] = g.ExpiresAt
	}
	return event{"grant.created", "grant", g.ID.String(), ch}
}

func tokenIssued(g *iam.Grant, grantType, scope string) event {
	ch := map[string]any{"grant_type": grantType, "principal_type": g.PrincipalKind, "principal_id": g.PrincipalID}
	if !g.ClientID.IsZero() {
		ch["client_id"] = g.ClientID
	}
	if scope != "" {
		ch["scope"] = scope
	}
	return event{"token.issued", "grant", g.ID.String(), ch}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Revoke is RFC 7009: the client revokes a refresh or access token, and
// with it the token's whole grant. Unknown, expired and other
// organizations' tokens are no error: there is nothing to revoke.
func (o *OAuth) Revoke(ctx context.Context, cc ClientCredentials, token string) error {
	client, err := o.authenticateClient(ctx, cc)
	if err != nil {
		return err
	}
	if client == nil {
		return oauthError(OAuthInvalidClient, "revocation needs client authentication")
	}
	if token == "" {
		return oauthError(OAuthInvalidRequest, "token is required")
	}
	g, _, err := o.resolve(ctx, token)
	if err != nil || g == nil || g.OrgID != client.OrgID {
		return err
	}
	if !g.ClientID.IsZero() && g.ClientID != client.ID {
		return oauthError(OAuthUnauthorizedClient, "the token was issued to another client")
	}
	if g.RevokedAt != nil {
		return nil
	}
	actor := &iam.Principal{Kind: g.PrincipalKind, ID: g.PrincipalID, OrgID: g.OrgID}
	if err := revokeGrant(ctx, o.env, g, "revoked", actor); err != nil && !iam.IsKind(err, iam.NotFound) {
		return err
	}
	return nil
}

// resolved describes a token resolve found.
type resolved struct {
	tokenType string // access_token or refresh_token
	subject   iam.ID
	scope     string
	issuedAt  time.Time
	expiresAt *time.Time
	used      bool // a refresh token already exchanged
}

// resolve finds the grant of a refresh token or of a valid access token;
// nil when the token is none of Warden's.
func (o *OAuth) resolve(ctx context.Context, token string) (*iam.Grant, *resolved, error) {
	if strings.HasPrefix(token, refreshPrefix) {
		rt, g, err := o.findRefreshToken(ctx, token)
		if IsOAuthError(err) {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		return g, &resolved{tokenType: "refresh_token", subject: g.PrincipalID, scope: strings.Join(g.Permissions, " "),
			issuedAt: rt.CreatedAt, expiresAt: g.ExpiresAt, used: rt.UsedAt != nil}, nil
	}
	c, err := o.keys.verify(ctx, token)
	if iam.IsKind(err, iam.Unauthenticated) || err == nil && c.Grant.IsZero() {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	g, err := o.env.Store.GetGrant(ctx, c.Org, c.Grant)
	if iam.IsKind(err, iam.NotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if g.PrincipalID != c.Subject {
		return nil, nil, nil
	}
	exp := c.ExpiresAt
	return g, &resolved{tokenType: "access_token", subject: c.Subject, scope: c.Scope, issuedAt: c.IssuedAt, expiresAt: &exp}, nil
}

// Introspection is RFC 7662's answer; Active false says nothing more.
type Introspection struct {
	Active    bool
	Subject   iam.ID
	OrgID     iam.ID
	ClientID  iam.ID // zero for grants without a client
	Scope     string
	IssuedAt  time.Time
	ExpiresAt *time.Time
	TokenType string
	Kind      iam.PrincipalKind
}

// Introspect is RFC 7662 for an authenticated client: it describes tokens
// of the client's own organization only; anything else is inactive.
func (o *OAuth) Introspect(ctx context.Context, cc ClientCredentials, token string) (*Introspection, error) {
	client, err := o.authenticateClient(ctx, cc)
	if err != nil {
		return nil, err
	}
	if client == nil {
		return nil, oauthError(OAuthInvalidClient, "introspection needs client authentication")
	}
	if token == "" {
		return nil, oauthError(OAuthInvalidRequest, "token is required")
	}
	inactive := &Introspection{}
	g, r, err := o.resolve(ctx, token)
	if err != nil || g == nil || g.OrgID != client.OrgID || r.used {
		return inactive, err
	}
	if grantUsable(g, o.env.now()) != nil {
		return inactive, nil
	}
	if _, err := holder(ctx, o.env, g); err != nil {
		if iam.IsKind(err, iam.Unauthenticated) {
			return inactive, nil
		}
		return nil, err
	}
	if !g.ClientID.IsZero() {
		c, err := o.env.Store.FindOAuthClient(ctx, g.ClientID)
		if err != nil && !iam.IsKind(err, iam.NotFound) {
			return nil, err
		}
		if c == nil || c.RevokedAt != nil {
			return inactive, nil
		}
	}
	return &Introspection{Active: true, Subject: r.subject, OrgID: g.OrgID, ClientID: g.ClientID, Scope: r.scope,
		IssuedAt: r.issuedAt, ExpiresAt: r.expiresAt, TokenType: r.tokenType, Kind: g.PrincipalKind}, nil
}
