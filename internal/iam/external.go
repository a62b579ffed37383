package iam

import (
	"context"
	"time"
)

// ExternalAuth is a third-party token a user keeps in Warden (an Exchange
// or Box token, as Squirro's authentications hold them), one per user and
// service. The token and secret are sealed with AES-GCM; never plain.
type ExternalAuth struct {
	OrgID         ID
	UserID        ID
	Service       string // the third party's name, e.g. "exchange"
	ServiceUser   string // the user's name at the service
	SealedToken   []byte // the access token, sealed
	SealedSecret  []byte // the access secret, sealed; nil when there is none
	DisplayName   string
	TokenExpires  *time.Time
	SecretExpires *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// IdentityLink says that the subject an external issuer (an identity
// provider, Microsoft Exchange) names is this user. A user has at most one
// subject per issuer, and (issuer, subject) names one user of an
// organization.
type IdentityLink struct {
	OrgID     ID
	UserID    ID
	Issuer    string
	Subject   string
	CreatedAt time.Time
}

// ExternalQueries is the storage of external authentications and identity
// links. Both belong to a user and go with them.
type ExternalQueries interface {
	// PutExternalAuth inserts or replaces the user's authentication for
	// a.Service, keeping the stored CreatedAt of a replaced one (a is
	// updated to it). NotFound if the user is not of the organization.
	PutExternalAuth(ctx context.Context, a *ExternalAuth) error
	GetExternalAuth(ctx context.Context, orgID, userID ID, service string) (*ExternalAuth, error)
	// ListExternalAuths returns the user's authentications by service.
	ListExternalAuths(ctx context.Context, orgID, userID ID) ([]*ExternalAuth, error)
	DeleteExternalAuth(ctx context.Context, orgID, userID ID, service string) error

	// PutIdentityLink inserts or replaces the user's link for l.Issuer,
	// keeping the stored CreatedAt of a replaced one (l is updated to it).
	// Conflict if another user of the organization has (issuer, subject).
	PutIdentityLink(ctx context.Context, l *IdentityLink) error
	GetIdentityLink(ctx context.Context, orgID, userID ID, issuer string) (*IdentityLink, error)
	// ListIdentityLinks returns the user's links by issuer.
	ListIdentityLinks(ctx context.Context, orgID, userID ID) ([]*IdentityLink, error)
	DeleteIdentityLink(ctx context.Context, orgID, userID ID, issuer string) error
	// FindIdentityLink returns the link of (issuer, subject) in the
	// organization, to log its user in.
	FindIdentityLink(ctx context.Context, orgID ID, issuer, subject string) (*IdentityLink, error)
}
