package service

import (
	"context"
	"slices"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// Roles lists the built-in roles and manages an organization's custom ones.
type Roles struct {
	env *Env
}

// RoleView is a built-in or custom role as the API shows it. Key is what
// bindings name: a built-in role's key, or a custom role's ID.
type RoleView struct {
	Key         string
	ID          iam.ID // custom roles only
	Seq         int64  // custom roles only
	Name        string
	Kind        authz.RoleKind
	Builtin     bool
	Permissions []string
	Description string
}

func builtinView(r authz.Role) *RoleView {
	return &RoleView{Key: r.Key, Name: r.Name, Kind: r.Kind, Builtin: true, Permissions: r.Permissions, Description: r.Description}
}

// role is v as the engine sees it.
func (v *RoleView) role() authz.Role {
	return authz.Role{Key: v.Key, Name: v.Name, Kind: v.Kind, Builtin: v.Builtin, Permissions: v.Permissions}
}

func customView(r *iam.Role) *RoleView {
	return &RoleView{Key: r.ID.String(), ID: r.ID, Seq: r.Seq, Name: r.Name, Kind: authz.KindResource,
		Permissions: r.Permissions, Description: r.Description}
}

// RoleInput is the content of a custom role.
type RoleInput struct {
	Name        string
	Description string
	Permissions []string
}

func (s *Roles) check(in RoleInput) error {
	var c checks
	c.text("name", in.Name, true, 100)
	c.text("description", in.Description, false, 1000)
	if _, builtin := authz.BuiltinRole(in.Name); builtin {
		c.add("name", "is the name of a built-in role")
	}
	if len(in.Permissions) == 0 {
		c.add("permissions", "must list at least one permission")
	}
	for _, p := range in.Permissions {
		if !authz.ValidPattern(p) {
			c.add("permissions", "unknown permission "+quote(p)+"; see GET /v1/permissions")
		}
	}
	return c.err()
}

// List returns the built-in roles, then the organization's custom roles.
func (s *Roles) List(ctx context.Context) ([]*RoleView, error) {
	p, err := s.env.authorize(ctx, authz.RolesRead, orgLevel)
	if err != nil {
		return nil, err
	}
	var out []*RoleView
	for _, r := range authz.BuiltinRoles() {
		out = append(out, builtinView(r))
	}
	custom, err := s.env.Store.ListRoles(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	for _, r := range custom {
		out = append(out, customView(r))
	}
	return out, nil
}

// Get returns a role by key: a built-in key or a custom role's ID.
func (s *Roles) Get(ctx context.Context, key string) (*RoleView, error) {
	p, err := s.env.authorize(ctx, authz.RolesRead, orgLevel)
	if err != nil {
		return nil, err
	}
	return s.find(ctx, p.OrgID, key)
}

func (s *Roles) find(ctx context.Context, org iam.ID, key string) (*RoleView, error) {
	if r, ok := authz.BuiltinRole(key); ok {
		return builtinView(r), nil
	}
	id, err := iam.ParseID(key)
	if err != nil {
		return nil, iam.ErrNotFound("role")
	}
	r, err := s.env.Store.GetRole(ctx, org, id)
	if err != nil {
		return nil, err
	}
	return customView(r), nil
}

// Create adds a custom role.
func (s *Roles) Create(ctx context.Context, in RoleInput) (*RoleView, error) {
	p, err := s.env.authorize(ctx, authz.RolesCreate, orgLevel)
	if err != nil {
		return nil, err
	}
	in.Permissions = uniq(in.Permissions)
	if err := s.check(in); err != nil {
		return nil, err
	}
	if err := s.env.access.authorizeGrant(ctx, authz.Role{Permissions: in.Permissions}, orgLevel); err != nil {
		return nil, err
	}
	now := s.env.now()
	id, err := s.env.newID(now)
	if err != nil {
		return nil, err
	}
	r := &iam.Role{ID: id, OrgID: p.OrgID, Name: in.Name, Description: in.Description, Permissions: in.Permissions, CreatedAt: now, UpdatedAt: now}
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.CreateRole(ctx, r); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"role.created", "role", id.String(),
			map[string]any{"name": r.Name, "permissions": r.Permissions}})
	})
	if err != nil {
		return nil, err
	}
	return customView(r), nil
}

var errBuiltinRole = iam.E(iam.PermissionDenied, "builtin_role", "built-in roles cannot be changed or deleted")

// Update applies edit to a custom role; built-in roles cannot change.
func (s *Roles) Update(ctx context.Context, key string, edit func(*RoleInput) error) (*RoleView, error) {
	p, err := s.env.authorize(ctx, authz.RolesUpdate, orgLevel)
	if err != nil {
		return nil, err
	}
	cur, err := s.find(ctx, p.OrgID, key)
	if err != nil {
		return nil, err
	}
	if cur.Builtin {
		return nil, errBuiltinRole
	}
	doc := RoleInput{Name: cur.Name, Description: cur.Description, Permissions: slices.Clone(cur.Permissions)}
	if err := edit(&doc); err != nil {
		return nil, err
	}
	doc.Permissions = uniq(doc.Permissions)
	if err := s.check(doc); err != nil {
		return nil, err
	}
	// Both sides: the role may be bound to the caller or to others.
	for _, perms := range [][]string{cur.Permissions, doc.Permissions} {
		if err := s.env.access.authorizeGrant(ctx, authz.Role{Permissions: perms}, orgLevel); err != nil {
			return nil, err
		}
	}
	now := s.env.now()
	r := &iam.Role{ID: cur.ID, OrgID: p.OrgID, Seq: cur.Seq, Name: doc.Name, Description: doc.Description, Permissions: doc.Permissions, UpdatedAt: now}
	err = s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		if err := q.UpdateRole(ctx, r); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"role.updated", "role", key, map[string]any{
			"name": map[string]any{"from": cur.Name, "to": doc.Name}, "permissions": map[string]any{"from": cur.Permissions, "to": doc.Permissions}}})
	})
	if err != nil {
		return nil, err
	}
	return customView(r), nil
}

// Delete removes a custom role. A role still bound is refused unless
// force, which removes its bindings too.
func (s *Roles) Delete(ctx context.Context, key string, force bool) error {
	p, err := s.env.authorize(ctx, authz.RolesDelete, orgLevel)
	if err != nil {
		return err
	}
	cur, err := s.find(ctx, p.OrgID, key)
	if err != nil {
		return err
	}
	if cur.Builtin {
		return errBuiltinRole
	}
	if err := s.env.access.authorizeGrant(ctx, cur.role(), orgLevel); err != nil {
		return err
	}
	now := s.env.now()
	return s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		if !force {
			inUse, err := q.ListRoleBindings(ctx, p.OrgID, iam.BindingFilter{Role: key, Page: iam.Page{Limit: 1}})
			if err != nil {
				return err
			}
			if len(inUse) > 0 {
				return iam.E(iam.Conflict, "role_in_use", "the role is bound to subjects; remove the bindings or delete with force=true")
			}
		}
		gone, err := q.DeleteRoleBindings(ctx, p.OrgID, iam.BindingFilter{Role: key})
		if err != nil {
			return err
		}
		if err := q.DeleteRole(ctx, p.OrgID, cur.ID); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"role.deleted", "role", key,
			map[string]any{"name": cur.Name, "bindings_removed": len(gone)}})
	})
}
