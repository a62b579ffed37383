package service

import (
	"context"

	"github.com/wardenhq/warden/internal/iam"
)

// Listen applies to this node's caches the invalidations every node sharing
// the store commits (iam.Store.Listen), until ctx ends: on PostgreSQL a
// revocation or a change of permissions made on another node takes effect
// here within milliseconds. The caches' short recheck and Access.Run's poll
// remain the fallback for messages lost while the listener reconnects. On
// SQLite (one node per file) it just waits for ctx.
func (s *Services) Listen(ctx context.Context) {
	env := s.Auth.env
	if err := env.Store.Listen(ctx, func(inv iam.Invalidation) { s.invalidate(ctx, inv) }); err != nil && ctx.Err() == nil {
		env.Log.Error("cannot listen for invalidations; other nodes' changes arrive by polling only", "err", err)
	}
}

// invalidate drops what this node caches about what inv names, so that its
// next use reads the store again. The transaction that sent inv has
// committed, so that read sees the change.
func (s *Services) invalidate(ctx context.Context, inv iam.Invalidation) {
	sessions, keys, grants := s.Auth.sessions, s.APIKeys.cache, s.Auth.env.grants
	switch inv.Kind {
	case iam.InvalidateSession:
		sessions.forget(inv.ID)
	case iam.InvalidateAPIKey:
		keys.forget(inv.ID)
	case iam.InvalidateGrant:
		grants.forget(inv.ID)
	case iam.InvalidateClient:
		grants.forgetWhere(func(e *cachedGrant) bool { return e.g.ClientID == inv.ID })
	case iam.InvalidateUser:
		s.Auth.env.users.forget(inv.ID)
	case iam.InvalidatePrincipal:
		s.Auth.env.users.forget(inv.ID)
		keys.forgetOwner(inv.ID)
		sessions.forgetUser(inv.ID)
		grants.forgetWhere(func(e *cachedGrant) bool { return e.g.PrincipalID == inv.ID })
	case iam.InvalidateAuthz:
		s.Access.bumped(inv.OrgID, inv.Version)
	case iam.InvalidateOrg:
		s.forgetCredentials() // deleting an organization is rare: no need to pick
	case iam.InvalidateAll:
		s.forgetCredentials()
		s.Access.poll(ctx)
	default:
		s.Auth.env.Log.Debug("ignoring an invalidation of an unknown kind", "kind", inv.Kind)
	}
}

// forgetCredentials empties this node's credential caches.
func (s *Services) forgetCredentials() { s.Auth.env.forgetCredentials() }

// forgetCredentials empties the caches of sessions (with their users), API
// keys, grants and users.
func (e *Env) forgetCredentials() {
	e.users.clear()
	e.sessions.clear()
	e.apiKeys.cache.clear()
	e.grants.clear()
}
