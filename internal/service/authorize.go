package service

import (
	"context"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

var (
	errUnauthenticated = iam.E(iam.Unauthenticated, "unauthenticated", "authentication required")
	errForbidden       = iam.E(iam.PermissionDenied, "forbidden", "you do not have permission to do this")
)

// authorize returns the caller if it holds perm in its organization.
func authorize(ctx context.Context, perm string) (*iam.Principal, error) {
	p := iam.PrincipalFrom(ctx)
	if p == nil {
		return nil, errUnauthenticated
	}
	if !authz.Allowed(p.Roles, p.InstanceAdmin, perm) {
		return nil, errForbidden
	}
	return p, nil
}

// authorizeSelfOr is authorize, except that a user acting on their own
// record needs no permission: everyone may read and edit their profile.
func authorizeSelfOr(ctx context.Context, perm string, target iam.ID) (*iam.Principal, error) {
	p := iam.PrincipalFrom(ctx)
	if p != nil && p.Kind == iam.KindUser && p.ID == target {
		return p, nil
	}
	return authorize(ctx, perm)
}

// may reports whether the caller holds perm, for decisions inside a use case.
func may(p *iam.Principal, perm string) bool {
	return authz.Allowed(p.Roles, p.InstanceAdmin, perm)
}
