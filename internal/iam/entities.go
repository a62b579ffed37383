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
	Roles         []string        // keys of the roles bound to the user at org scope (read-only: bindings hold them)
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

// Subject and scope types of role bindings.
const (
	SubjectUser           = "user"
	SubjectGroup          = "group"
	SubjectServiceAccount = "service_account"

	ScopeOrg       = "org"
	ScopeWorkspace = "workspace"
	ScopeProject   = "project"
)

// Group is a set of users and service accounts of one organization.
type Group struct {
	ID          ID
	OrgID       ID
	Seq         int64
	Name        string // unique within the org, case-insensitively
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// GroupMember is one principal's membership of a group.
type GroupMember struct {
	GroupID       ID
	OrgID         ID
	PrincipalType string // SubjectUser or SubjectServiceAccount
	PrincipalID   ID
	CreatedAt     time.Time
}

// Workspace is a sub-unit of an organization (an "account group", a
// "context"); projects live in workspaces.
type Workspace struct {
	ID        ID
	OrgID     ID
	Seq       int64
	Title     string
	Domain    string // URL-safe slug, unique within the org
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Project is a resource container inside a workspace.
type Project struct {
	ID          ID
	OrgID       ID
	WorkspaceID ID
	Seq         int64
	Name        string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Role is an organization's custom role: a named set of permission
// patterns. Built-in roles live in code (package authz), not in storage.
type Role struct {
	ID          ID
	OrgID       ID
	Seq         int64
	Name        string // unique within the org, case-insensitively
	Description string
	Permissions []string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// RoleBinding grants a role to a subject at a scope. Role is a built-in
// role's key or a custom role's ID in dashed form.
type RoleBinding struct {
	ID          ID
	OrgID       ID
	Seq         int64
	SubjectType string // SubjectUser, SubjectGroup or SubjectServiceAccount
	SubjectID   ID
	Role        string
	ScopeType   string // ScopeOrg, ScopeWorkspace or ScopeProject
	ScopeID     ID     // the org, workspace or project
	CreatedAt   time.Time
}
