package service

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// External keeps users' external authentications (third-party tokens, as
// Squirro's authentications: a client stores a user's Exchange or Box token
// and later fetches it back) and identity links ((issuer, subject) → user),
// through which a trusted first-party client logs a user in with the
// ext_id grant (ExtID below).
//
// Who may do what:
//   - authentications: the user themself, or authentications.read to read
//     one (with its tokens) and authentications.write to store or delete;
//   - identity links: the user themself or authentications.read to read,
//     the user themself or authentications.write to unlink, but only
//     authentications.write to link, since a link decides who a trusted
//     client may log in as: an administrator vouches for it.
//
// Tokens and secrets are sealed with AES-GCM, bound to their user, service
// and field, and appear in no listing, log or audit event.
type External struct {
	env    *Env
	sealer *authn.Sealer
}

// Limits of external authentications and identity links.
const (
	maxExternalToken = 16 << 10 // bytes of an access token or secret
	maxIssuer        = 255
	maxSubject       = 255
)

// serviceName is a service's name: letters, digits, dot, dash, underscore.
var serviceName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ExternalAuthInput is a stored authentication, as PUT gives it.
type ExternalAuthInput struct {
	ServiceUser   string
	AccessToken   string
	AccessSecret  string
	DisplayName   string
	TokenExpires  *time.Time
	SecretExpires *time.Time
}

// ExternalAuth is an authentication with its tokens opened.
type ExternalAuth struct {
	*iam.ExternalAuth
	AccessToken  string
	AccessSecret string
}

func authAAD(a *iam.ExternalAuth, field string) []byte {
	return []byte("extauth:" + a.OrgID.String() + ":" + a.UserID.String() + ":" + a.Service + ":" + field)
}

// userOf is NotFound unless user is of org.
func userOf(ctx context.Context, q iam.Queries, org, user iam.ID) error {
	_, err := q.GetUser(ctx, org, user)
	return err
}

// ListAuthentications returns a user's authentications, without tokens.
func (x *External) ListAuthentications(ctx context.Context, userID iam.ID) ([]*iam.ExternalAuth, error) {
	p, err := x.env.authorizeSelfOr(ctx, authz.AuthenticationsRead, userID)
	if err != nil {
		return nil, err
	}
	if err := userOf(ctx, x.env.Store, p.OrgID, userID); err != nil {
		return nil, err
	}
	list, err := x.env.Store.ListExternalAuths(ctx, p.OrgID, userID)
	for _, a := range list {
		a.SealedToken, a.SealedSecret = nil, nil
	}
	return list, err
}

// GetAuthentication returns a user's authentication of service with its
// tokens.
func (x *External) GetAuthentication(ctx context.Context, userID iam.ID, service string) (*ExternalAuth, error) {
	p, err := x.env.authorizeSelfOr(ctx, authz.AuthenticationsRead, userID)
	if err != nil {
		return nil, err
	}
	if err := userOf(ctx, x.env.Store, p.OrgID, userID); err != nil {
		return nil, err
	}
	if !serviceName.MatchString(service) {
		return nil, iam.ErrNotFound("authentication")
	}
	a, err := x.env.Store.GetExternalAuth(ctx, p.OrgID, userID, service)
	if err != nil {
		return nil, err
	}
	out := &ExternalAuth{ExternalAuth: a}
	tok, err := x.sealer.Open(a.SealedToken, authAAD(a, "token"))
	if err != nil {
		return nil, err
	}
	out.AccessToken = string(tok)
	if a.SealedSecret != nil {
		sec, err := x.sealer.Open(a.SealedSecret, authAAD(a, "secret"))
		if err != nil {
			return nil, err
		}
		out.AccessSecret = string(sec)
	}
	a.SealedToken, a.SealedSecret = nil, nil
	return out, nil
}

// PutAuthentication stores (or replaces) a user's authentication of
// service; it reports whether it was new.
func (x *External) PutAuthentication(ctx context.Context, userID iam.ID, service string, in ExternalAuthInput) (*iam.ExternalAuth, bool, error) {
	p, err := x.env.authorizeSelfOr(ctx, authz.AuthenticationsWrite, userID)
	if err != nil {
		return nil, false, err
	}
	if err := userOf(ctx, x.env.Store, p.OrgID, userID); err != nil {
		return nil, false, err
	}
	var c checks
	if !serviceName.MatchString(service) {
		c.add("service", "must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit")
	}
	c.text("service_user", in.ServiceUser, true, 255)
	c.text("display_name", in.DisplayName, false, 200)
	switch {
	case in.AccessToken == "":
		c.add("access_token", "is required")
	case len(in.AccessToken) > maxExternalToken:
		c.add("access_token", "must be at most 16 KiB")
	}
	if len(in.AccessSecret) > maxExternalToken {
		c.add("access_secret", "must be at most 16 KiB")
	}
	if err := c.err(); err != nil {
		return nil, false, err
	}
	now := x.env.now()
	a := &iam.ExternalAuth{OrgID: p.OrgID, UserID: userID, Service: service, ServiceUser: in.ServiceUser,
		DisplayName: in.DisplayName, TokenExpires: micro(in.TokenExpires), SecretExpires: micro(in.SecretExpires),
		CreatedAt: now, UpdatedAt: now}
	if a.SealedToken, err = x.sealer.Seal([]byte(in.AccessToken), authAAD(a, "token")); err != nil {
		return nil, false, err
	}
	if in.AccessSecret != "" {
		if a.SealedSecret, err = x.sealer.Seal([]byte(in.AccessSecret), authAAD(a, "secret")); err != nil {
			return nil, false, err
		}
	}
	err = x.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.PutExternalAuth(ctx, a); err != nil {
			return err
		}
		// Never the token or the secret: only that there are some.
		return x.env.record(ctx, q, p.OrgID, now, event{"authentication.stored", "user", userID.String(), map[string]any{
			"service": service, "service_user": a.ServiceUser, "display_name": a.DisplayName, "has_secret": a.SealedSecret != nil,
			"access_token_expires": a.TokenExpires, "access_secret_expires": a.SecretExpires}})
	})
	if err != nil {
		return nil, false, err
	}
	created := a.CreatedAt.Equal(now)
	a.SealedToken, a.SealedSecret = nil, nil
	return a, created, nil
}

// micro truncates an optional time to what storage keeps, in UTC.
func micro(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC().Truncate(time.Microsecond)
	return &v
}

// DeleteAuthentication forgets a user's authentication of service.
func (x *External) DeleteAuthentication(ctx context.Context, userID iam.ID, service string) error {
	p, err := x.env.authorizeSelfOr(ctx, authz.AuthenticationsWrite, userID)
	if err != nil {
		return err
	}
	if err := userOf(ctx, x.env.Store, p.OrgID, userID); err != nil {
		return err
	}
	if !serviceName.MatchString(service) {
		return iam.ErrNotFound("authentication")
	}
	now := x.env.now()
	return x.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.DeleteExternalAuth(ctx, p.OrgID, userID, service); err != nil {
			return err
		}
		return x.env.record(ctx, q, p.OrgID, now, event{"authentication.deleted", "user", userID.String(),
			map[string]any{"service": service}})
	})
}

// ListIdentities returns a user's identity links by issuer.
func (x *External) ListIdentities(ctx context.Context, userID iam.ID) ([]*iam.IdentityLink, error) {
	p, err := x.env.authorizeSelfOr(ctx, authz.AuthenticationsRead, userID)
	if err != nil {
		return nil, err
	}
	if err := userOf(ctx, x.env.Store, p.OrgID, userID); err != nil {
		return nil, err
	}
	return x.env.Store.ListIdentityLinks(ctx, p.OrgID, userID)
}

// GetIdentity returns a user's link of issuer.
func (x *External) GetIdentity(ctx context.Context, userID iam.ID, issuer string) (*iam.IdentityLink, error) {
	p, err := x.env.authorizeSelfOr(ctx, authz.AuthenticationsRead, userID)
	if err != nil {
		return nil, err
	}
	if err := userOf(ctx, x.env.Store, p.OrgID, userID); err != nil {
		return nil, err
	}
	return x.env.Store.GetIdentityLink(ctx, p.OrgID, userID, issuer)
}

// LinkIdentity links (issuer, subject) to a user, replacing the user's
// link of that issuer; it reports whether the link was new. Another user's
// (issuer, subject) is 409.
func (x *External) LinkIdentity(ctx context.Context, userID iam.ID, issuer, subject string) (*iam.IdentityLink, bool, error) {
	p, err := x.env.authorize(ctx, authz.AuthenticationsWrite, orgLevel)
	if err != nil {
		return nil, false, err
	}
	if err := userOf(ctx, x.env.Store, p.OrgID, userID); err != nil {
		return nil, false, err
	}
	var c checks
	c.text("issuer", issuer, true, maxIssuer)
	c.text("subject", subject, true, maxSubject)
	if strings.TrimSpace(subject) != subject {
		c.add("subject", "must not start or end with spaces")
	}
	if err := c.err(); err != nil {
		return nil, false, err
	}
	now := x.env.now()
	l := &iam.IdentityLink{OrgID: p.OrgID, UserID: userID, Issuer: issuer, Subject: subject, CreatedAt: now}
	err = x.env.Store.Tx(ctx, func(q iam.Queries) error {
		old, err := q.GetIdentityLink(ctx, p.OrgID, userID, issuer)
		if err != nil && !iam.IsKind(err, iam.NotFound) {
			return err
		}
		if old != nil && old.Subject == subject {
			*l = *old
			return nil
		}
		if err := q.PutIdentityLink(ctx, l); err != nil {
			if iam.IsKind(err, iam.Conflict) {
				return &iam.Error{Kind: iam.Conflict, Code: "conflict", Message: "this identity is linked to another user",
					Fields: []iam.FieldError{{Field: "subject", Message: "is already linked to another user of the organization"}}}
			}
			return err
		}
		changes := map[string]any{"issuer": issuer, "subject": subject}
		if old != nil {
			changes["previous_subject"] = old.Subject
		}
		return x.env.record(ctx, q, p.OrgID, now, event{"identity.linked", "user", userID.String(), changes})
	})
	if err != nil {
		return nil, false, err
	}
	return l, l.CreatedAt.Equal(now), nil
}

// UnlinkIdentity removes a user's link of issuer.
func (x *External) UnlinkIdentity(ctx context.Context, userID iam.ID, issuer string) error {
	p, err := x.env.authorizeSelfOr(ctx, authz.AuthenticationsWrite, userID)
	if err != nil {
		return err
	}
	if err := userOf(ctx, x.env.Store, p.OrgID, userID); err != nil {
		return err
	}
	now := x.env.now()
	return x.env.Store.Tx(ctx, func(q iam.Queries) error {
		l, err := q.GetIdentityLink(ctx, p.OrgID, userID, issuer)
		if err != nil {
			return err
		}
		if err := q.DeleteIdentityLink(ctx, p.OrgID, userID, issuer); err != nil {
			return err
		}
		return x.env.record(ctx, q, p.OrgID, now, event{"identity.unlinked", "user", userID.String(),
			map[string]any{"issuer": issuer, "subject": l.Subject}})
	})
}

// GrantExtID is the type of grants the ext_id grant opens.
const GrantExtID = "ext_id"

// extID is Squirro's ext_id grant: a first-party client allowed the
// password grant (a trusted party that logs users in) names an identity,
// auth_service (the issuer) and auth_user (the subject), and gets tokens of
// the user of its organization linked to it, as a password login would.
// It is a login vouched for by the client: no password, no MFA.
func (o *OAuth) extID(ctx context.Context, client *iam.OAuthClient, in TokenRequest) (*Token, error) {
	if client == nil {
		return nil, oauthError(OAuthInvalidClient, "the ext_id grant needs client authentication")
	}
	if !client.AllowPassword || !client.ServiceAccountID.IsZero() {
		return nil, oauthError(OAuthUnauthorizedClient, "this client may not use the ext_id grant")
	}
	if in.AuthService == "" || in.AuthUser == "" {
		return nil, oauthError(OAuthInvalidRequest, "auth_service and auth_user are required")
	}
	perms, echo, err := narrowScope(in.Scope, nil)
	if err != nil {
		return nil, err
	}
	bad := oauthError(OAuthInvalidGrant, "no user is linked to this identity")
	l, err := o.env.Store.FindIdentityLink(ctx, client.OrgID, in.AuthService, in.AuthUser)
	if iam.IsKind(err, iam.NotFound) || iam.IsKind(err, iam.Invalid) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	u, err := o.env.Store.GetUser(ctx, l.OrgID, l.UserID)
	if iam.IsKind(err, iam.NotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, oauthError(OAuthInvalidGrant, "this account is disabled")
	}
	return o.userGrant(ctx, client, u, GrantExtID, perms, echo, func(g *iam.Grant, grantType, scope string) event {
		e := tokenIssued(g, grantType, scope)
		e.changes.(map[string]any)["auth_service"] = in.AuthService
		return e
	})
}
