package iam

import "context"

// LookupQueries find objects by the names and numbers some compatibility
// surfaces use for them (Argus names an organization as a login "domain", a
// user by username, and an API key by its owner's and its own number).
type LookupQueries interface {
	// FindOrgByName finds the organization named name, case-insensitively.
	FindOrgByName(ctx context.Context, name string) (*Org, error)
	// UserIDByUsername finds, in the organization, the user whose username
	// is name, case-insensitively.
	UserIDByUsername(ctx context.Context, orgID ID, name string) (ID, error)
	// FindUserAPIKeyID finds, across organizations (to authenticate it: the
	// key names its own organization), the ID of the API key numbered
	// keySeq if it belongs to the user numbered userSeq; else NotFound.
	FindUserAPIKeyID(ctx context.Context, userSeq, keySeq int64) (ID, error)
}
