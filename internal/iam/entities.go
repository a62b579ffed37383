package iam

import (
	"encoding/json"
	"time"
)

// All times in entities are UTC and truncated to microseconds, the precision
// both storage engines keep, so a value read back equals the value written
// (the audit hash chain depends on that).

// Org is an organization: the tenant and the isolation boundary.
type Org struct {
	ID        ID
	Seq       int64 // per-table integer, for surfaces that need integer IDs
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// User is a human principal of one organization.
type User struct {
	ID            ID
	OrgID         ID
	Seq           int64
	Email         string // unique within the org, compared case-insensitively
	Username      string // optional; unique within the org when set, case-insensitively
	FirstName     string
	LastName      string
	FullName      string
	Roles         []string        // org roles: admin, user, reader
	Metadata      json.RawMessage // a JSON object, stored and returned as given
	Disabled      bool
	InstanceAdmin bool  // may administer every organization
	Version       int64 // bumped by every update; UpdateUser compares it
	CreatedAt     time.Time
	UpdatedAt     time.Time
	LastLoginAt   *time.Time
}

// Session is the server-side half of a login: a token names it by ID and is
// refused as soon as the session is revoked or expires.
type Session struct {
	ID         ID
	OrgID      ID
	UserID     ID
	Method     string // how the user authenticated: password, totp, …
	IP         string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
}

// Active reports whether the session may still authenticate at time now.
func (s *Session) Active(now time.Time) bool {
	return s.RevokedAt == nil && now.Before(s.ExpiresAt)
}

// SigningKey is a token-signing key pair. The private half is sealed at rest.
type SigningKey struct {
	ID            string // the JWT "kid"
	Algorithm     string // "EdDSA"
	PublicKey     []byte
	SealedPrivate []byte
	CreatedAt     time.Time
	RetireAt      time.Time // no longer signs after this
	ExpiresAt     time.Time // no longer verifies after this
}

// Actor types of audit events.
const (
	ActorUser           = "user"
	ActorServiceAccount = "service_account"
	ActorSystem         = "system"
)

// AuditEvent is one entry of an organization's append-only, hash-chained log.
type AuditEvent struct {
	ID         ID
	OrgID      ID
	Seq        int64 // position in the organization's chain, from 1; set by the store
	Time       time.Time
	ActorType  string // ActorUser, ActorServiceAccount or ActorSystem
	ActorID    ID     // NilID for the system
	Action     string // user.created, session.revoked, …
	TargetType string
	TargetID   string
	SourceIP   string
	UserAgent  string
	Surface    string          // which API the change came through: native, thousandeyes, …
	Changes    json.RawMessage // what changed; never a secret
	PrevHash   []byte          // set by the store
	Hash       []byte          // set by the store
}
