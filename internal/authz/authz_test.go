package authz

import "testing"

// TestOrgRoles checks what the built-in org roles and capabilities grant,
// bound at org scope.
func TestOrgRoles(t *testing.T) {
	cases := []struct {
		name          string
		roles         []string
		instanceAdmin bool
		perm          string
		want          bool
	}{
		{"admin manages users", []string{RoleAdmin}, false, UsersDelete, true},
		{"admin reads the audit log", []string{RoleAdmin}, false, AuditRead, true},
		{"admin is not an instance admin", []string{RoleAdmin}, false, InstanceOrgs, false},
		{"user reads users", []string{RoleUser}, false, UsersRead, true},
		{"user does not create users", []string{RoleUser}, false, UsersCreate, false},
		{"reader does not update users", []string{RoleReader}, false, UsersUpdate, false},
		{"reader does not read the audit log", []string{RoleReader}, false, AuditRead, false},
		{"roles add up", []string{RoleReader, RoleAdmin}, false, UsersCreate, true},
		{"capabilities count", []string{RoleReader, "REPORT_ADMIN"}, false, AuditRead, true},
		{"an unknown role grants nothing", []string{"root"}, false, UsersRead, false},
		{"no roles grant nothing", nil, false, UsersRead, false},
		{"instance admins manage orgs", nil, true, InstanceOrgs, true},
		{"instance admin alone is no org role", nil, true, UsersRead, false},
		{"an unknown permission is denied", []string{RoleAdmin}, false, "nuclear.launch", false},
	}
	for _, c := range cases {
		var bs []Binding
		for _, r := range c.roles {
			bs = append(bs, bind("user", user, r, orgScope))
		}
		if got := Compile(bs, BuiltinRole, c.instanceAdmin).Allowed(c.perm, atOrg); got != c.want {
			t.Errorf("%s: roles %v, instance admin %v, Allowed(%q) = %v, want %v", c.name, c.roles, c.instanceAdmin, c.perm, got, c.want)
		}
	}
}
