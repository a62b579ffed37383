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
	principal   *iam.Principal // what the session's token stands for, made from s and user
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

// user returns session id's user and the principal the session stands
// for, shared and read-only, if they were cached at access version v
// (however old the session's own entry).
func (c *sessionCache) user(id iam.ID, v int64) (*iam.User, *iam.Principal) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := c.m[id]
	if e == nil || e.v.user == nil || e.v.userVersion != v {
		return nil, nil
	}
	return e.v.user, e.v.principal
}

// putUser caches session s's user, read at access version v, and returns
// the user and the principal the session stands for (shared, read-only).
func (c *sessionCache) putUser(s *iam.Session, u *iam.User, v int64) (*iam.User, *iam.Principal) {
	cp := *u
	p := sessionPrincipal(s.ID, &cp)
	c.update(func(k iam.ID, _ *cachedSession) bool { return k == s.ID },
		func(e *cachedSession) { e.user, e.userVersion, e.principal = &cp, v, p })
	return &cp, p
}

// sessionPrincipal is the principal a token of session id stands for.
func sessionPrincipal(id iam.ID, u *iam.User) *iam.Principal {
	return &iam.Principal{Kind: iam.KindUser, ID: u.ID, OrgID: u.OrgID, SessionID: id, Credential: "session",
		Roles: orgRoles(u.Roles), InstanceAdmin: u.InstanceAdmin, Name: loginName(u)}
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
