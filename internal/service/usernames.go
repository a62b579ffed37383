package service

import (
	"context"

	"github.com/wardenhq/warden/internal/iam"
)

// IDByUsername resolves, in the caller's organization, the username by
// which some compatibility surfaces name a user (case-insensitively).
// Another organization's users are not found. As with IDByNumber, the use
// case the ID is then given to does its own check.
func (s *Services) IDByUsername(ctx context.Context, name string) (iam.ID, error) {
	p, err := caller(ctx)
	if err != nil {
		return iam.NilID, err
	}
	return s.Auth.env.Store.UserIDByUsername(ctx, p.OrgID, name)
}
