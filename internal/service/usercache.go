package service

import (
	"context"
	"slices"
	"sync/atomic"
	"time"

	"github.com/wardenhq/warden/internal/cache"
	"github.com/wardenhq/warden/internal/iam"
)

// userCacheMax bounds the users a node keeps (Keycloak's user cache holds
// 10,000 by default too).
const userCacheMax = 10_000

// userCache keeps users, with their access, as read at an access version
// of their organization, so that reading a user that was read recently
// costs no query. Every change to a user, their bindings, their groups or a
// workspace bumps the version (Access.tx), which makes the entry stale;
// the one change that does not, a login's last_login_at, forgets the entry
// here and, through InvalidateUser, on the other nodes.
type userCache struct {
	m      *cache.Map[iam.ID, *cachedUser]
	emails *cache.Map[emailKey, iam.ID] // who exact email lookups found: see Env.listByEmail
	revs   atomic.Uint64
}

// cachedUser is replaced, never changed in place: what get hands out stays
// as read.
type cachedUser struct {
	version int64
	user    iam.User
	detail  *UserDetail // the user, its access (nil until a detail read loads it) and a Rev unique to this entry; shared
}

func newUserCache() *userCache {
	return &userCache{m: cache.New[iam.ID, *cachedUser](userCacheMax), emails: cache.New[emailKey, iam.ID](userCacheMax)}
}

// get returns user id of org as cached at version v.
func (c *userCache) get(org, id iam.ID, v int64) (*cachedUser, bool) {
	e, ok := c.m.Get(id)
	if !ok || e.version != v || e.user.OrgID != org {
		return nil, false
	}
	return e, true
}

// put caches u (and its access, if not nil), read at version v, and
// returns the entry.
func (c *userCache) put(u *iam.User, access []*WorkspaceAccess, v int64) *cachedUser {
	e := &cachedUser{version: v, user: *u}
	e.user.Roles = slices.Clone(u.Roles)
	e.detail = &UserDetail{User: &e.user, Access: access, Rev: c.revs.Add(1)}
	c.m.Put(u.ID, e)
	return e
}

// forget drops user id.
func (c *userCache) forget(id iam.ID) { c.m.Delete(id) }

// clear drops every user and email lookup.
func (c *userCache) clear() {
	c.m.Clear()
	c.emails.Clear()
}

// readUser returns user id of org and, with loadAccess, their access: from
// the user cache while the organization's access version is the one they
// were read at, else from the store (filling the cache). Shared and
// read-only: see UserDetail.
func (e *Env) readUser(ctx context.Context, org, id iam.ID,
	loadAccess func(ctx context.Context, org, id iam.ID) ([]*WorkspaceAccess, error)) (*UserDetail, error) {
	v := e.access.version(org) // read before loading: a change meanwhile leaves the entry stale, not wrong
	if c, ok := e.users.get(org, id, v); ok && (c.detail.Access != nil || loadAccess == nil) {
		return c.detail, nil
	}
	u, err := withOrgRoles(e.Store.GetUser(ctx, org, id))
	if err != nil {
		return nil, err
	}
	var access []*WorkspaceAccess
	if loadAccess != nil {
		if access, err = loadAccess(ctx, org, id); err != nil {
			return nil, err
		}
	}
	return e.users.put(u, access, v).detail, nil
}

// setLastLogin records a login's time on a user, in a transaction, and
// tells every node's user cache (no access version marks this change).
// Its caller forgets the user on this node once the transaction commits.
func setLastLogin(ctx context.Context, q iam.Queries, org, user iam.ID, now time.Time) error {
	if err := q.SetLastLogin(ctx, org, user, now); err != nil {
		return err
	}
	return q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidateUser, OrgID: org, ID: user})
}
