// Package authz decides whether a principal may do something. It is a pure
// function of the principal's roles and the permission asked for: no I/O,
// no clock, no state.
package authz

import "strings"

// Permissions Warden guards. Each route of the native API declares one.
const (
	UsersRead   = "users.read"
	UsersCreate = "users.create"
	UsersUpdate = "users.update"
	UsersDelete = "users.delete"
	OrgsRead    = "orgs.read"
	OrgsUpdate  = "orgs.update"
	AuditRead   = "audit.read"
	// InstanceOrgs is the instance administrators' right to list, create and
	// delete organizations and to act on any of them.
	InstanceOrgs = "instance.orgs"
)

// Built-in organization roles.
const (
	RoleAdmin  = "admin"
	RoleUser   = "user"
	RoleReader = "reader"
)

// rolePermissions lists what each built-in org role grants. Everyone may also
// read and update their own profile; that rule lives in the service, which
// knows the target.
var rolePermissions = map[string][]string{
	RoleAdmin:  {"users.*", "orgs.read", "orgs.update", "audit.*"},
	RoleUser:   {UsersRead, OrgsRead},
	RoleReader: {UsersRead, OrgsRead},
}

// IsRole reports whether name is a built-in org role.
func IsRole(name string) bool {
	_, ok := rolePermissions[name]
	return ok
}

// Allowed reports whether holding roles grants perm (instanceAdmin grants
// the instance.* permissions too).
func Allowed(roles []string, instanceAdmin bool, perm string) bool {
	if instanceAdmin && Match("instance.*", perm) {
		return true
	}
	for _, r := range roles {
		for _, granted := range rolePermissions[r] {
			if Match(granted, perm) {
				return true
			}
		}
	}
	return false
}

// Match reports whether the granted pattern covers perm. A pattern is a
// dotted name, optionally ending in "*", which matches any suffix: "users.*"
// covers "users.read" and "users.read.self"; "*" covers everything.
func Match(pattern, perm string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(perm, prefix)
	}
	return pattern == perm
}
