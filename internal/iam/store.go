package iam

import (
	"context"
	"time"
)

// Store is the storage contract. Every backend passes the conformance suite
// in internal/store/storetest. Methods do scoped CRUD and compare-and-swap,
// never business rules. Every method on tenant data takes the organization,
// and a row of another organization is NotFound. Uniqueness violations are
// Conflict; a missing row is NotFound; anything else is Internal.
type Store interface {
	Queries
	// Tx runs fn in one read-write transaction: committed if fn returns nil,
	// rolled back otherwise. fn must use only the Queries it is given.
	Tx(ctx context.Context, fn func(Queries) error) error
	Ping(ctx context.Context) error
	Close() error
}

// Queries is what may be done inside or outside a transaction. Outside a
// transaction each call stands alone.
type Queries interface {
	// Organizations. Names are unique in the instance, case-insensitively.
	CreateOrg(ctx context.Context, o *Org) error
	GetOrg(ctx context.Context, id ID) (*Org, error)
	UpdateOrg(ctx context.Context, o *Org) error // name and updated_at
	DeleteOrg(ctx context.Context, id ID) error  // and everything in it
	ListOrgs(ctx context.Context, p Page) ([]*Org, error)

	// Users.
	CreateUser(ctx context.Context, u *User) error
	GetUser(ctx context.Context, orgID, id ID) (*User, error)
	// FindUsersByLogin returns up to limit users of any organization whose
	// email or username equals login, case-insensitively, oldest first.
	FindUsersByLogin(ctx context.Context, login string, limit int) ([]*User, error)
	// UpdateUser writes every mutable field of u if the stored Version equals
	// u.Version (else Conflict with code "modified"), then sets u.Version to
	// the new stored version.
	UpdateUser(ctx context.Context, u *User) error
	DeleteUser(ctx context.Context, orgID, id ID) error
	ListUsers(ctx context.Context, orgID ID, f UserFilter) ([]*User, error)
	// CountUsers counts the users of the whole instance.
	CountUsers(ctx context.Context) (int64, error)
	SetLastLogin(ctx context.Context, orgID, userID ID, at time.Time) error

	// Password hashes, apart from users so that no listing can leak one.
	SetPasswordHash(ctx context.Context, orgID, userID ID, hash string) error
	GetPasswordHash(ctx context.Context, orgID, userID ID) (string, error)

	// Sessions.
	CreateSession(ctx context.Context, s *Session) error
	GetSession(ctx context.Context, orgID, id ID) (*Session, error)
	ListSessions(ctx context.Context, orgID, userID ID) ([]*Session, error)
	TouchSession(ctx context.Context, orgID, id ID, at time.Time) error
	// RevokeSession sets revoked_at if the session is not revoked yet.
	RevokeSession(ctx context.Context, orgID, id ID, at time.Time) error
	// RevokeUserSessions revokes every active session of a user and returns
	// the IDs it revoked.
	RevokeUserSessions(ctx context.Context, orgID, userID ID, at time.Time) ([]ID, error)

	// Token-signing keys (instance-wide).
	CreateSigningKey(ctx context.Context, k *SigningKey) error
	ListSigningKeys(ctx context.Context) ([]*SigningKey, error)
	DeleteSigningKeysExpiredBefore(ctx context.Context, t time.Time) error

	// AppendAudit appends e to its organization's chain: it sets e.Seq to the
	// next position, e.PrevHash to the hash of the previous event (empty for
	// the first) and e.Hash to ChainHash(e.PrevHash, e), serialising
	// concurrent appends to the same organization.
	AppendAudit(ctx context.Context, e *AuditEvent) error
	ListAudit(ctx context.Context, orgID ID, f AuditFilter) ([]*AuditEvent, error)
}

// Page is a keyset page over IDs: items with an ID greater than After,
// in ascending ID order, at most Limit of them.
type Page struct {
	After ID
	Limit int
}

// UserFilter selects users. Email matches exactly and Q as a prefix of the
// email, username, first, last or full name; both ignore case. Results are in
// ascending ID order after Page.After.
type UserFilter struct {
	Page
	Email string
	Q     string
}

// AuditFilter selects audit events. Zero fields do not filter. Results are in
// descending Seq order (newest first) below Cursor, or ascending above it
// when Asc is set; a zero Cursor starts at the newest (or the first) event.
type AuditFilter struct {
	Since      time.Time // inclusive
	Until      time.Time // exclusive
	ActorID    ID
	Action     string
	TargetType string
	TargetID   string
	Cursor     int64
	Asc        bool
	Limit      int
}
