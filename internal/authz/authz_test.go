package authz

import "testing"

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, perm string
		want          bool
	}{
		{"users.read", "users.read", true},
		{"users.read", "users.readx", false},
		{"users.read", "users", false},
		{"users.*", "users.read", true},
		{"users.*", "users.read.self", true},
		{"users.*", "usersx.read", false},
		{"users.*", "users", false},
		{"*", "anything.at.all", true},
		{"", "users.read", false},
	}
	for _, c := range cases {
		if got := Match(c.pattern, c.perm); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.perm, got, c.want)
		}
	}
}

func TestAllowed(t *testing.T) {
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
		{"an unknown role grants nothing", []string{"root"}, false, UsersRead, false},
		{"no roles grant nothing", nil, false, UsersRead, false},
		{"instance admins manage orgs", nil, true, InstanceOrgs, true},
		{"instance admin alone is no org role", nil, true, UsersRead, false},
		{"an unknown permission is denied", []string{RoleAdmin}, false, "nuclear.launch", false},
	}
	for _, c := range cases {
		if got := Allowed(c.roles, c.instanceAdmin, c.perm); got != c.want {
			t.Errorf("%s: Allowed(%v, %v, %q) = %v, want %v", c.name, c.roles, c.instanceAdmin, c.perm, got, c.want)
		}
	}
}
