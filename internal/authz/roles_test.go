package authz

import (
	"slices"
	"testing"
)

// grantsAtOrg reports whether role key, bound at org scope, grants perm.
func grantsAtOrg(t *testing.T, key, perm string) bool {
	t.Helper()
	s := Compile([]Binding{{Role: key, Scope: Scope{Type: ScopeOrg}}}, BuiltinRole, false)
	return s.Allowed(perm, Target{})
}

func TestBuiltinRoles(t *testing.T) {
	cases := []struct {
		role           string
		allows, denies []string
	}{
		{RoleAdmin, []string{UsersDelete, AuditRead, RoleBindingsCreate, ItemsWrite, APIKeysUnlimited}, []string{InstanceOrgs}},
		{RoleUser, []string{UsersRead, GroupsRead, OrgsRead, RolesRead, PermissionsRead, WorkspacesCreate, ProjectsCreate, APIKeysCreate},
			[]string{UsersCreate, UsersUpdate, AuditRead, OrgsUpdate, RolesCreate, RoleBindingsCreate, ProjectsRead, APIKeysUnlimited}},
		{RoleReader, []string{UsersRead, GroupsRead, OrgsRead, RolesRead, PermissionsRead},
			[]string{UsersUpdate, AuditRead, WorkspacesCreate, ProjectsCreate, ProjectsRead, ItemsRead}},
		{RoleDemo, []string{UsersRead}, []string{UsersCreate, AuditRead, WorkspacesRead}},
		{RoleProjectReader, append([]string{ProjectsRead}, contentRead...),
			[]string{ProjectsUpdate, ItemsWrite, SourcesWrite, ProjectsMembers, UsersRead}},
		{RoleProjectMember, []string{ProjectsRead, ProjectsUpdate, ItemsRead, ItemsWrite, CollectionsWrite, SignalsWrite},
			[]string{ProjectsDelete, ProjectsMembers, RoleBindingsCreate, WorkspacesUpdate}},
		{RoleProjectAdmin, []string{ProjectsUpdate, ProjectsMembers, RoleBindingsCreate, WorkspacesUpdate, WorkspacesMembers, ItemsWrite},
			[]string{ProjectsDelete, WorkspacesDelete, InstanceOrgs}},
		{RoleProjectOwner, []string{ProjectsDelete, WorkspacesDelete, ProjectsMembers, ItemsWrite}, []string{InstanceOrgs}},
		{"ORG_ADMIN", []string{UsersDelete, AuditRead}, []string{InstanceOrgs}},
		{"HELPDESK", []string{UsersRead, SessionsRead, SessionsDelete, MFAManage, PasswordsSet, APIKeysRead},
			[]string{UsersUpdate, UsersDelete, AuditRead}},
		{"REPORT_ADMIN", []string{AuditRead, UsersRead}, []string{UsersUpdate}},
		{"ROLE_ADMIN", []string{RolesCreate, RolesDelete, RoleBindingsCreate, RoleBindingsDelete}, []string{UsersCreate}},
		{"SOURCE_ADMIN", []string{SourcesRead, SourcesWrite}, []string{ItemsRead}},
		{"POLICY_ADMIN", []string{PasswordPolicyUpdate}, []string{UsersRead}},
		{"INTERNAL", nil, []string{UsersRead}},
	}
	for _, c := range cases {
		for _, p := range c.allows {
			if !grantsAtOrg(t, c.role, p) {
				t.Errorf("%s does not grant %s", c.role, p)
			}
		}
		for _, p := range c.denies {
			if grantsAtOrg(t, c.role, p) {
				t.Errorf("%s grants %s", c.role, p)
			}
		}
	}
}

func TestBuiltinRoleTables(t *testing.T) {
	capabilities := []string{"CERT_ADMIN", "CLOUD_GOV_ADMIN", "CLOUD_GOV_USER", "HELPDESK", "ORG_ADMIN", "REPORT_ADMIN",
		"ROLE_ADMIN", "ROLE_SUBADMIN", "SAAS_MANAGEMENT_ADMIN", "SAAS_MANAGEMENT_READER", "SOURCE_ADMIN", "SOURCE_SUBADMIN",
		"das:ui-administrator", "das:ui-compliance_manager", "das:ui-auditor", "das:ui-data-scope", "sp:aic-dashboard-read",
		"sp:aic-dashboard-write", "sp:ui-config-hub-admin", "sp:ui-config-hub-backup-admin", "sp:ui-config-hub-read",
		"INTERNAL", "POLICY_ADMIN"}
	kinds := map[string]RoleKind{RoleAdmin: KindOrg, RoleUser: KindOrg, RoleReader: KindOrg, RoleDemo: KindOrg,
		RoleProjectReader: KindResource, RoleProjectMember: KindResource, RoleProjectAdmin: KindResource, RoleProjectOwner: KindResource}
	for _, c := range capabilities {
		kinds[c] = KindCapability
	}
	all := BuiltinRoles()
	if len(all) != len(kinds) {
		t.Errorf("%d built-in roles, want %d", len(all), len(kinds))
	}
	for _, r := range all {
		if kinds[r.Key] != r.Kind || !r.Builtin || r.Name == "" || r.Description == "" || r.Permissions == nil {
			t.Errorf("malformed built-in role %+v", r)
		}
		for _, p := range r.Permissions {
			if !ValidPattern(p) {
				t.Errorf("%s grants invalid pattern %q", r.Key, p)
			}
		}
		if got, ok := BuiltinRole(r.Key); !ok || !slices.Equal(got.Permissions, r.Permissions) {
			t.Errorf("BuiltinRole(%q) = %+v, %v", r.Key, got, ok)
		}
		if IsRole(r.Key) != (r.Kind == KindOrg) {
			t.Errorf("IsRole(%q) = %v", r.Key, IsRole(r.Key))
		}
	}
	for key, name := range map[string]string{RoleProjectReader: "reader", RoleProjectMember: "member", RoleProjectAdmin: "admin", RoleProjectOwner: "owner"} {
		if r, _ := BuiltinRole(key); r.Name != name {
			t.Errorf("%s is named %q, want %q", key, r.Name, name)
		}
	}
	if _, ok := BuiltinRole("root"); ok || IsRole("root") {
		t.Error("an unknown key is a built-in role")
	}
}

func TestBuiltinRolesAreCopies(t *testing.T) {
	r, _ := BuiltinRole(RoleReader)
	r.Permissions[0] = "*"
	BuiltinRoles()[1].Permissions[0] = "*"
	if grantsAtOrg(t, RoleReader, UsersDelete) || grantsAtOrg(t, RoleUser, UsersDelete) {
		t.Fatal("changing a returned role changed the built-in one")
	}
}

func TestProjectAdminIsOwnerLessDeletion(t *testing.T) {
	admin := roleGrants(mustRole(t, RoleProjectAdmin))
	owner := roleGrants(mustRole(t, RoleProjectOwner))
	owner.minus(&admin)
	var want permSet
	want.add(permIndex[ProjectsDelete])
	want.add(permIndex[WorkspacesDelete])
	if owner != want {
		t.Fatalf("owner minus admin = %v, want %v", names(owner), names(want))
	}
}

func mustRole(t *testing.T, key string) Role {
	t.Helper()
	r, ok := BuiltinRole(key)
	if !ok {
		t.Fatalf("no built-in role %q", key)
	}
	return r
}

func names(s permSet) []string {
	var out []string
	for i, p := range catalog {
		if s.has(i) {
			out = append(out, p.Name)
		}
	}
	return out
}
