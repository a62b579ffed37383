package service

import (
	"net/netip"
	"sync"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

const (
	// apiKeyRecheck bounds how long a node trusts its cached view of a key
	// (and of its owner) that another node may have revoked or disabled.
	// Revocations made on this node apply at once.
	apiKeyRecheck = 5 * time.Second
	// apiKeyCacheMax is the size at which stale entries are swept.
	apiKeyCacheMax = 100_000
)

// apiKeyCache keeps recently checked API keys, with their parsed sources,
// their owner's state and the principal they make, so that authenticating
// a request by key costs no query in the common case.
type apiKeyCache struct {
	mu sync.RWMutex
	m  map[iam.ID]*cachedKey
}

type cachedKey struct {
	key       iam.APIKey
	sources   []netip.Prefix
	disabled  bool // the owner is disabled
	principal iam.Principal
	fetched   time.Time
	touched   time.Time // last_used_at as last written
}

func newAPIKeyCache() *apiKeyCache { return &apiKeyCache{m: map[iam.ID]*cachedKey{}} }

// get returns the entry of id if it is fresh enough to trust. Entries are
// never changed in place once published, so the caller may read it freely.
func (c *apiKeyCache) get(id iam.ID, now time.Time) *cachedKey {
	c.mu.RLock()
	e := c.m[id]
	c.mu.RUnlock()
	if e == nil || now.Sub(e.fetched) > apiKeyRecheck || now.Before(e.fetched) {
		return nil
	}
	return e
}

// put publishes e, fetched at now, and returns it.
func (c *apiKeyCache) put(e *cachedKey, now time.Time) *cachedKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= apiKeyCacheMax {
		for id, old := range c.m {
			if now.Sub(old.fetched) > apiKeyRecheck {
				delete(c.m, id)
			}
		}
	}
	e.fetched = now
	if e.key.LastUsedAt != nil {
		e.touched = *e.key.LastUsedAt
	}
	if old := c.m[e.key.ID]; old != nil && old.touched.After(e.touched) {
		e.touched = old.touched
	}
	c.m[e.key.ID] = e
	return e
}

// revoke marks a cached key revoked at once.
func (c *apiKeyCache) revoke(id iam.ID, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[id]; old != nil {
		e := *old
		e.key.RevokedAt = &now
		c.m[id] = &e
	}
}

// forget drops a key, so that its next use reads it again.
func (c *apiKeyCache) forget(id iam.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}

// forgetOwner drops every key of a principal (disabled or deleted).
func (c *apiKeyCache) forgetOwner(principal iam.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, e := range c.m {
		if e.key.PrincipalID == principal {
			delete(c.m, id)
		}
	}
}

// clear drops every key.
func (c *apiKeyCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}

// shouldTouch reports, once per touchEvery, that the key's last use should
// be written.
func (c *apiKeyCache) shouldTouch(id iam.ID, now time.Time) bool {
	c.mu.RLock()
	e := c.m[id]
	due := e != nil && now.Sub(e.touched) >= touchEvery
	c.mu.RUnlock()
	if !due {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e = c.m[id]; e == nil || now.Sub(e.touched) < touchEvery {
		return false
	}
	e.touched = now
	return true
}
