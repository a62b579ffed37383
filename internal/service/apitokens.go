package service

import (
	"context"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// API tokens are ThousandEyes' long-lived bearer tokens: a principal holds
// one, and rotating it gives a new one, valid two years, while the previous
// one keeps working for fourteen days (or until its own expiry) so that
// clients can switch over. A token is an API key (apikeys.go) with the
// reserved description apiTokenDescription: unbound to sources and
// unnarrowed, and only ever its owner's.
const (
	apiTokenDescription = "api-token"
	apiTokenYears       = 2
	apiTokenOverlap     = 14 * 24 * time.Hour
)

// APITokens rotates and lists the caller's own API tokens.
type APITokens struct {
	env  *Env
	keys *APIKeys
}

var errRotationInProgress = iam.E(iam.Conflict, "rotation_in_progress",
	"the previous API token is still inside its overlap period; rotate again once it has expired")

// rotator returns the caller if it may mint itself a token: a user or
// service account authenticated by a session, an OAuth access token or its
// current API token, and holding all of its permissions. An ordinary API
// key (which may be bound to sources or narrowed) and a narrowed OAuth
// token may not: an unconstrained token would be more than they are.
func (s *APITokens) rotator(ctx context.Context) (*iam.Principal, error) {
	p := iam.PrincipalFrom(ctx)
	if p == nil {
		return nil, errUnauthenticated
	}
	if p.Kind != iam.KindUser && p.Kind != iam.KindServiceAccount {
		return nil, errForbidden
	}
	if p.Credential == "api_key" {
		k, err := s.env.Store.GetAPIKey(ctx, p.OrgID, p.CredentialID)
		if err != nil && !iam.IsKind(err, iam.NotFound) {
			return nil, err
		}
		if err != nil || k.Description != apiTokenDescription {
			return nil, iam.E(iam.PermissionDenied, "apikey_cannot_mint",
				"an API key cannot rotate API tokens; use a login session, an OAuth token or the current API token")
		}
	}
	if len(p.Permissions) > 0 {
		return nil, iam.E(iam.PermissionDenied, "forbidden", "a credential narrowed to some permissions cannot mint an API token")
	}
	return p, nil
}

// isAPIToken reports whether k is a token of this endpoint, usable at now.
func isAPIToken(k *iam.APIKey, now time.Time) bool {
	return k.Description == apiTokenDescription && k.RevokedAt == nil && (k.ExpiresAt == nil || now.Before(*k.ExpiresAt))
}

// Rotate mints the caller a new API token, valid two years and shown once,
// and cuts the previous one's life to fourteen days from now. While an
// older token is still inside its overlap, it is 409 rotation_in_progress.
func (s *APITokens) Rotate(ctx context.Context) (*MintedAPIKey, error) {
	p, err := s.rotator(ctx)
	if err != nil {
		return nil, err
	}
	owner := KeyOwner{Kind: p.Kind, ID: p.ID}
	now := s.env.now()
	expires := now.AddDate(apiTokenYears, 0, 0)
	m, err := s.keys.mint(p.OrgID, owner, now, &iam.APIKey{Description: apiTokenDescription, ExpiresAt: &expires})
	if err != nil {
		return nil, err
	}
	var previous *iam.APIKey
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		keys, err := q.ListAPIKeys(ctx, p.OrgID, p.ID)
		if err != nil {
			return err
		}
		var live []*iam.APIKey
		for _, k := range keys {
			if k.PrincipalKind == p.Kind && isAPIToken(k, now) {
				live = append(live, k)
			}
		}
		if len(live) > 1 {
			return errRotationInProgress
		}
		changes := map[string]any{"principal_type": p.Kind, "principal_id": p.ID, "expires_at": expires}
		if len(live) == 1 {
			previous = live[0]
			cut := now.Add(apiTokenOverlap)
			if previous.ExpiresAt != nil && previous.ExpiresAt.Before(cut) {
				cut = *previous.ExpiresAt
			}
			if err := q.RenewAPIKey(ctx, p.OrgID, previous.ID, &cut); err != nil {
				return err
			}
			if err := q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidateAPIKey, OrgID: p.OrgID, ID: previous.ID}); err != nil {
				return err
			}
			changes["previous_id"], changes["previous_expires_at"] = previous.ID, cut
		}
		if err := q.CreateAPIKey(ctx, m.Key); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"apitoken.rotated", "apikey", m.Key.ID.String(), changes})
	})
	if err != nil {
		return nil, err
	}
	if previous != nil {
		s.keys.cache.forget(previous.ID)
	}
	return m, nil
}

// List returns the caller's usable API tokens, oldest first: one, or two
// during an overlap. Never their secrets.
func (s *APITokens) List(ctx context.Context) ([]*iam.APIKey, error) {
	p := iam.PrincipalFrom(ctx)
	if p == nil {
		return nil, errUnauthenticated
	}
	keys, err := s.env.Store.ListAPIKeys(ctx, p.OrgID, p.ID)
	if err != nil {
		return nil, err
	}
	now := s.env.Now()
	out := []*iam.APIKey{}
	for _, k := range keys {
		if k.PrincipalKind == p.Kind && isAPIToken(k, now) {
			out = append(out, k)
		}
	}
	return out, nil
}
