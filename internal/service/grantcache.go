package service

import (
	"sync"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// grantCache keeps recently checked grants, as sessionCache keeps
// sessions: an access token costs no grant query in the common case, a
// grant revoked on another node is noticed within sessionRecheck, and one
// revoked on this node at once.
type grantCache struct {
	mu sync.RWMutex
	m  map[iam.ID]*cachedGrant
}

type cachedGrant struct {
	g iam.Grant
	// clientRevoked: the OAuth client the grant was issued to is revoked,
	// which ends the grant's tokens too.
	clientRevoked bool
	fetched       time.Time
	touched       time.Time
}

func newGrantCache() *grantCache { return &grantCache{m: map[iam.ID]*cachedGrant{}} }

// get returns the cached grant, whether its client is revoked, and whether
// the entry is fresh enough to trust.
func (c *grantCache) get(id iam.ID, now time.Time) (*iam.Grant, bool, bool) {
	c.mu.RLock()
	e := c.m[id]
	c.mu.RUnlock()
	if e == nil || now.Sub(e.fetched) > sessionRecheck {
		return nil, false, false
	}
	g := e.g
	return &g, e.clientRevoked, true
}

func (c *grantCache) put(g *iam.Grant, clientRevoked bool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= sessionCacheMax {
		for id, e := range c.m {
			if now.Sub(e.fetched) > sessionRecheck {
				delete(c.m, id)
			}
		}
	}
	touched := now
	if g.LastUsedAt != nil {
		touched = *g.LastUsedAt
	}
	if old := c.m[g.ID]; old != nil && old.touched.After(touched) {
		touched = old.touched
	}
	c.m[g.ID] = &cachedGrant{g: *g, clientRevoked: clientRevoked, fetched: now, touched: touched}
}

// revoke marks a grant revoked on this node at once.
func (c *grantCache) revoke(id iam.ID, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[id]; e != nil {
		e.g.RevokedAt = &now
	}
}

// revokeClient marks every cached grant of an OAuth client as ended.
func (c *grantCache) revokeClient(clientID iam.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.m {
		if e.g.ClientID == clientID {
			e.clientRevoked = true
		}
	}
}

// forget drops a grant, so that its next use reads it again.
func (c *grantCache) forget(id iam.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}

// forgetWhere drops every grant that match selects.
func (c *grantCache) forgetWhere(match func(*iam.Grant) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, e := range c.m {
		if match(&e.g) {
			delete(c.m, id)
		}
	}
}

// clear drops every grant.
func (c *grantCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}

// shouldTouch reports, once per touchEvery, that the grant's last-used
// time should be written.
func (c *grantCache) shouldTouch(id iam.ID, now time.Time) bool {
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
