package service

import (
	"sync"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

const (
	// sessionRecheck bounds how long a node trusts its cached view of a
	// session that another node may have revoked. Revocations made on this
	// node apply at once.
	sessionRecheck = 5 * time.Second
	// touchEvery bounds how often a session's last-seen time is written.
	touchEvery = time.Minute
	// sessionCacheMax is the size at which stale entries are swept.
	sessionCacheMax = 100_000
)

// sessionCache keeps recently checked sessions so that authenticating a
// request costs no query in the common case.
type sessionCache struct {
	mu sync.RWMutex
	m  map[iam.ID]*cachedSession
}

type cachedSession struct {
	s       iam.Session
	fetched time.Time
	touched time.Time
	// user is the session's user as read at access version userVersion:
	// every change to a user (disabling, roles, deletion) bumps the
	// organization's version, so a version mismatch means read it again.
	user        *iam.User
	userVersion int64
}

func newSessionCache() *sessionCache { return &sessionCache{m: map[iam.ID]*cachedSession{}} }

// get returns the cached session and whether it is fresh enough to trust.
func (c *sessionCache) get(id iam.ID, now time.Time) (*iam.Session, bool) {
	c.mu.RLock()
	e := c.m[id]
	c.mu.RUnlock()
	if e == nil || now.Sub(e.fetched) > sessionRecheck {
		return nil, false
	}
	s := e.s
	return &s, true
}

func (c *sessionCache) put(s *iam.Session, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= sessionCacheMax {
		for id, e := range c.m {
			if now.Sub(e.fetched) > sessionRecheck {
				delete(c.m, id)
			}
		}
	}
	touched := s.LastSeenAt
	if old := c.m[s.ID]; old != nil && old.touched.After(touched) {
		touched = old.touched
	}
	c.m[s.ID] = &cachedSession{s: *s, fetched: now, touched: touched}
}

// user returns a copy of session id's user if it was cached at access
// version v.
func (c *sessionCache) user(id iam.ID, v int64) *iam.User {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := c.m[id]
	if e == nil || e.user == nil || e.userVersion != v {
		return nil
	}
	u := *e.user
	return &u
}

// putUser caches session id's user, read at access version v.
func (c *sessionCache) putUser(id iam.ID, u *iam.User, v int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[id]; e != nil {
		cp := *u
		e.user, e.userVersion = &cp, v
	}
}

func (c *sessionCache) revoke(id iam.ID, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[id]; e != nil {
		e.s.RevokedAt = &now
	}
}

// forget drops a session, so that its next use reads it again.
func (c *sessionCache) forget(id iam.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}

// forgetUser drops every session of a user.
func (c *sessionCache) forgetUser(user iam.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, e := range c.m {
		if e.s.UserID == user {
			delete(c.m, id)
		}
	}
}

// clear drops every session.
func (c *sessionCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}

// shouldTouch reports, once per touchEvery, that the session's last-seen
// time should be written.
func (c *sessionCache) shouldTouch(id iam.ID, now time.Time) bool {
	c.mu.RLock() // the common answer, "not yet", needs no write lock
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
