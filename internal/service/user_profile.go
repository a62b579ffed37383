package service

import (
	"context"
	"time"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// UserProfile is a user as an authentication system shows it: the user
// with its org roles, its capabilities, the name of its organization and
// when its password was last chosen.
type UserProfile struct {
	User              *iam.User
	Capabilities      []string
	OrgName           string
	PasswordChangedAt *time.Time // nil when the user has no password of Warden's choosing
}

// Profile returns a user of the caller's organization with its
// capabilities, under the same rule as Get.
func (s *Users) Profile(ctx context.Context, id iam.ID) (*UserProfile, error) {
	p, err := s.env.authorizeSelfOr(ctx, authz.UsersRead, id)
	if err != nil {
		return nil, err
	}
	u, err := s.env.Store.GetUser(ctx, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	out := &UserProfile{Capabilities: capabilities(u.Roles)}
	u.Roles = orgRoles(u.Roles)
	out.User = u
	org, err := s.env.Store.GetOrg(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	out.OrgName = org.Name
	changed, err := s.env.Store.PasswordChangedAt(ctx, p.OrgID, id)
	switch {
	case err == nil:
		out.PasswordChangedAt = &changed
	case !iam.IsKind(err, iam.NotFound):
		return nil, err
	}
	return out, nil
}
