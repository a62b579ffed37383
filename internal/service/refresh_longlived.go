package service

import (
	"context"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
)

// longLived reports whether g is a grant a user issued (Squirro's user and
// service grants): its refresh token is a standing credential, pasted into
// a client's configuration and presented at every start, like an API key.
// Rotating it would make the second start look like theft and revoke the
// grant, so it does not rotate: the refresh grant answers with the same
// refresh token, which stays valid until the grant is revoked. Grants of
// password and ext_id logins keep rotating (oauth.go).
func longLived(g *iam.Grant) bool {
	return g.Type == GrantUser || g.Type == GrantService
}

// refreshLongLived issues an access token of a long-lived grant, narrowed
// to scope within the grant, and hands back the presented refresh token.
func (o *OAuth) refreshLongLived(ctx context.Context, g *iam.Grant, token, scope string, actor *iam.Principal) (*Token, error) {
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
	now := o.env.now()
	tok, err := o.accessToken(ctx, g, perms, now)
	if err != nil {
		return nil, err
	}
	err = o.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.TouchGrant(ctx, g.OrgID, g.ID, now); err != nil {
			return err
		}
		return o.env.record(ctx, q, g.OrgID, now, tokenIssued(g, "refresh_token", echo), actor)
	})
	if err != nil {
		return nil, err
	}
	tok.RefreshToken, tok.Scope = token, echo
	return tok, nil
}
