package authz

import "strings"

// Match reports whether the granted pattern covers perm. A pattern is a
// dotted name, optionally ending in "*", which matches any suffix: "users.*"
// covers "users.read" and "users.read.self"; "*" covers everything.
func Match(pattern, perm string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(perm, prefix)
	}
	return pattern == perm
}

// ValidPattern reports whether p may appear in a role: a catalog permission,
// or a prefix ending in "*" that covers at least one. Patterns that could
// only name instance permissions are refused, since no role grants those.
func ValidPattern(p string) bool {
	g := grants(p)
	return !g.isEmpty()
}

// grants is the set of catalog permissions pattern p gives a role holder.
func grants(p string) permSet {
	s := setOf(func(name string) bool { return Match(p, name) })
	s.minus(&instancePerms)
	return s
}
