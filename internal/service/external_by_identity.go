package service

import (
	"context"

	"github.com/wardenhq/warden/internal/iam"
)

// AuthenticationByIdentity returns the stored authentication of service of
// the user of the caller's organization linked to (issuer, subject), with
// its tokens (Squirro's /msexchange/oauth2_token: an Outlook add-in names
// the user by their Exchange identity and gets their stored Exchange
// token). Reading it needs what GetAuthentication needs: being that user,
// or authentications.read. No link in the organization is NotFound.
func (x *External) AuthenticationByIdentity(ctx context.Context, issuer, subject, service string) (*ExternalAuth, error) {
	p := iam.PrincipalFrom(ctx)
	if p == nil {
		return nil, errUnauthenticated
	}
	if issuer == "" || subject == "" || len(issuer) > maxIssuer || len(subject) > maxSubject {
		return nil, iam.ErrNotFound("identity")
	}
	l, err := x.env.Store.FindIdentityLink(ctx, p.OrgID, issuer, subject)
	if iam.IsKind(err, iam.Invalid) {
		return nil, iam.ErrNotFound("identity")
	}
	if err != nil {
		return nil, err
	}
	return x.GetAuthentication(ctx, l.UserID, service)
}
