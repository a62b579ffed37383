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

// authorize returns the caller if it holds perm at t.
func (e *Env) authorize(ctx context.Context, perm string, t authz.Target) (*iam.Principal, error) {
	return e.access.authorize(ctx, perm, t)
}

// authorizeSelfOr lets users act on their own record without perm.
func (e *Env) authorizeSelfOr(ctx context.Context, perm string, target iam.ID) (*iam.Principal, error) {
	return e.access.authorizeSelfOr(ctx, perm, target)
}

// may reports whether the caller holds perm at t.
func (e *Env) may(ctx context.Context, perm string, t authz.Target) bool {
	return e.access.may(ctx, perm, t)
}
