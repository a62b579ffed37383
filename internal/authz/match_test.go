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
		{"users*", "usersx.read", true},
		{"*", "anything.at.all", true},
		{"*", "", true},
		{"", "users.read", false},
		{"users.*.self", "users.read.self", false}, // only a trailing * is a wildcard
	}
	for _, c := range cases {
		if got := Match(c.pattern, c.perm); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.perm, got, c.want)
		}
	}
}

func TestValidPattern(t *testing.T) {
	cases := []struct {
		pattern string
		want    bool
	}{
		{"*", true},
		{UsersRead, true},
		{"users.*", true},
		{"u*", true},
		{"items.*", true},
		{CollectionsWrite, true},
		{"users.read.*", false}, // covers no catalog permission
		{"users", false},
		{"users.", false},
		{"nuclear.launch", false},
		{"nuclear.*", false},
		{"", false},
		{"*.read", false},
		{InstanceOrgs, false}, // no role can grant it
		{"instance.*", false},
		{"i*", true}, // items.*
	}
	for _, c := range cases {
		if got := ValidPattern(c.pattern); got != c.want {
			t.Errorf("ValidPattern(%q) = %v, want %v", c.pattern, got, c.want)
		}
	}
}
