package iam

import (
	"context"
	"time"
)

// SMS code purposes.
const (
	SMSEnrol = "enrol" // proves the phone number of a new SMS method
	SMSLogin = "login" // the second step of a login
)

// SMSCode is a one-time code sent by SMS. The code is sealed with AES-GCM,
// never plain: an administrator may read it back (helpdesk, as in Argus),
// knowing the TokenSuffix the user sees on screen. It is good until
// ExpiresAt, once, for a bounded number of attempts.
type SMSCode struct {
	ID          ID // internal: clients only ever see TokenSuffix
	OrgID       ID
	UserID      ID
	Purpose     string // SMSEnrol or SMSLogin
	TokenSuffix string // a short random reference, unique per user
	SealedCode  []byte
	Attempts    int
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      *time.Time
}

// SMSQueries is the storage of SMS codes. They belong to a user and go
// with them.
type SMSQueries interface {
	// CreateSMSCode stores c. NotFound if the user is not of the
	// organization; Conflict if the user has a code with this token suffix.
	CreateSMSCode(ctx context.Context, c *SMSCode) error
	// GetPendingSMSCode returns the user's unused code with this token
	// suffix that has not expired at now (else NotFound).
	GetPendingSMSCode(ctx context.Context, orgID, userID ID, tokenSuffix string, now time.Time) (*SMSCode, error)
	// LatestPendingSMSCode returns the user's newest unused code for
	// purpose that has not expired at now (else NotFound).
	LatestPendingSMSCode(ctx context.Context, orgID, userID ID, purpose string, now time.Time) (*SMSCode, error)
	// RecordSMSCodeAttempt counts one attempt at an unused code that has had
	// fewer than max, and reports whether it did (false: used up or used).
	RecordSMSCodeAttempt(ctx context.Context, orgID, id ID, max int) (bool, error)
	// UseSMSCode sets used_at if it is not set yet, and reports whether it
	// did: of two concurrent uses exactly one wins.
	UseSMSCode(ctx context.Context, orgID, id ID, at time.Time) (bool, error)
}
