package service

import (
	"context"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// Decision is the answer to "may this principal do that here?", with the
// bindings that grant it.
type Decision struct {
	Allowed bool
	Because []authz.Binding
}

// Catalog is every permission Warden guards.
func (a *Access) Catalog(ctx context.Context) ([]authz.Permission, error) {
	if _, err := a.authorize(ctx, authz.PermissionsRead, orgLevel); err != nil {
		return nil, err
	}
	return authz.Catalog(), nil
}

// principalOf makes the principal a user of the caller's organization is,
// from the user cache (readUser): a check answers from memory when the user
// and their access are cached.
func principalOf(ctx context.Context, env *Env, org, id iam.ID) (*iam.Principal, error) {
	d, err := env.readUser(ctx, org, id, nil)
	if err != nil {
		return nil, err
	}
	return &iam.Principal{Kind: iam.KindUser, ID: d.User.ID, OrgID: org, InstanceAdmin: d.User.InstanceAdmin}, nil
}

// Check answers whether principal holds perm at a scope, and why.
func (a *Access) Check(ctx context.Context, principal iam.ID, perm, scopeType string, scope iam.ID) (*Decision, error) {
	p, err := a.env.authorize(ctx, authz.AuthzCheck, orgLevel)
	if err != nil {
		return nil, err
	}
	if _, ok := authz.LookupPermission(perm); !ok {
		return nil, iam.InvalidFields(iam.FieldError{Field: "permission", Message: "unknown permission; see GET /v1/permissions"})
	}
	t, err := resolveTarget(ctx, a.env.Store, p.OrgID, scopeType, scope)
	if err != nil {
		return nil, err
	}
	who, err := principalOf(ctx, a.env, p.OrgID, principal)
	if err != nil {
		return nil, err
	}
	s, err := a.snapshotOf(ctx, who)
	if err != nil {
		return nil, err
	}
	because := s.snap.Explain(perm, t)
	return &Decision{Allowed: s.snap.Allowed(perm, t), Because: because}, nil
}

// Permissions lists what a user may do at a scope (their own, or anyone's
// with users.read).
func (s *Users) Permissions(ctx context.Context, id iam.ID, scopeType string, scope iam.ID) ([]string, error) {
	p, err := s.env.authorizeSelfOr(ctx, authz.UsersRead, id)
	if err != nil {
		return nil, err
	}
	t, err := resolveTarget(ctx, s.env.Store, p.OrgID, scopeType, scope)
	if err != nil {
		return nil, err
	}
	who, err := principalOf(ctx, s.env, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	snap, err := s.env.access.snapshotOf(ctx, who)
	if err != nil {
		return nil, err
	}
	return snap.snap.Permissions(t), nil
}

// Projects lists the projects a user can reach, with the role that gives
// them access.
func (s *Users) Projects(ctx context.Context, id iam.ID) ([]ProjectAccess, error) {
	p, err := s.env.authorizeSelfOr(ctx, authz.UsersRead, id)
	if err != nil {
		return nil, err
	}
	who, err := principalOf(ctx, s.env, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	snap, err := s.env.access.snapshotOf(ctx, who)
	if err != nil {
		return nil, err
	}
	return reachable(ctx, s.env, p.OrgID, snap.snap)
}

// GroupProjects lists the projects a group's bindings reach.
func (s *Groups) Projects(ctx context.Context, id iam.ID) ([]ProjectAccess, error) {
	p, err := s.env.authorize(ctx, authz.GroupsRead, orgLevel)
	if err != nil {
		return nil, err
	}
	snap, err := s.env.access.subjectSnapshot(ctx, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	return reachable(ctx, s.env, p.OrgID, snap)
}

// WorkspaceAccess is a user's bindings in one workspace (nil Workspace: at
// org scope), project bindings counted in their workspace.
type WorkspaceAccess struct {
	Workspace *iam.Workspace
	Bindings  []*iam.RoleBinding
}

// UserDetail is a user with their access, as one read saw them. Both are
// shared with other readers: do not change them.
type UserDetail struct {
	User   *iam.User
	Access []*WorkspaceAccess
	// Rev tells reads apart on this node: two details of a user with the
	// same Rev are the same, so whatever is derived from one (an encoded
	// response) serves for the other.
	Rev uint64
}

// Detail returns a user (as Get does) with their bindings, direct and
// through groups, grouped by workspace: from the user cache when fresh.
func (s *Users) Detail(ctx context.Context, id iam.ID) (*UserDetail, error) {
	p, err := s.env.authorizeSelfOr(ctx, authz.UsersRead, id)
	if err != nil {
		return nil, err
	}
	return s.env.readUser(ctx, p.OrgID, id, s.access)
}

// access groups the bindings of a user the caller may read by workspace.
func (s *Users) access(ctx context.Context, orgID, id iam.ID) ([]*WorkspaceAccess, error) {
	bindings, err := s.env.Store.ListPrincipalBindings(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	org := &WorkspaceAccess{}
	out := []*WorkspaceAccess{org}
	byWorkspace := map[iam.ID]*WorkspaceAccess{}
	projectWorkspace := map[iam.ID]iam.ID{}
	for _, b := range bindings {
		var ws iam.ID
		switch b.ScopeType {
		case iam.ScopeWorkspace:
			ws = b.ScopeID
		case iam.ScopeProject:
			if ws = projectWorkspace[b.ScopeID]; ws.IsZero() {
				pr, err := s.env.Store.GetProject(ctx, orgID, b.ScopeID)
				if err != nil {
					return nil, err
				}
				ws, projectWorkspace[b.ScopeID] = pr.WorkspaceID, pr.WorkspaceID
			}
		default:
			org.Bindings = append(org.Bindings, b)
			continue
		}
		wa := byWorkspace[ws]
		if wa == nil {
			w, err := s.env.Store.GetWorkspace(ctx, orgID, ws)
			if err != nil {
				return nil, err
			}
			wa = &WorkspaceAccess{Workspace: w}
			byWorkspace[ws] = wa
			out = append(out, wa)
		}
		wa.Bindings = append(wa.Bindings, b)
	}
	return out, nil
}
