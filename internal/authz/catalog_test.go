package authz

import (
	"strings"
	"testing"
)

func TestCatalogIsWellFormed(t *testing.T) {
	cat := Catalog()
	if len(cat) > permSetBits {
		t.Fatalf("%d permissions outgrow a permSet of %d bits", len(cat), permSetBits)
	}
	seen := map[string]bool{}
	for i, p := range cat {
		// IDs only ever grow: a new permission is appended with the next ID.
		if i == 0 && p.ID != 1 || i > 0 && p.ID <= cat[i-1].ID {
			t.Errorf("%s has ID %d after %d", p.Name, p.ID, cat[max(i-1, 0)].ID)
		}
		if seen[p.Name] {
			t.Errorf("%s is listed twice", p.Name)
		}
		seen[p.Name] = true
		if family, action, ok := strings.Cut(p.Name, "."); !ok || family == "" || action == "" || strings.Contains(p.Name, "*") {
			t.Errorf("%q is not a dotted name", p.Name)
		}
		if p.Label == "" {
			t.Errorf("%s has no label", p.Name)
		}
		got, ok := LookupPermission(p.Name)
		if !ok || got != p {
			t.Errorf("LookupPermission(%q) = %v, %v", p.Name, got, ok)
		}
	}
}

func TestCatalogIDsAreStable(t *testing.T) {
	// Clients store these numbers; changing one breaks them.
	for name, id := range map[string]int{UsersRead: 1, InstanceOrgs: 8, AuthzCheck: 33, CollectionsWrite: 64} {
		if p, _ := LookupPermission(name); p.ID != id {
			t.Errorf("%s has ID %d, want %d", name, p.ID, id)
		}
	}
}

func TestCatalogIsACopy(t *testing.T) {
	Catalog()[0].Name = "changed"
	if Catalog()[0].Name != UsersRead {
		t.Fatal("changing the returned catalog changed the catalog")
	}
}

func TestLookupPermissionUnknown(t *testing.T) {
	for _, name := range []string{"", "*", "users.*", "nuclear.launch", "USERS.READ"} {
		if _, ok := LookupPermission(name); ok {
			t.Errorf("LookupPermission(%q) found something", name)
		}
	}
}

func TestManagementPermissions(t *testing.T) {
	cases := map[string]bool{
		UsersRead: true, UsersDelete: true, UsersCapabilities: true, GroupsRead: false, GroupsMembers: true,
		RolesRead: false, RolesCreate: true, RoleBindingsRead: true, AuditRead: true, OrgsRead: false,
		OrgsUpdate: true, InstanceOrgs: true, APIKeysUnlimited: true, APIKeysCreate: false,
		ProjectsRead: false, ProjectsMembers: true, ItemsWrite: false, SourcesRead: false,
	}
	for name, want := range cases {
		if p, _ := LookupPermission(name); p.IsManagement != want {
			t.Errorf("%s: IsManagement = %v, want %v", name, p.IsManagement, want)
		}
	}
}
