package service

import (
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// sessionCache keeps recently checked sessions, with their users, so that
// authenticating a request by session token costs no query in the common
// case.
type sessionCache struct {
	*recheckCache[cachedSession]
}

type cachedSession struct {
	s iam.Session
	// user is the session's user as read at access version userVersion:
	// every change to a user (disabling, roles, deletion) bumps the
	// organization's version, so a version mismatch means read it again.
	user        *iam.User
	userVersion int64
}

func newSessionCache() *sessionCache {
	return &sessionCache{newRecheckCache[cachedSession]()}
}

// get returns the cached session, shared and read-only, and whether it is
// fresh enough to trust.
func (c *sessionCache) get(id iam.ID, now time.Time) (*iam.Session, bool) {
	e, ok := c.recheckCache.get(id, now)
	if !ok {
		return nil, false
	}
	return &e.s, true
}

func (c *sessionCache) put(s *iam.Session, now time.Time) {
	c.recheckCache.put(s.ID, cachedSession{s: *s}, s.LastSeenAt, now)
}

// user returns session id's user, shared and read-only, if it was cached
// at access version v (however old the session's own entry).
func (c *sessionCache) user(id iam.ID, v int64) *iam.User {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := c.m[id]
	if e == nil || e.v.user == nil || e.v.userVersion != v {
		return nil
	}
	return e.v.user
}

// putUser caches session id's user, read at access version v.
func (c *sessionCache) putUser(id iam.ID, u *iam.User, v int64) {
	cp := *u
	c.update(func(k iam.ID, _ *cachedSession) bool { return k == id },
		func(e *cachedSession) { e.user, e.userVersion = &cp, v })
}

// revoke marks a session revoked on this node at once.
func (c *sessionCache) revoke(id iam.ID, now time.Time) {
	c.update(func(k iam.ID, _ *cachedSession) bool { return k == id },
		func(e *cachedSession) { e.s.RevokedAt = &now })
}

// forgetUser drops every session of a user.
func (c *sessionCache) forgetUser(user iam.ID) {
	c.forgetWhere(func(e *cachedSession) bool { return e.s.UserID == user })
}
