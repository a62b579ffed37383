package authz

import "strings"

// Permissions Warden guards, one constant per catalog entry. Routes and use
// cases name them; roles grant them through patterns.
const (
	UsersRead         = "users.read"
	UsersCreate       = "users.create"
	UsersUpdate       = "users.update"
	UsersDelete       = "users.delete"
	UsersCapabilities = "users.capabilities"
	OrgsRead          = "orgs.read"
	OrgsUpdate        = "orgs.update"
	// InstanceOrgs is the instance administrators' right to list, create and
	// delete organizations and to act on any of them. No role grants it.
	InstanceOrgs = "instance.orgs"
	AuditRead    = "audit.read"

	GroupsRead    = "groups.read"
	GroupsCreate  = "groups.create"
	GroupsUpdate  = "groups.update"
	GroupsDelete  = "groups.delete"
	GroupsMembers = "groups.members"

	WorkspacesRead    = "workspaces.read"
	WorkspacesCreate  = "workspaces.create"
	WorkspacesUpdate  = "workspaces.update"
	WorkspacesDelete  = "workspaces.delete"
	WorkspacesMembers = "workspaces.members"

	ProjectsRead    = "projects.read"
	ProjectsCreate  = "projects.create"
	ProjectsUpdate  = "projects.update"
	ProjectsDelete  = "projects.delete"
	ProjectsMembers = "projects.members"

	RolesRead          = "roles.read"
	RolesCreate        = "roles.create"
	RolesUpdate        = "roles.update"
	RolesDelete        = "roles.delete"
	RoleBindingsRead   = "rolebindings.read"
	RoleBindingsCreate = "rolebindings.create"
	RoleBindingsDelete = "rolebindings.delete"
	PermissionsRead    = "permissions.read"
	AuthzCheck         = "authz.check"

	APIKeysRead           = "apikeys.read"
	APIKeysCreate         = "apikeys.create"
	APIKeysUnlimited      = "apikeys.unlimited"
	ServiceAccountsRead   = "serviceaccounts.read"
	ServiceAccountsCreate = "serviceaccounts.create"
	ServiceAccountsUpdate = "serviceaccounts.update"
	ServiceAccountsDelete = "serviceaccounts.delete"
	SessionsRead          = "sessions.read"
	SessionsDelete        = "sessions.delete"
	MFAManage             = "mfa.manage"
	PasswordsSet          = "passwords.set"
	PasswordPolicyRead    = "passwordpolicy.read"
	PasswordPolicyUpdate  = "passwordpolicy.update"
	AuthenticationsRead   = "authentications.read"
	AuthenticationsWrite  = "authentications.write"

	// Project content, as Squirro's project roles grant it.
	ItemsRead          = "items.read"
	ItemsWrite         = "items.write"
	SourcesRead        = "sources.read"
	SourcesWrite       = "sources.write"
	FingerprintsRead   = "fingerprints.read"
	FingerprintsWrite  = "fingerprints.write"
	PreviewsRead       = "previews.read"
	PreviewsWrite      = "previews.write"
	SavedSearchesRead  = "savedsearches.read"
	SavedSearchesWrite = "savedsearches.write"
	ScoresRead         = "scores.read"
	ScoresWrite        = "scores.write"
	SignalsRead        = "signals.read"
	SignalsWrite       = "signals.write"
	CollectionsRead    = "collections.read"
	CollectionsWrite   = "collections.write"
)

// Permission is one entry of the catalog. ID is what integer-keyed clients
// (ThousandEyes) see; IsManagement marks permissions that administer
// identities or access rather than read or use content.
type Permission struct {
	ID           int
	Name         string
	Label        string
	IsManagement bool
}

// catalog is every permission, in display order. IDs are part of the wire
// contract: append new entries with the next ID, never renumber or reuse.
var catalog = []Permission{
	{1, UsersRead, "View users", true},
	{2, UsersCreate, "Create users", true},
	{3, UsersUpdate, "Edit users", true},
	{4, UsersDelete, "Delete users", true},
	{5, UsersCapabilities, "Manage user capabilities", true},
	{6, OrgsRead, "View organization", false},
	{7, OrgsUpdate, "Edit organization", true},
	{8, InstanceOrgs, "Manage all organizations", true},
	{9, AuditRead, "View activity log", true},
	{10, GroupsRead, "View groups", false},
	{11, GroupsCreate, "Create groups", true},
	{12, GroupsUpdate, "Edit groups", true},
	{13, GroupsDelete, "Delete groups", true},
	{14, GroupsMembers, "Manage group members", true},
	{15, WorkspacesRead, "View workspaces", false},
	{16, WorkspacesCreate, "Create workspaces", true},
	{17, WorkspacesUpdate, "Edit workspaces", false},
	{18, WorkspacesDelete, "Delete workspaces", true},
	{19, WorkspacesMembers, "Manage workspace members", true},
	{20, ProjectsRead, "View projects", false},
	{21, ProjectsCreate, "Create projects", false},
	{22, ProjectsUpdate, "Edit projects", false},
	{23, ProjectsDelete, "Delete projects", false},
	{24, ProjectsMembers, "Manage project members", true},
	{25, RolesRead, "View roles", false},
	{26, RolesCreate, "Create roles", true},
	{27, RolesUpdate, "Edit roles", true},
	{28, RolesDelete, "Delete roles", true},
	{29, RoleBindingsRead, "View role assignments", true},
	{30, RoleBindingsCreate, "Assign roles", true},
	{31, RoleBindingsDelete, "Unassign roles", true},
	{32, PermissionsRead, "View permissions", false},
	{33, AuthzCheck, "Check anyone's access", true},
	{34, APIKeysRead, "View API keys", false},
	{35, APIKeysCreate, "Create API keys", false},
	{36, APIKeysUnlimited, "Create API keys that never expire", true},
	{37, ServiceAccountsRead, "View service accounts", false},
	{38, ServiceAccountsCreate, "Create service accounts", true},
	{39, ServiceAccountsUpdate, "Edit service accounts", true},
	{40, ServiceAccountsDelete, "Delete service accounts", true},
	{41, SessionsRead, "View sessions", true},
	{42, SessionsDelete, "Revoke sessions", true},
	{43, MFAManage, "Reset multi-factor authentication", true},
	{44, PasswordsSet, "Set passwords", true},
	{45, PasswordPolicyRead, "View password policy", false},
	{46, PasswordPolicyUpdate, "Edit password policy", true},
	{47, AuthenticationsRead, "View authentication methods", false},
	{48, AuthenticationsWrite, "Edit authentication methods", true},
	{49, ItemsRead, "View items", false},
	{50, ItemsWrite, "Edit items", false},
	{51, SourcesRead, "View sources", false},
	{52, SourcesWrite, "Edit sources", false},
	{53, FingerprintsRead, "View fingerprints", false},
	{54, FingerprintsWrite, "Edit fingerprints", false},
	{55, PreviewsRead, "View previews", false},
	{56, PreviewsWrite, "Edit previews", false},
	{57, SavedSearchesRead, "View saved searches", false},
	{58, SavedSearchesWrite, "Edit saved searches", false},
	{59, ScoresRead, "View scores", false},
	{60, ScoresWrite, "Edit scores", false},
	{61, SignalsRead, "View signals", false},
	{62, SignalsWrite, "Edit signals", false},
	{63, CollectionsRead, "View collections", false},
	{64, CollectionsWrite, "Edit collections", false},
}

// Catalog returns every permission Warden guards, in a stable order.
func Catalog() []Permission {
	out := make([]Permission, len(catalog))
	copy(out, catalog)
	return out
}

// LookupPermission finds a catalog entry by name.
func LookupPermission(name string) (Permission, bool) {
	i, ok := permIndex[name]
	if !ok {
		return Permission{}, false
	}
	return catalog[i], true
}

// permIndex maps a permission name to its position in catalog, which is
// its bit in a permSet. Built once; read-only afterwards.
var permIndex = indexCatalog()

func indexCatalog() map[string]int {
	if len(catalog) > permSetBits {
		panic("authz: catalog outgrew permSet; widen it")
	}
	m := make(map[string]int, len(catalog))
	for i, p := range catalog {
		m[p.Name] = i
	}
	return m
}

// instancePerms are the permissions only instance administrators hold.
var instancePerms = setOf(func(name string) bool { return strings.HasPrefix(name, instancePrefix) })

const instancePrefix = "instance."

// setOf is the set of catalog permissions whose name satisfies keep.
func setOf(keep func(name string) bool) permSet {
	var s permSet
	for i, p := range catalog {
		if keep(p.Name) {
			s.add(i)
		}
	}
	return s
}
