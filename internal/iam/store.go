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
	// Listen calls fn with every Invalidation any node sharing this database
	// commits, from the moment it is listening until ctx ends, and then
	// returns nil; fn runs on one goroutine, in the order messages arrive.
	// It survives lost connections, reconnecting with back-off; each time it
	// starts or resumes listening it first calls fn with InvalidateAll, as
	// messages sent meanwhile are lost. A backend with one node per database
	// (SQLite) blocks until ctx ends and never calls fn.
	Listen(ctx context.Context, fn func(Invalidation)) error
}

// Queries is what may be done inside or outside a transaction. Outside a
// transaction each call stands alone.
type Queries interface {
	CredentialQueries
	IdempotencyQueries
	ExternalQueries
	SMSQueries
	LookupQueries

	// Notify sends inv to every node's Listen; inside a transaction, only
	// when it commits. A backend with one node per database does nothing.
	Notify(ctx context.Context, inv Invalidation) error

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
	// UpdateUser writes every mutable field of u (not Roles, which come from
	// role bindings) if the stored Version equals u.Version (else Conflict
	// with code "modified"), then sets u.Version to the new stored version.
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser removes the user with their password, sessions, group
	// memberships and role bindings.
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

	// Groups. Names are unique within an organization, case-insensitively.
	CreateGroup(ctx context.Context, g *Group) error
	GetGroup(ctx context.Context, orgID, id ID) (*Group, error)
	UpdateGroup(ctx context.Context, g *Group) error // name, description, updated_at
	// DeleteGroup removes the group, its memberships and its role bindings.
	DeleteGroup(ctx context.Context, orgID, id ID) error
	ListGroups(ctx context.Context, orgID ID, p Page) ([]*Group, error)
	// AddGroupMember adds m; it reports false if m was a member already.
	AddGroupMember(ctx context.Context, m *GroupMember) (bool, error)
	RemoveGroupMember(ctx context.Context, orgID, groupID, principalID ID) error
	// ListGroupMembers pages through a group's members by principal ID.
	ListGroupMembers(ctx context.Context, orgID, groupID ID, p Page) ([]*GroupMember, error)
	// ListPrincipalGroups returns the IDs of the groups a principal is in.
	ListPrincipalGroups(ctx context.Context, orgID, principalID ID) ([]ID, error)

	// Workspaces. Domains are unique within an organization.
	CreateWorkspace(ctx context.Context, w *Workspace) error
	GetWorkspace(ctx context.Context, orgID, id ID) (*Workspace, error)
	UpdateWorkspace(ctx context.Context, w *Workspace) error // title, domain, updated_at
	// DeleteWorkspace removes the workspace, its projects and every role
	// binding scoped to any of them.
	DeleteWorkspace(ctx context.Context, orgID, id ID) error
	ListWorkspaces(ctx context.Context, orgID ID, p Page) ([]*Workspace, error)

	// Projects. Names are unique within a workspace, case-insensitively.
	CreateProject(ctx context.Context, p *Project) error
	GetProject(ctx context.Context, orgID, id ID) (*Project, error)
	UpdateProject(ctx context.Context, p *Project) error // name, description, updated_at
	// DeleteProject removes the project and the role bindings scoped to it.
	DeleteProject(ctx context.Context, orgID, id ID) error
	ListProjects(ctx context.Context, orgID ID, f ProjectFilter) ([]*Project, error)

	// Custom roles. Names are unique within an organization, case-insensitively.
	CreateRole(ctx context.Context, r *Role) error
	GetRole(ctx context.Context, orgID, id ID) (*Role, error)
	UpdateRole(ctx context.Context, r *Role) error // name, description, permissions, updated_at
	DeleteRole(ctx context.Context, orgID, id ID) error
	ListRoles(ctx context.Context, orgID ID) ([]*Role, error)

	// Role bindings. A binding of the same role to the same subject at the
	// same scope exists once (Conflict).
	CreateRoleBinding(ctx context.Context, b *RoleBinding) error
	GetRoleBinding(ctx context.Context, orgID, id ID) (*RoleBinding, error)
	DeleteRoleBinding(ctx context.Context, orgID, id ID) error
	ListRoleBindings(ctx context.Context, orgID ID, f BindingFilter) ([]*RoleBinding, error)
	// DeleteRoleBindings removes every binding f selects (ignoring its
	// paging) and returns them.
	DeleteRoleBindings(ctx context.Context, orgID ID, f BindingFilter) ([]*RoleBinding, error)
	// ListPrincipalBindings returns a principal's bindings: its own and
	// those of every group it is in.
	ListPrincipalBindings(ctx context.Context, orgID, principalID ID) ([]*RoleBinding, error)

	// IDBySeq finds the ID of the object of the given kind (SeqUser,
	// SeqWorkspace, …) whose per-table number is seq, in the organization:
	// the compatibility surfaces that name objects by number use it.
	IDBySeq(ctx context.Context, orgID ID, kind string, seq int64) (ID, error)

	// BumpAuthzVersion advances the organization's access version, which
	// every change to bindings, memberships or roles makes, so that cached
	// permission snapshots know they are stale; it returns the new version.
	BumpAuthzVersion(ctx context.Context, orgID ID) (int64, error)
	// AuthzVersions returns every organization's access version.
	AuthzVersions(ctx context.Context) (map[ID]int64, error)

	// AppendAudit appends e to its organization's chain: it sets e.Seq to the
	// next position, e.PrevHash to the hash of the previous event (empty for
	// the first) and e.Hash to ChainHash(e.PrevHash, e), serialising
	// concurrent appends to the same organization.
	AppendAudit(ctx context.Context, e *AuditEvent) error
	ListAudit(ctx context.Context, orgID ID, f AuditFilter) ([]*AuditEvent, error)
}

// Kinds of object IDBySeq resolves.
const (
	SeqUser           = "user"
	SeqServiceAccount = "service_account"
	SeqGroup          = "group"
	SeqWorkspace      = "workspace"
	SeqProject        = "project"
	SeqRole           = "role"
	SeqAPIKey         = "api_key"
)

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

// ProjectFilter selects projects, in ascending ID order after Page.After;
// a zero WorkspaceID means every workspace.
type ProjectFilter struct {
	Page
	WorkspaceID ID
}

// BindingFilter selects role bindings; zero fields do not filter. Results
// are in ascending ID order after Page.After.
type BindingFilter struct {
	Page
	SubjectID ID
	Role      string
	ScopeType string
	ScopeID   ID
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
