package service

import (
	"context"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// Grants are users' long-lived grants, as Squirro issues them: a refresh
// token handed out once, exchanged at the token endpoint (without client
// authentication) for access tokens that carry at most the grant's
// project permissions.
//
// Who may: a user manages their own grants. Listing another user's needs
// sessions.read and revoking one sessions.delete (a grant is a long-lived
// session); issuing one for another user needs passwords.set, the right
// that already lets a helpdesk take an account over, and the issuer must
// hold every org role the user holds.
type Grants struct {
	env *Env
}

// NewGrant is the input of Grants.Create.
type NewGrant struct {
	Type        string // user or service
	ForClientID string // service grants only
	Permissions []string
}

// List returns a user's grants that are still usable, oldest first.
func (s *Grants) List(ctx context.Context, userID iam.ID) ([]*iam.Grant, error) {
	p, err := s.authorize(ctx, authz.SessionsRead, userID)
	if err != nil {
		return nil, err
	}
	if _, err := s.env.Store.GetUser(ctx, p.OrgID, userID); err != nil {
		return nil, err
	}
	all, err := s.env.Store.ListGrants(ctx, p.OrgID, userID)
	if err != nil {
		return nil, err
	}
	now := s.env.now()
	out := all[:0]
	for _, g := range all {
		if g.PrincipalKind == iam.KindUser && grantUsable(g, now) == nil {
			out = append(out, g)
		}
	}
	return out, nil
}

// Create issues a grant to a user and returns it with its refresh token,
// which is never shown again.
func (s *Grants) Create(ctx context.Context, userID iam.ID, in NewGrant) (*iam.Grant, string, error) {
	p, err := s.authorize(ctx, authz.PasswordsSet, userID)
	if err != nil {
		return nil, "", err
	}
	if len(p.Permissions) > 0 {
		return nil, "", iam.E(iam.PermissionDenied, "forbidden", "a credential narrowed to some permissions cannot issue grants")
	}
	var c checks
	switch in.Type {
	case GrantUser:
		if in.ForClientID != "" {
			c.add("for_client_id", "is only for grants of type service")
		}
	case GrantService:
		c.text("for_client_id", in.ForClientID, false, 200)
	case "":
		c.add("type", "is required")
	default:
		c.add("type", "must be user or service")
	}
	if len(in.Permissions) > 100 {
		c.add("project_permissions", "may name at most 100 permissions")
	}
	for _, perm := range in.Permissions {
		if !authz.ValidPattern(perm) {
			c.add("project_permissions", "unknown permission "+quote(perm))
			break
		}
	}
	if err := c.err(); err != nil {
		return nil, "", err
	}
	u, err := s.env.Store.GetUser(ctx, p.OrgID, userID)
	if err != nil {
		return nil, "", err
	}
	if u.Disabled {
		return nil, "", iam.E(iam.FailedPrecondition, "account_disabled", "the user is disabled")
	}
	if p.ID != u.ID {
		// Minting a credential of someone who may do more than the issuer
		// would be a way up.
		if u.InstanceAdmin && !p.InstanceAdmin {
			return nil, "", iam.E(iam.PermissionDenied, "forbidden", "only an instance administrator may issue grants for one")
		}
		if err := s.env.access.authorizeRoleChange(ctx, nil, orgRoles(u.Roles)); err != nil {
			return nil, "", err
		}
	}
	now := s.env.now()
	id, err := s.env.newID(now)
	if err != nil {
		return nil, "", err
	}
	g := &iam.Grant{ID: id, OrgID: u.OrgID, PrincipalKind: iam.KindUser, PrincipalID: u.ID, Type: in.Type,
		ForClientID: in.ForClientID, Permissions: uniq(in.Permissions), CreatedAt: now}
	rt, refresh, err := newRefreshToken(s.env, g, now)
	if err != nil {
		return nil, "", err
	}
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.CreateGrant(ctx, g); err != nil {
			return err
		}
		if err := q.CreateRefreshToken(ctx, rt); err != nil {
			return err
		}
		return s.env.record(ctx, q, g.OrgID, now, grantCreated(g))
	})
	if err != nil {
		return nil, "", err
	}
	return g, refresh, nil
}

// Revoke revokes one of a user's grants at once: its refresh tokens and
// access tokens stop working.
func (s *Grants) Revoke(ctx context.Context, userID, grantID iam.ID) error {
	p, err := s.authorize(ctx, authz.SessionsDelete, userID)
	if err != nil {
		return err
	}
	g, err := s.env.Store.GetGrant(ctx, p.OrgID, grantID)
	if err != nil {
		return err
	}
	if g.PrincipalKind != iam.KindUser || g.PrincipalID != userID || g.RevokedAt != nil {
		return iam.ErrNotFound("grant")
	}
	return revokeGrant(ctx, s.env, g, "revoked")
}

// authorize lets users act on their own grants, unless their credential
// is narrowed to exclude perm; anyone else needs perm.
func (s *Grants) authorize(ctx context.Context, perm string, userID iam.ID) (*iam.Principal, error) {
	p := iam.PrincipalFrom(ctx)
	if p != nil && p.Kind == iam.KindUser && p.ID == userID && narrowedTo(p.Permissions, perm) {
		return p, nil
	}
	return s.env.authorize(ctx, perm, orgLevel)
}

// grantPrincipal turns a verified access token bound to a grant into its
// principal: the grant must be live (checked through the grant cache), its
// client not revoked, and its user or service account still there and
// enabled.
func (a *Auth) grantPrincipal(ctx context.Context, c authn.Claims) (*iam.Principal, error) {
	now := a.env.Now()
	g, clientRevoked, fresh := a.env.grants.get(c.Grant, now)
	if !fresh {
		var err error
		g, err = a.env.Store.GetGrant(ctx, c.Org, c.Grant)
		if iam.IsKind(err, iam.NotFound) {
			return nil, iam.E(iam.Unauthenticated, "invalid_token", "the grant of this token does not exist")
		}
		if err != nil {
			return nil, err
		}
		clientRevoked = false
		if !g.ClientID.IsZero() {
			cl, err := a.env.Store.FindOAuthClient(ctx, g.ClientID)
			if err != nil && !iam.IsKind(err, iam.NotFound) {
				return nil, err
			}
			clientRevoked = cl == nil || cl.RevokedAt != nil
		}
		a.env.grants.put(g, clientRevoked, now)
	}
	switch {
	case g.OrgID != c.Org || g.PrincipalID != c.Subject || string(g.PrincipalKind) != c.Kind:
		return nil, iam.E(iam.Unauthenticated, "invalid_token", "the token does not match its grant")
	case g.RevokedAt != nil || clientRevoked:
		return nil, iam.E(iam.Unauthenticated, "token_revoked", "this token has been revoked")
	case g.ExpiresAt != nil && !now.Before(*g.ExpiresAt):
		return nil, iam.E(iam.Unauthenticated, "token_expired", "the grant of this token has expired")
	}
	p, err := holder(ctx, a.env, g)
	if err != nil {
		return nil, err
	}
	p.Credential, p.CredentialID = "oauth", g.ID
	p.Permissions = strings.Fields(c.Scope)
	if len(p.Permissions) == 0 {
		p.Permissions = g.Permissions
	}
	if a.env.grants.shouldTouch(g.ID, now) {
		if err := a.env.Store.TouchGrant(ctx, g.OrgID, g.ID, now.UTC().Truncate(time.Microsecond)); err != nil {
			a.env.Log.Warn("cannot record grant activity", "grant", g.ID, "err", err)
		}
	}
	return p, nil
}
