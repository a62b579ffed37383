package service

import (
	"context"

	"github.com/wardenhq/warden/internal/iam"
)

// IDByNumber resolves, in the caller's organization, the per-table number
// by which some compatibility surfaces name a user, workspace, role, API key
// and so on (kind is one of iam.Seq…). Another organization's numbers are
// not found. The use case the ID is then given to does its own check.
func (s *Services) IDByNumber(ctx context.Context, kind string, n int64) (iam.ID, error) {
	p, err := caller(ctx)
	if err != nil {
		return iam.NilID, err
	}
	return s.Auth.env.Store.IDBySeq(ctx, p.OrgID, kind, n)
}
