package authz

import (
	"slices"
	"strings"
)

// RoleKind says where a role is meant to be bound.
type RoleKind string

const (
	// KindOrg roles are an organization member's standing (admin, user, …).
	KindOrg RoleKind = "org"
	// KindResource roles are bound at a workspace or project (and apply to
	// everything under it); bound at org scope they apply org-wide.
	KindResource RoleKind = "resource"
	// KindCapability roles are SailPoint's capabilities, bound at org scope.
	KindCapability RoleKind = "capability"
)

// Role is a named set of permission patterns (see Match). Key is what
// bindings name: a built-in role's key, or a custom role's ID.
type Role struct {
	Key         string
	Name        string
	Kind        RoleKind
	Builtin     bool
	Permissions []string
	Description string
}

// Built-in organization roles.
const (
	RoleAdmin  = "admin"
	RoleUser   = "user"
	RoleReader = "reader"
	RoleDemo   = "demo"
)

// Built-in resource roles, as bindings name them.
const (
	RoleProjectReader = "project.reader"
	RoleProjectMember = "project.member"
	RoleProjectAdmin  = "project.admin"
	RoleProjectOwner  = "project.owner"
)

// readOnly is what an org reader sees: the directory, not its secrets.
// Workspaces and projects are not in it: members see their own, and only
// administrators see them all.
var readOnly = []string{UsersRead, GroupsRead, OrgsRead, RolesRead, PermissionsRead}

// contentRead and contentAll are the project content permissions.
var (
	contentRead = []string{ItemsRead, SourcesRead, FingerprintsRead, PreviewsRead, SavedSearchesRead, ScoresRead, SignalsRead, CollectionsRead}
	contentAll  = []string{"items.*", "sources.*", "fingerprints.*", "previews.*", "savedsearches.*", "scores.*", "signals.*", "collections.*"}
)

// builtinRoles is every built-in role in listing order: org roles,
// resource roles, capabilities.
var builtinRoles = []Role{
	org(RoleAdmin, "Everything in the organization.", "*"),
	org(RoleUser, "Reads the directory, creates workspaces and projects, and mints API keys.",
		append(slices.Clone(readOnly), WorkspacesCreate, ProjectsCreate, APIKeysCreate, PasswordPolicyRead)...),
	org(RoleReader, "Reads the directory: users, groups, the organization, roles and permissions.", readOnly...),
	org(RoleDemo, "A demonstration account: reads like a reader.", readOnly...),

	resource(RoleProjectReader, "reader", "Reads projects and their content.", append([]string{WorkspacesRead, ProjectsRead}, contentRead...)...),
	resource(RoleProjectMember, "member", "Reads and edits projects and their content.", append([]string{WorkspacesRead, ProjectsRead, ProjectsUpdate}, contentAll...)...),
	resource(RoleProjectAdmin, "admin", "Everything at its scope, members included, except deleting projects or the workspace.",
		allBut(ProjectsDelete, WorkspacesDelete)...),
	resource(RoleProjectOwner, "owner", "Everything at its scope.", "*"),

	capability("ORG_ADMIN", "Administers the whole organization.", "*"),
	capability("CERT_ADMIN", "Runs access certifications: reviews who holds what.", UsersRead, GroupsRead, RolesRead, RoleBindingsRead),
	capability("CLOUD_GOV_ADMIN", "Governs cloud resources: workspaces and projects and who may reach them.", WorkspacesRead, ProjectsRead, RoleBindingsRead),
	capability("CLOUD_GOV_USER", "Views cloud resources.", WorkspacesRead, ProjectsRead),
	capability("HELPDESK", "Helps users: sessions, MFA resets, passwords.", UsersRead, "sessions.*", MFAManage, PasswordsSet, APIKeysRead),
	capability("REPORT_ADMIN", "Reads reports and the activity log.", AuditRead, UsersRead),
	capability("ROLE_ADMIN", "Manages roles and their assignments.", "roles.*", "rolebindings.*", PermissionsRead),
	capability("ROLE_SUBADMIN", "Views roles and their assignments.", RolesRead, RoleBindingsRead, PermissionsRead),
	capability("SAAS_MANAGEMENT_ADMIN", "Manages the service accounts SaaS integrations use.", "serviceaccounts.*", APIKeysRead),
	capability("SAAS_MANAGEMENT_READER", "Views service accounts.", ServiceAccountsRead),
	capability("SOURCE_ADMIN", "Manages sources.", "sources.*"),
	capability("SOURCE_SUBADMIN", "Views sources.", SourcesRead),
	capability("das:ui-administrator", "Administers data access security: the directory and the activity log.", UsersRead, GroupsRead, AuditRead),
	capability("das:ui-compliance_manager", "Reviews compliance: users and the activity log.", UsersRead, AuditRead),
	capability("das:ui-auditor", "Reads the activity log.", AuditRead),
	capability("das:ui-data-scope", "Narrows data access security views; grants nothing by itself."),
	capability("sp:aic-dashboard-read", "SailPoint AI dashboard, read; nothing here to grant."),
	capability("sp:aic-dashboard-write", "SailPoint AI dashboard, write; nothing here to grant."),
	capability("sp:ui-config-hub-admin", "Manages organization configuration.", OrgsRead, OrgsUpdate, PasswordPolicyRead, PasswordPolicyUpdate),
	capability("sp:ui-config-hub-backup-admin", "Backs up organization configuration.", OrgsRead, PasswordPolicyRead),
	capability("sp:ui-config-hub-read", "Views organization configuration.", OrgsRead, PasswordPolicyRead),
	capability("INTERNAL", "Reserved for SailPoint staff; grants nothing here."),
	capability("POLICY_ADMIN", "Manages the password policy.", "passwordpolicy.*"),
}

func org(key, desc string, perms ...string) Role {
	return Role{Key: key, Name: key, Kind: KindOrg, Builtin: true, Permissions: perms, Description: desc}
}

func resource(key, name, desc string, perms ...string) Role {
	return Role{Key: key, Name: name, Kind: KindResource, Builtin: true, Permissions: perms, Description: desc}
}

func capability(key, desc string, perms ...string) Role {
	if perms == nil {
		perms = []string{} // listed as [], not null
	}
	return Role{Key: key, Name: key, Kind: KindCapability, Builtin: true, Permissions: perms, Description: desc}
}

// allBut lists patterns for every permission a role can grant except the
// named ones: untouched families as "family.*", the others name by name.
// Deriving it from the catalog keeps the role current as the catalog grows.
func allBut(except ...string) []string {
	var out []string
	for i := 0; i < len(catalog); {
		family, _, _ := strings.Cut(catalog[i].Name, ".")
		j := i
		for j < len(catalog) && strings.HasPrefix(catalog[j].Name, family+".") {
			j++
		}
		members := catalog[i:j]
		i = j
		if family+"." == instancePrefix {
			continue
		}
		if !slices.ContainsFunc(members, func(p Permission) bool { return slices.Contains(except, p.Name) }) {
			out = append(out, family+".*")
			continue
		}
		for _, p := range members {
			if !slices.Contains(except, p.Name) {
				out = append(out, p.Name)
			}
		}
	}
	return out
}

// builtinByKey indexes builtinRoles; read-only after construction.
var builtinByKey = func() map[string]int {
	m := make(map[string]int, len(builtinRoles))
	for i, r := range builtinRoles {
		m[r.Key] = i
	}
	return m
}()

// BuiltinRoles returns every built-in role, in a stable order.
func BuiltinRoles() []Role {
	out := make([]Role, len(builtinRoles))
	for i, r := range builtinRoles {
		out[i] = r.clone()
	}
	return out
}

// BuiltinRole finds a built-in role by key.
func BuiltinRole(key string) (Role, bool) {
	i, ok := builtinByKey[key]
	if !ok {
		return Role{}, false
	}
	return builtinRoles[i].clone(), true
}

// IsRole reports whether key is a built-in organization role.
func IsRole(key string) bool {
	i, ok := builtinByKey[key]
	return ok && builtinRoles[i].Kind == KindOrg
}

// clone copies r so that callers cannot change the built-in tables.
func (r Role) clone() Role {
	r.Permissions = slices.Clone(r.Permissions)
	return r
}
