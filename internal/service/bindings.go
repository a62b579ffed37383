package service

import (
	"context"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// Bindings grants roles to subjects at scopes.
type Bindings struct {
	env   *Env
	roles *Roles
}

// NewBinding is the input of Bindings.Create.
type NewBinding struct {
	SubjectType string
	SubjectID   iam.ID
	Role        string // a built-in key or a custom role's ID
	ScopeType   string
	ScopeID     iam.ID
}

// List returns role bindings f selects.
func (s *Bindings) List(ctx context.Context, f iam.BindingFilter) ([]*iam.RoleBinding, error) {
	p, err := s.env.authorize(ctx, authz.RoleBindingsRead, orgLevel)
	if err != nil {
		return nil, err
	}
	return s.env.Store.ListRoleBindings(ctx, p.OrgID, f)
}

// Create grants a role. The caller needs rolebindings.create at the scope,
// so that a project's administrators manage its bindings and nothing wider.
// Org roles and capabilities bind at org scope only.
func (s *Bindings) Create(ctx context.Context, in NewBinding) (*iam.RoleBinding, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if in.ScopeType == iam.ScopeOrg && in.ScopeID.IsZero() {
		in.ScopeID = p.OrgID
	}
	var c checks
	switch in.SubjectType {
	case iam.SubjectUser, iam.SubjectGroup, iam.SubjectServiceAccount:
	default:
		c.add("subject.type", "must be user, group or service_account")
	}
	switch in.ScopeType {
	case iam.ScopeOrg, iam.ScopeWorkspace, iam.ScopeProject:
	default:
		c.add("scope.type", "must be org, workspace or project")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	t, err := resolveTarget(ctx, s.env.Store, p.OrgID, in.ScopeType, in.ScopeID)
	if err != nil {
		return nil, err
	}
	if _, err := s.env.authorize(ctx, authz.RoleBindingsCreate, t); err != nil {
		return nil, err
	}
	role, err := s.roles.find(ctx, p.OrgID, in.Role)
	if iam.IsKind(err, iam.NotFound) {
		return nil, iam.InvalidFields(iam.FieldError{Field: "role", Message: "no such role; see GET /v1/roles"})
	}
	if err != nil {
		return nil, err
	}
	if role.Kind != authz.KindResource && in.ScopeType != iam.ScopeOrg {
		return nil, iam.InvalidFields(iam.FieldError{Field: "scope.type", Message: "org roles and capabilities bind at org scope only"})
	}
	if err := s.env.access.authorizeGrant(ctx, role.role(), t); err != nil {
		return nil, err
	}
	kind, _, err := subjectKind(ctx, s.env.Store, p.OrgID, in.SubjectID)
	if err != nil || kind != in.SubjectType {
		return nil, iam.InvalidFields(iam.FieldError{Field: "subject.id", Message: "no such " + in.SubjectType + " in this organization"})
	}
	now := s.env.now()
	b := &iam.RoleBinding{OrgID: p.OrgID, SubjectType: in.SubjectType, SubjectID: in.SubjectID, Role: role.Key,
		ScopeType: in.ScopeType, ScopeID: in.ScopeID, CreatedAt: now}
	if b.ID, err = s.env.newID(now); err != nil {
		return nil, err
	}
	err = s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		if err := q.CreateRoleBinding(ctx, b); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"role_binding.created", "role_binding", b.ID.String(), bindingChanges(b)})
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Delete revokes a binding; the caller needs rolebindings.delete at its scope.
func (s *Bindings) Delete(ctx context.Context, id iam.ID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	b, err := s.env.Store.GetRoleBinding(ctx, p.OrgID, id)
	if err != nil {
		return err
	}
	t, err := resolveTarget(ctx, s.env.Store, p.OrgID, b.ScopeType, b.ScopeID)
	if err != nil {
		return err
	}
	if _, err := s.env.authorize(ctx, authz.RoleBindingsDelete, t); err != nil {
		return err
	}
	if b.SubjectID == p.ID && b.ScopeType == iam.ScopeOrg && b.Role == authz.RoleAdmin {
		return errDemoteSelf
	}
	if role, err := s.roles.find(ctx, p.OrgID, b.Role); err == nil {
		if err := s.env.access.authorizeGrant(ctx, role.role(), t); err != nil {
			return err
		}
	} else if !iam.IsKind(err, iam.NotFound) {
		return err
	}
	now := s.env.now()
	return s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		if err := q.DeleteRoleBinding(ctx, p.OrgID, id); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"role_binding.deleted", "role_binding", id.String(), bindingChanges(b)})
	})
}

func bindingChanges(b *iam.RoleBinding) map[string]any {
	return map[string]any{"subject_type": b.SubjectType, "subject_id": b.SubjectID, "role": b.Role,
		"scope_type": b.ScopeType, "scope_id": b.ScopeID}
}
