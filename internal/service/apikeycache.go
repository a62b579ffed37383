package service

import (
	"net/netip"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// apiKeyCache keeps recently checked API keys, with their parsed sources,
// their owner's state and the principal they make, so that authenticating
// a request by key costs no query in the common case.
type apiKeyCache struct {
	*recheckCache[*cachedKey] // entries are never changed once stored
}

type cachedKey struct {
	key       iam.APIKey
	sources   []netip.Prefix
	disabled  bool // the owner is disabled
	principal iam.Principal
}

func newAPIKeyCache() *apiKeyCache { return &apiKeyCache{newRecheckCache[*cachedKey]()} }

// get returns the entry of id if it is fresh enough to trust.
func (c *apiKeyCache) get(id iam.ID, now time.Time) *cachedKey {
	if e, ok := c.recheckCache.get(id, now); ok {
		return *e
	}
	return nil
}

// put stores e, read at now, and returns it; e must not change afterwards.
func (c *apiKeyCache) put(e *cachedKey, now time.Time) *cachedKey {
	var lastUsed time.Time
	if e.key.LastUsedAt != nil {
		lastUsed = *e.key.LastUsedAt
	}
	c.recheckCache.put(e.key.ID, e, lastUsed, now)
	return e
}

// revoke marks a cached key revoked at once.
func (c *apiKeyCache) revoke(id iam.ID, now time.Time) {
	c.update(func(k iam.ID, _ **cachedKey) bool { return k == id }, func(e **cachedKey) {
		n := **e
		n.key.RevokedAt = &now
		*e = &n
	})
}

// forgetOwner drops every key of a principal (disabled or deleted).
func (c *apiKeyCache) forgetOwner(principal iam.ID) {
	c.forgetWhere(func(e **cachedKey) bool { return (*e).key.PrincipalID == principal })
}
