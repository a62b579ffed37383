package service

import (
	"context"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// ManagementCatalog is the permission catalog for those who administer
// access: the caller must read permissions and hold at least one management
// permission (authz.Permission.IsManagement) at the workspace given (or at
// org level for a zero ID), else PermissionDenied. ThousandEyes answers its
// /permissions only to roles with management permissions.
func (a *Access) ManagementCatalog(ctx context.Context, workspace iam.ID) ([]authz.Permission, error) {
	t := orgLevel
	if !workspace.IsZero() {
		t = authz.Target{Workspace: workspace}
	}
	p, err := a.authorize(ctx, authz.PermissionsRead, t)
	if err != nil {
		return nil, err
	}
	s, err := a.snapshotOf(ctx, p)
	if err != nil {
		return nil, err
	}
	for _, name := range s.snap.Permissions(t) {
		if perm, ok := authz.LookupPermission(name); ok && perm.IsManagement && narrowedTo(p.Permissions, name) {
			return authz.Catalog(), nil
		}
	}
	return nil, iam.E(iam.PermissionDenied, "no_management_permissions",
		"only roles with management permissions may list the assignable permissions")
}
