package service

import (
	"context"
	"crypto/sha256"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// OAuthClients are an organization's first-party OAuth clients: its own
// applications, which may use the password grant when AllowPassword is
// set. (Service accounts' clients are managed with the service account.)
// Managing them is organization configuration: orgs.update.
type OAuthClients struct {
	env *Env
}

// List returns the organization's active first-party clients.
func (s *OAuthClients) List(ctx context.Context) ([]*iam.OAuthClient, error) {
	p, err := s.env.authorize(ctx, authz.OrgsUpdate, orgLevel)
	if err != nil {
		return nil, err
	}
	all, err := s.env.Store.ListOAuthClients(ctx, p.OrgID, iam.NilID)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, c := range all {
		if c.ServiceAccountID.IsZero() && c.RevokedAt == nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// Create adds a first-party client and returns it with its secret, which
// is never shown again.
func (s *OAuthClients) Create(ctx context.Context, name string, allowPassword bool) (*iam.OAuthClient, string, error) {
	p, err := s.env.authorize(ctx, authz.OrgsUpdate, orgLevel)
	if err != nil {
		return nil, "", err
	}
	var c checks
	c.text("name", name, true, 100)
	if err := c.err(); err != nil {
		return nil, "", err
	}
	now := s.env.now()
	id, err := s.env.newID(now)
	if err != nil {
		return nil, "", err
	}
	secret, err := authn.RandomToken(s.env.Rand, 32)
	if err != nil {
		return nil, "", iam.Wrap(err, "cannot generate a client secret")
	}
	secret = ClientSecretPrefix + secret
	sum := sha256.Sum256([]byte(secret))
	cl := &iam.OAuthClient{ID: id, OrgID: p.OrgID, Name: name, SecretHash: sum[:], AllowPassword: allowPassword, CreatedAt: now}
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.CreateOAuthClient(ctx, cl); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"oauth_client.created", "oauth_client", id.String(),
			map[string]any{"name": name, "allow_password": allowPassword}})
	})
	if err != nil {
		return nil, "", err
	}
	return cl, secret, nil
}

// Revoke revokes a first-party client: it can no longer authenticate, and
// the tokens of its grants stop working.
func (s *OAuthClients) Revoke(ctx context.Context, id iam.ID) error {
	p, err := s.env.authorize(ctx, authz.OrgsUpdate, orgLevel)
	if err != nil {
		return err
	}
	cl, err := s.env.Store.FindOAuthClient(ctx, id)
	if err != nil {
		return err
	}
	if cl.OrgID != p.OrgID || !cl.ServiceAccountID.IsZero() || cl.RevokedAt != nil {
		return iam.ErrNotFound("oauth client")
	}
	now := s.env.now()
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.RevokeOAuthClient(ctx, p.OrgID, id, now); err != nil {
			return err
		}
		if err := q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidateClient, OrgID: p.OrgID, ID: id}); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"oauth_client.revoked", "oauth_client", id.String(),
			map[string]any{"name": cl.Name}})
	})
	if err != nil {
		return err
	}
	s.env.grants.revokeClient(id)
	return nil
}

// clientRevoked makes this node refuse, at once, the tokens of a client
// revoked elsewhere in the service layer (a service account's client).
func (e *Env) clientRevoked(id iam.ID) { e.grants.revokeClient(id) }
