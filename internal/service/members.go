package service

import (
	"context"
	"strings"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// Member is a user or group holding a resource role (reader, member, admin,
// owner) at a workspace or project: a role binding at that scope, shown
// with who it is and what it may do there.
type Member struct {
	SubjectType string
	SubjectID   iam.ID
	Role        string     // reader, member, admin or owner
	User        *iam.User  // for a user, with its org roles
	Group       *iam.Group // for a group
	Permissions []string   // effective at the scope, from every binding that applies
}

// members manages the role bindings of one kind of scope as memberships.
type members struct {
	env       *Env
	scopeType string
	readPerm  string
	writePerm string
}

// filter selects subject's bindings of role at scope.
func (m *members) filter(subject, scope iam.ID, role string) iam.BindingFilter {
	return iam.BindingFilter{SubjectID: subject, ScopeType: m.scopeType, ScopeID: scope, Role: role}
}

// list returns the members of a scope, each once with its strongest role.
func (m *members) list(ctx context.Context, scope iam.ID) ([]*Member, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	t, err := resolveTarget(ctx, m.env.Store, p.OrgID, m.scopeType, scope)
	if err != nil {
		return nil, err
	}
	if _, err := m.env.authorize(ctx, m.readPerm, t); err != nil {
		return nil, err
	}
	bindings, err := allBindings(ctx, m.env.Store, p.OrgID, iam.BindingFilter{ScopeType: m.scopeType, ScopeID: scope})
	if err != nil {
		return nil, err
	}
	strongest := map[iam.ID]*iam.RoleBinding{}
	var order []iam.ID
	for _, b := range bindings {
		cur, seen := strongest[b.SubjectID]
		if !seen {
			order = append(order, b.SubjectID)
		}
		if !seen || roleRank(b.Role) > roleRank(cur.Role) {
			strongest[b.SubjectID] = b
		}
	}
	out := make([]*Member, 0, len(order))
	for _, id := range order {
		b := strongest[id]
		if roleRank(b.Role) == 0 {
			continue // a custom role bound here is a binding, not a membership
		}
		mem, err := m.view(ctx, p.OrgID, b, t)
		if err != nil {
			return nil, err
		}
		out = append(out, mem)
	}
	return out, nil
}

// put gives subject (an ID, or a user's email) the member role at scope,
// replacing any member role it had there.
func (m *members) put(ctx context.Context, scope iam.ID, subject, roleName string) (*Member, error) {
	key, ok := resourceRoleKey(roleName)
	if !ok {
		return nil, iam.InvalidFields(iam.FieldError{Field: "role", Message: "must be reader, member, admin or owner"})
	}
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	t, err := resolveTarget(ctx, m.env.Store, p.OrgID, m.scopeType, scope)
	if err != nil {
		return nil, err
	}
	if _, err := m.env.authorize(ctx, m.writePerm, t); err != nil {
		return nil, err
	}
	subjectType, subjectID, err := resolveSubject(ctx, m.env.Store, p.OrgID, subject)
	if err != nil {
		return nil, err
	}
	if err := m.authorizeChange(ctx, p.OrgID, scope, subjectID, t, key); err != nil {
		return nil, err
	}
	now := m.env.now()
	b := &iam.RoleBinding{OrgID: p.OrgID, SubjectType: subjectType, SubjectID: subjectID, Role: key,
		ScopeType: m.scopeType, ScopeID: scope, CreatedAt: now}
	if b.ID, err = m.env.newID(now); err != nil {
		return nil, err
	}
	err = m.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		for _, k := range resourceRoles {
			if _, err := q.DeleteRoleBindings(ctx, p.OrgID, m.filter(subjectID, scope, k)); err != nil {
				return err
			}
		}
		if err := q.CreateRoleBinding(ctx, b); err != nil {
			return err
		}
		return m.env.record(ctx, q, p.OrgID, now, event{m.scopeType + ".member_set", m.scopeType, scope.String(),
			map[string]any{"subject_type": subjectType, "subject_id": subjectID, "role": resourceRoleName(key)}})
	})
	if err != nil {
		return nil, err
	}
	return m.view(ctx, p.OrgID, b, t)
}

// remove takes every member role of subject at scope away.
func (m *members) remove(ctx context.Context, scope, subjectID iam.ID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	t, err := resolveTarget(ctx, m.env.Store, p.OrgID, m.scopeType, scope)
	if err != nil {
		return err
	}
	if _, err := m.env.authorize(ctx, m.writePerm, t); err != nil {
		return err
	}
	if subjectID.IsZero() {
		return iam.ErrNotFound("member")
	}
	if err := m.authorizeChange(ctx, p.OrgID, scope, subjectID, t, ""); err != nil {
		return err
	}
	now := m.env.now()
	return m.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		removed := 0
		for _, k := range resourceRoles {
			gone, err := q.DeleteRoleBindings(ctx, p.OrgID, m.filter(subjectID, scope, k))
			if err != nil {
				return err
			}
			removed += len(gone)
		}
		if removed == 0 {
			return iam.ErrNotFound("member")
		}
		return m.env.record(ctx, q, p.OrgID, now, event{m.scopeType + ".member_removed", m.scopeType, scope.String(),
			map[string]any{"subject_id": subjectID}})
	})
}

// authorizeChange checks that the caller may take away the member roles
// subject holds at scope and hand out role (if any): a workspace admin may
// neither make someone owner nor unseat an owner.
func (m *members) authorizeChange(ctx context.Context, org, scope, subject iam.ID, t authz.Target, role string) error {
	held, err := m.env.Store.ListRoleBindings(ctx, org, m.filter(subject, scope, ""))
	if err != nil {
		return err
	}
	keys := []string{role}
	for _, b := range held {
		keys = append(keys, b.Role)
	}
	for _, k := range keys {
		if r, ok := authz.BuiltinRole(k); ok && roleRank(k) > 0 {
			if err := m.env.access.authorizeGrant(ctx, r, t); err != nil {
				return err
			}
		}
	}
	return nil
}

// view describes the subject of binding b at target t.
func (m *members) view(ctx context.Context, org iam.ID, b *iam.RoleBinding, t authz.Target) (*Member, error) {
	mem := &Member{SubjectType: b.SubjectType, SubjectID: b.SubjectID, Role: resourceRoleName(b.Role)}
	var snap *authz.Snapshot
	switch b.SubjectType {
	case iam.SubjectGroup:
		g, err := m.env.Store.GetGroup(ctx, org, b.SubjectID)
		if err != nil {
			return nil, err
		}
		mem.Group = g
		if snap, err = m.env.access.subjectSnapshot(ctx, org, g.ID); err != nil {
			return nil, err
		}
	default:
		u, err := withOrgRoles(m.env.Store.GetUser(ctx, org, b.SubjectID))
		if err != nil {
			return nil, err
		}
		mem.User = u
		s, err := m.env.access.snapshotOf(ctx, &iam.Principal{Kind: iam.KindUser, ID: u.ID, OrgID: org, InstanceAdmin: u.InstanceAdmin})
		if err != nil {
			return nil, err
		}
		snap = s.snap
	}
	mem.Permissions = snap.Permissions(t)
	return mem, nil
}

// resolveSubject finds the user or group a member request names: an ID of
// either, or a user's email.
func resolveSubject(ctx context.Context, q iam.Queries, org iam.ID, subject string) (string, iam.ID, error) {
	if strings.Contains(subject, "@") {
		users, err := q.ListUsers(ctx, org, iam.UserFilter{Email: subject, Page: iam.Page{Limit: 1}})
		if err != nil {
			return "", iam.NilID, err
		}
		if len(users) == 0 {
			return "", iam.NilID, iam.ErrNotFound("user")
		}
		return iam.SubjectUser, users[0].ID, nil
	}
	id, err := iam.ParseID(subject)
	if err != nil {
		return "", iam.NilID, iam.InvalidFields(iam.FieldError{Field: "principal_id", Message: "must be a user or group ID, or a user's email"})
	}
	kind, id, err := subjectKind(ctx, q, org, id)
	if err == nil && kind == iam.SubjectServiceAccount {
		// Members are shown as users or groups; bind a service account
		// through /v1/role-bindings.
		return "", iam.NilID, iam.ErrNotFound("user or group")
	}
	return kind, id, err
}

// subjectKind says whether id is a user, a group or a service account of org.
func subjectKind(ctx context.Context, q iam.Queries, org, id iam.ID) (string, iam.ID, error) {
	if _, err := q.GetUser(ctx, org, id); err == nil {
		return iam.SubjectUser, id, nil
	} else if !iam.IsKind(err, iam.NotFound) {
		return "", iam.NilID, err
	}
	if _, err := q.GetGroup(ctx, org, id); err == nil {
		return iam.SubjectGroup, id, nil
	} else if !iam.IsKind(err, iam.NotFound) {
		return "", iam.NilID, err
	}
	if _, err := q.GetServiceAccount(ctx, org, id); err == nil {
		return iam.SubjectServiceAccount, id, nil
	} else if !iam.IsKind(err, iam.NotFound) {
		return "", iam.NilID, err
	}
	return "", iam.NilID, iam.ErrNotFound("user, group or service account")
}

// allBindings pages through every binding f selects.
func allBindings(ctx context.Context, q iam.Queries, org iam.ID, f iam.BindingFilter) ([]*iam.RoleBinding, error) {
	var out []*iam.RoleBinding
	f.Limit = 1000
	for {
		page, err := q.ListRoleBindings(ctx, org, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < f.Limit {
			return out, nil
		}
		f.After = page[len(page)-1].ID
	}
}
