package service

import (
	"context"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
)

// ExchangeAccessToken is Squirro's access_token grant: a valid access token
// of a grant is exchanged for a fresh one of the same grant, narrowed as
// the presented token was. Session tokens and API keys are not grants'
// tokens and get invalid_grant. No refresh token is issued: the grant's
// refresh tokens stay as they are. When the client authenticates, it must
// be of the token's organization and, for a grant issued to a client, be
// that client.
func (o *OAuth) ExchangeAccessToken(ctx context.Context, cc ClientCredentials, token string) (*Token, error) {
	client, err := o.authenticateClient(ctx, cc)
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, oauthError(OAuthInvalidRequest, "access_token is required")
	}
	bad := oauthError(OAuthInvalidGrant, "the access token is invalid")
	if strings.HasPrefix(token, refreshPrefix) {
		return nil, bad
	}
	c, err := o.keys.verify(ctx, token)
	if iam.IsKind(err, iam.Unauthenticated) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	if c.Grant.IsZero() {
		return nil, bad
	}
	g, err := o.env.Store.GetGrant(ctx, c.Org, c.Grant)
	if iam.IsKind(err, iam.NotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	if g.PrincipalID != c.Subject || string(g.PrincipalKind) != c.Kind {
		return nil, bad
	}
	now := o.env.now()
	if err := grantUsable(g, now); err != nil {
		return nil, err
	}
	switch {
	case !g.ClientID.IsZero() && client == nil:
		return nil, oauthError(OAuthInvalidClient, "this access token needs the client it was issued to")
	case !g.ClientID.IsZero() && client.ID != g.ClientID,
		client != nil && client.OrgID != g.OrgID:
		return nil, oauthError(OAuthInvalidGrant, "the access token was issued to another client")
	}
	if !g.ClientID.IsZero() {
		if cl, err := o.env.Store.FindOAuthClient(ctx, g.ClientID); err != nil || cl.RevokedAt != nil {
			if err != nil && !iam.IsKind(err, iam.NotFound) {
				return nil, err
			}
			return nil, grantGone("the client of this grant is revoked")
		}
	}
	actor, err := o.grantHolder(ctx, g)
	if err != nil {
		return nil, err
	}
	perms := strings.Fields(c.Scope)
	if len(perms) == 0 {
		perms = g.Permissions
	}
	tok, err := o.accessToken(ctx, g, perms, now)
	if err != nil {
		return nil, err
	}
	scope := strings.Join(perms, " ")
	err = o.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.TouchGrant(ctx, g.OrgID, g.ID, now); err != nil {
			return err
		}
		return o.env.record(ctx, q, g.OrgID, now, tokenIssued(g, "access_token", scope), actor)
	})
	if err != nil {
		return nil, err
	}
	tok.Scope = scope
	return tok, nil
}
