package service

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// Access answers "may this principal do that here?" from an in-memory
// snapshot per principal. Snapshots are tagged with their organization's
// access version; a change to bindings, memberships or roles bumps the
// version (in the store, in the same transaction), so the next check
// recompiles. This node learns its own bumps at once and other nodes' by
// listening (Services.Listen) and, as the fallback, by polling the
// versions. No check runs SQL unless its snapshot is stale.
type Access struct {
	env *Env

	mu       sync.RWMutex
	versions map[iam.ID]int64     // organization → newest access version known
	snaps    map[iam.ID]*snapshot // principal → compiled snapshot
}

type snapshot struct {
	version int64
	snap    *authz.Snapshot
}

// snapshotCacheMax bounds the cache; past it, stale entries are swept.
const snapshotCacheMax = 100_000

func newAccess(env *Env) *Access {
	return &Access{env: env, versions: map[iam.ID]int64{}, snaps: map[iam.ID]*snapshot{}}
}

// version is the newest access version of org this node knows.
func (a *Access) version(org iam.ID) int64 {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.versions[org]
}

// bumped records a version returned by a committed change.
func (a *Access) bumped(org iam.ID, v int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if v > a.versions[org] {
		a.versions[org] = v
	}
}

// Run polls the store for other nodes' changes until ctx ends.
func (a *Access) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			a.poll(ctx)
		}
	}
}

// poll learns every organization's access version from the store.
func (a *Access) poll(ctx context.Context) {
	vs, err := a.env.Store.AuthzVersions(ctx)
	if err != nil {
		if ctx.Err() == nil {
			a.env.Log.Warn("cannot poll access versions", "err", err)
		}
		return
	}
	for org, v := range vs {
		a.bumped(org, v)
	}
}

// snapshotOf returns p's compiled snapshot, recompiling it when stale.
func (a *Access) snapshotOf(ctx context.Context, p *iam.Principal) (*snapshot, error) {
	v := a.version(p.OrgID) // read before loading: a change during the load leaves the result stale, not wrong
	a.mu.RLock()
	s := a.snaps[p.ID]
	a.mu.RUnlock()
	if s != nil && s.version == v && s.snap != nil {
		return s, nil
	}
	bindings, err := a.env.Store.ListPrincipalBindings(ctx, p.OrgID, p.ID)
	if err != nil {
		return nil, err
	}
	roles, err := a.customRoles(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	s = &snapshot{version: v,
		snap: authz.Compile(toAuthzBindings(bindings), resolver(roles), p.InstanceAdmin)}
	a.mu.Lock()
	if len(a.snaps) >= snapshotCacheMax {
		for id, old := range a.snaps {
			if old.version != a.versions[p.OrgID] {
				delete(a.snaps, id)
			}
		}
	}
	a.snaps[p.ID] = s
	a.mu.Unlock()
	return s, nil
}

// subjectSnapshot compiles, uncached, a snapshot of one subject's own
// bindings: what a group grants its members.
func (a *Access) subjectSnapshot(ctx context.Context, org, subject iam.ID) (*authz.Snapshot, error) {
	bs, err := allBindings(ctx, a.env.Store, org, iam.BindingFilter{SubjectID: subject})
	if err != nil {
		return nil, err
	}
	roles, err := a.customRoles(ctx, org)
	if err != nil {
		return nil, err
	}
	return authz.Compile(toAuthzBindings(bs), resolver(roles), false), nil
}

// customRoles loads an organization's custom roles keyed by role key.
func (a *Access) customRoles(ctx context.Context, org iam.ID) (map[string]authz.Role, error) {
	list, err := a.env.Store.ListRoles(ctx, org)
	if err != nil {
		return nil, err
	}
	out := make(map[string]authz.Role, len(list))
	for _, r := range list {
		out[r.ID.String()] = customRole(r)
	}
	return out, nil
}

func customRole(r *iam.Role) authz.Role {
	return authz.Role{Key: r.ID.String(), Name: r.Name, Kind: authz.KindResource, Permissions: r.Permissions, Description: r.Description}
}

// resolver looks a role key up among the built-in roles, then roles.
func resolver(roles map[string]authz.Role) func(string) (authz.Role, bool) {
	return func(key string) (authz.Role, bool) {
		if r, ok := authz.BuiltinRole(key); ok {
			return r, true
		}
		r, ok := roles[key]
		return r, ok
	}
}

func toAuthzBindings(bs []*iam.RoleBinding) []authz.Binding {
	out := make([]authz.Binding, len(bs))
	for i, b := range bs {
		st, _ := authz.ParseScopeType(b.ScopeType)
		out[i] = authz.Binding{ID: b.ID, SubjectType: b.SubjectType, SubjectID: b.SubjectID, Role: b.Role,
			Scope: authz.Scope{Type: st, ID: b.ScopeID}}
	}
	return out
}

// allowed reports whether p holds perm at t, within the narrowing of the
// credential it authenticated with.
func (a *Access) allowed(ctx context.Context, p *iam.Principal, perm string, t authz.Target) (bool, error) {
	s, err := a.snapshotOf(ctx, p)
	if err != nil {
		return false, err
	}
	return s.snap.Allowed(perm, t) && narrowedTo(p.Permissions, perm), nil
}

// narrowedTo reports whether perm is within a credential's permission
// patterns; no patterns means no narrowing.
func narrowedTo(patterns []string, perm string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, pat := range patterns {
		if authz.Match(pat, perm) {
			return true
		}
	}
	return false
}

// authorize returns the caller if it holds perm at t, else PermissionDenied.
func (a *Access) authorize(ctx context.Context, perm string, t authz.Target) (*iam.Principal, error) {
	p := iam.PrincipalFrom(ctx)
	if p == nil {
		return nil, errUnauthenticated
	}
	ok, err := a.allowed(ctx, p, perm, t)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errForbidden
	}
	return p, nil
}

// authorizeSelfOr is authorize, except that a user acting on their own
// record needs no permission.
func (a *Access) authorizeSelfOr(ctx context.Context, perm string, target iam.ID) (*iam.Principal, error) {
	p := iam.PrincipalFrom(ctx)
	if p != nil && p.Kind == iam.KindUser && p.ID == target {
		return p, nil
	}
	return a.authorize(ctx, perm, orgLevel)
}

// orgLevel is the target of organization-wide actions.
var orgLevel = authz.Target{}

// may reports whether the caller holds perm at t, for decisions inside a use
// case; errors count as no.
func (a *Access) may(ctx context.Context, perm string, t authz.Target) bool {
	p := iam.PrincipalFrom(ctx)
	if p == nil {
		return false
	}
	ok, err := a.allowed(ctx, p, perm, t)
	return err == nil && ok
}

// tx runs fn in a transaction that changes who may do what in org: it
// bumps the organization's access version in the same transaction and, once
// committed, makes this node's snapshots of org stale at once.
func (a *Access) tx(ctx context.Context, org iam.ID, fn func(q iam.Queries) error) error {
	var v int64
	err := a.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := fn(q); err != nil {
			return err
		}
		var err error
		if v, err = q.BumpAuthzVersion(ctx, org); err != nil {
			return err
		}
		return q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidateAuthz, OrgID: org, Version: v})
	})
	if err == nil {
		a.bumped(org, v)
	}
	return err
}

// authorizeGrant refuses to let the caller hand out (or take away) r at t
// unless it holds everything r grants there itself: holding
// rolebindings.create or members rights must not be a way to gain, or to
// give, more than one has (the escalation check Kubernetes RBAC makes too).
func (a *Access) authorizeGrant(ctx context.Context, r authz.Role, t authz.Target) error {
	p := iam.PrincipalFrom(ctx)
	if p == nil {
		return errUnauthenticated
	}
	if len(p.Permissions) > 0 {
		// A narrowed credential would hand out what it was narrowed from.
		return iam.E(iam.PermissionDenied, "forbidden", "a credential narrowed to some permissions cannot grant or revoke roles")
	}
	s, err := a.snapshotOf(ctx, p)
	if err != nil {
		return err
	}
	if !s.snap.Covers(r, t) {
		return iam.E(iam.PermissionDenied, "forbidden", "you cannot grant or revoke a role that allows more than you may do here")
	}
	return nil
}

// authorizeRoleChange is authorizeGrant, at org scope, for each built-in
// role a change from before to after adds or removes.
func (a *Access) authorizeRoleChange(ctx context.Context, before, after []string) error {
	for _, pair := range [][2][]string{{after, before}, {before, after}} {
		for _, k := range pair[0] {
			if slices.Contains(pair[1], k) {
				continue
			}
			r, ok := authz.BuiltinRole(k)
			if !ok {
				continue // not a role: the field checks name it
			}
			if err := a.authorizeGrant(ctx, r, orgLevel); err != nil {
				return err
			}
		}
	}
	return nil
}
