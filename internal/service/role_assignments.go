package service

import (
	"context"
	"slices"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// ScopeRoles is the set of roles a subject should hold at one scope: the
// organization or a workspace.
type ScopeRoles struct {
	ScopeType string // iam.ScopeOrg or iam.ScopeWorkspace
	ScopeID   iam.ID // for ScopeOrg, zero means the caller's organization
	Roles     []string
}

// ReplaceUserRoles makes a user's own bindings at each given scope exactly
// the given roles (replace, not delta), in one transaction: the role
// assignments of ThousandEyes' accountGroupRoles. Capabilities bound at org
// scope are left alone (they have their own endpoint). Each binding added or
// removed needs rolebindings.create or rolebindings.delete at its scope and
// passes the escalation check; org roles and capabilities bind at org scope
// only; nobody removes their own admin role.
func (s *Bindings) ReplaceUserRoles(ctx context.Context, user iam.ID, sets []ScopeRoles) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	if _, err := s.env.Store.GetUser(ctx, p.OrgID, user); err != nil {
		return err
	}
	type change struct {
		add    []*iam.RoleBinding
		remove []*iam.RoleBinding
	}
	var ch change
	now := s.env.now()
	seen := map[iam.ID]bool{}
	for _, set := range sets {
		if set.ScopeType == iam.ScopeOrg && set.ScopeID.IsZero() {
			set.ScopeID = p.OrgID
		}
		if set.ScopeType != iam.ScopeOrg && set.ScopeType != iam.ScopeWorkspace {
			return iam.InvalidFields(iam.FieldError{Field: "scope.type", Message: "must be org or workspace"})
		}
		if seen[set.ScopeID] {
			return iam.InvalidFields(iam.FieldError{Field: "scope", Message: "lists the same scope twice"})
		}
		seen[set.ScopeID] = true
		t, err := resolveTarget(ctx, s.env.Store, p.OrgID, set.ScopeType, set.ScopeID)
		if err != nil {
			return err
		}
		held, err := allBindings(ctx, s.env.Store, p.OrgID, iam.BindingFilter{SubjectID: user, ScopeType: set.ScopeType, ScopeID: set.ScopeID})
		if err != nil {
			return err
		}
		want := uniq(set.Roles)
		var have []string
		for _, b := range held {
			if r, ok := authz.BuiltinRole(b.Role); ok && r.Kind == authz.KindCapability {
				continue
			}
			have = append(have, b.Role)
			if !slices.Contains(want, b.Role) {
				if b.SubjectID == p.ID && b.ScopeType == iam.ScopeOrg && b.Role == authz.RoleAdmin {
					return errDemoteSelf
				}
				if _, err := s.env.authorize(ctx, authz.RoleBindingsDelete, t); err != nil {
					return err
				}
				if role, err := s.roles.find(ctx, p.OrgID, b.Role); err == nil {
					if err := s.env.access.authorizeGrant(ctx, role.role(), t); err != nil {
						return err
					}
				} else if !iam.IsKind(err, iam.NotFound) {
					return err
				}
				ch.remove = append(ch.remove, b)
			}
		}
		for _, key := range want {
			if slices.Contains(have, key) {
				continue
			}
			role, err := s.roles.find(ctx, p.OrgID, key)
			if iam.IsKind(err, iam.NotFound) {
				return iam.InvalidFields(iam.FieldError{Field: "role", Message: "no such role " + quote(key)})
			}
			if err != nil {
				return err
			}
			if role.Kind == authz.KindCapability {
				return iam.InvalidFields(iam.FieldError{Field: "role", Message: "capabilities are not assigned here"})
			}
			if role.Kind != authz.KindResource && set.ScopeType != iam.ScopeOrg {
				return iam.InvalidFields(iam.FieldError{Field: "role", Message: "org role " + quote(key) + " binds at org scope only"})
			}
			if _, err := s.env.authorize(ctx, authz.RoleBindingsCreate, t); err != nil {
				return err
			}
			if err := s.env.access.authorizeGrant(ctx, role.role(), t); err != nil {
				return err
			}
			b := &iam.RoleBinding{OrgID: p.OrgID, SubjectType: iam.SubjectUser, SubjectID: user, Role: role.Key,
				ScopeType: set.ScopeType, ScopeID: set.ScopeID, CreatedAt: now}
			if b.ID, err = s.env.newID(now); err != nil {
				return err
			}
			ch.add = append(ch.add, b)
		}
	}
	if len(ch.add) == 0 && len(ch.remove) == 0 {
		return nil
	}
	return s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		for _, b := range ch.remove {
			if err := q.DeleteRoleBinding(ctx, p.OrgID, b.ID); err != nil {
				return err
			}
			if err := s.env.record(ctx, q, p.OrgID, now, event{"role_binding.deleted", "role_binding", b.ID.String(), bindingChanges(b)}); err != nil {
				return err
			}
		}
		for _, b := range ch.add {
			if err := q.CreateRoleBinding(ctx, b); err != nil {
				return err
			}
			if err := s.env.record(ctx, q, p.OrgID, now, event{"role_binding.created", "role_binding", b.ID.String(), bindingChanges(b)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// UserBindings lists the bindings a user holds directly (not through
// groups): their own, or anyone's with users.read.
func (s *Bindings) UserBindings(ctx context.Context, user iam.ID) ([]*iam.RoleBinding, error) {
	p, err := s.env.authorizeSelfOr(ctx, authz.UsersRead, user)
	if err != nil {
		return nil, err
	}
	if _, err := s.env.Store.GetUser(ctx, p.OrgID, user); err != nil {
		return nil, err
	}
	return allBindings(ctx, s.env.Store, p.OrgID, iam.BindingFilter{SubjectID: user})
}
