package service

import (
	"context"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
)

// noOrg is an organization ID no organization has (the maximum UUID, which
// no UUIDv7 is): a login restricted to it matches nobody.
var noOrg = iam.ID{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// LoginInOrgNamed is Login with the organization named by its name
// (case-insensitively) instead of its ID, as clients that log in to a
// "domain" do; an empty name does not restrict the login. An unknown name
// gets the same answer, after the same work, as a wrong password: it must
// not tell which organizations exist.
func (a *Auth) LoginInOrgNamed(ctx context.Context, org string, in Login) (*Session, error) {
	if org = strings.TrimSpace(org); org != "" {
		o, err := a.env.Store.FindOrgByName(ctx, org)
		switch {
		case err == nil:
			in.OrgID = o.ID
		case iam.IsKind(err, iam.NotFound):
			in.OrgID = noOrg
		default:
			return nil, err
		}
	}
	return a.Login(ctx, in)
}
