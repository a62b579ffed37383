package service

import (
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// grantCache keeps recently checked grants, as sessionCache keeps
// sessions: an access token costs no grant query in the common case.
type grantCache struct {
	*recheckCache[cachedGrant]
}

type cachedGrant struct {
	g iam.Grant
	// clientRevoked: the OAuth client the grant was issued to is revoked,
	// which ends the grant's tokens too.
	clientRevoked bool
}

func newGrantCache() *grantCache { return &grantCache{newRecheckCache[cachedGrant]()} }

// get returns the cached grant (shared and read-only), whether its client
// is revoked, and whether the entry is fresh enough to trust.
func (c *grantCache) get(id iam.ID, now time.Time) (*iam.Grant, bool, bool) {
	e, ok := c.recheckCache.get(id, now)
	if !ok {
		return nil, false, false
	}
	return &e.g, e.clientRevoked, true
}

func (c *grantCache) put(g *iam.Grant, clientRevoked bool, now time.Time) {
	lastUsed := now
	if g.LastUsedAt != nil {
		lastUsed = *g.LastUsedAt
	}
	c.recheckCache.put(g.ID, cachedGrant{g: *g, clientRevoked: clientRevoked}, lastUsed, now)
}

// revoke marks a grant revoked on this node at once.
func (c *grantCache) revoke(id iam.ID, now time.Time) {
	c.update(func(k iam.ID, _ *cachedGrant) bool { return k == id },
		func(e *cachedGrant) { e.g.RevokedAt = &now })
}

// revokeClient marks every cached grant of an OAuth client as ended.
func (c *grantCache) revokeClient(clientID iam.ID) {
	c.update(func(_ iam.ID, e *cachedGrant) bool { return e.g.ClientID == clientID },
		func(e *cachedGrant) { e.clientRevoked = true })
}
