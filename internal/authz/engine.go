package authz

import (
	"fmt"
	"slices"

	"github.com/wardenhq/warden/internal/iam"
)

// ScopeType is where a binding applies. The zero value is no scope: a
// binding with it grants nothing, so a type that failed to parse cannot
// widen into org scope.
type ScopeType uint8

const (
	ScopeOrg       ScopeType = iota + 1 // everywhere in the organization
	ScopeWorkspace                      // a workspace and all its projects
	ScopeProject                        // one project
)

var scopeNames = [...]string{ScopeOrg: "org", ScopeWorkspace: "workspace", ScopeProject: "project"}

func (t ScopeType) String() string {
	if t >= ScopeOrg && t <= ScopeProject {
		return scopeNames[t]
	}
	return fmt.Sprintf("ScopeType(%d)", t)
}

// ParseScopeType reads "org", "workspace" or "project".
func ParseScopeType(s string) (ScopeType, bool) {
	for t := ScopeOrg; t <= ScopeProject; t++ {
		if scopeNames[t] == s {
			return t, true
		}
	}
	return 0, false
}

// Scope is an organization (the snapshot's own; ID is not consulted), a
// workspace or a project.
type Scope struct {
	Type ScopeType
	ID   iam.ID
}

// Binding grants a subject (user, group or service account) a role at a
// scope.
type Binding struct {
	ID          iam.ID
	SubjectType string
	SubjectID   iam.ID
	Role        string
	Scope       Scope
}

// Target is where a permission is asked for: the organization itself (zero
// Workspace and Project), a workspace, or a project inside its workspace.
type Target struct {
	Workspace, Project iam.ID
}

// Snapshot is what one principal may do, compiled from its bindings for
// checks that neither allocate nor scan. It is immutable, so safe to share.
type Snapshot struct {
	bindings   []Binding
	grants     []permSet // what each binding grants, by position
	org        grant
	workspaces map[iam.ID]*grant // nil without a workspace binding
	projects   map[iam.ID]*grant // nil without a project binding
}

// grant is what one scope's bindings grant together, and which bindings
// (positions, ascending) apply there, for Explain.
type grant struct {
	perms permSet
	from  []int
}

// Compile builds a principal's snapshot from its bindings (direct and
// through its groups, already collected by the caller), resolving role keys
// with roles; an unknown role key grants nothing. instanceAdmin grants the
// instance.* permissions, which no role pattern ever grants (not even "*").
func Compile(bindings []Binding, roles func(key string) (Role, bool), instanceAdmin bool) *Snapshot {
	s := &Snapshot{
		bindings: slices.Clone(bindings),
		grants:   make([]permSet, len(bindings)),
	}
	if instanceAdmin {
		s.org.perms = instancePerms
	}
	expanded := map[string]permSet{} // role key → what it grants, expanded once
	for i, b := range s.bindings {
		perms, ok := expanded[b.Role]
		if !ok {
			if r, found := roles(b.Role); found {
				perms = roleGrants(r)
			}
			expanded[b.Role] = perms
		}
		var g *grant
		switch b.Scope.Type {
		case ScopeOrg:
			g = &s.org
		case ScopeWorkspace:
			g = scopeGrant(&s.workspaces, b.Scope.ID)
		case ScopeProject:
			g = scopeGrant(&s.projects, b.Scope.ID)
		}
		if g == nil || perms.isEmpty() {
			continue
		}
		s.grants[i] = perms
		g.perms.union(&perms)
		g.from = append(g.from, i)
	}
	return s
}

// scopeGrant is the grant of workspace or project id in *m, created (with
// the map) on first use: the caches keep thousands of snapshots, most with
// org-scope bindings only. nil for the zero ID, which names nothing.
func scopeGrant(m *map[iam.ID]*grant, id iam.ID) *grant {
	if id.IsZero() {
		return nil
	}
	g := (*m)[id]
	if g == nil {
		if *m == nil {
			*m = map[iam.ID]*grant{}
		}
		g = &grant{}
		(*m)[id] = g
	}
	return g
}

// roleGrants is the union of what r's patterns grant.
func roleGrants(r Role) permSet {
	var s permSet
	for _, p := range r.Permissions {
		g := grants(p)
		s.union(&g)
	}
	return s
}

// Allowed reports whether the principal holds perm at t: through a binding
// at org scope, at t's workspace, or at t's project. Permissions outside
// the catalog are denied. It allocates nothing: one lookup of perm, at most
// two of scopes (none is kept under the zero ID), and bit tests.
func (s *Snapshot) Allowed(perm string, t Target) bool {
	i, ok := permIndex[perm]
	if !ok {
		return false
	}
	if s.org.perms.has(i) {
		return true
	}
	if g := s.workspaces[t.Workspace]; g != nil && g.perms.has(i) {
		return true
	}
	g := s.projects[t.Project]
	return g != nil && g.perms.has(i)
}

// Explain returns the bindings that grant perm at t, in the order Compile
// received them; none when it is denied, or granted only by being an
// instance administrator.
func (s *Snapshot) Explain(perm string, t Target) []Binding {
	i, ok := permIndex[perm]
	if !ok {
		return nil
	}
	var idx []int
	for _, g := range s.applicable(t) {
		for _, j := range g.from {
			if s.grants[j].has(i) {
				idx = append(idx, j)
			}
		}
	}
	slices.Sort(idx)
	out := make([]Binding, len(idx))
	for k, j := range idx {
		out[k] = s.bindings[j]
	}
	return out
}

// Permissions lists every catalog permission allowed at t, in catalog order.
func (s *Snapshot) Permissions(t Target) []string {
	var all permSet
	for _, g := range s.applicable(t) {
		all.union(&g.perms)
	}
	out := []string{}
	for i, p := range catalog {
		if all.has(i) {
			out = append(out, p.Name)
		}
	}
	return out
}

// applicable is the grants that count at t: the org's, t's workspace's and
// t's project's. (Compile keeps no grant under the zero ID, so an org-level
// target finds only the org's.)
func (s *Snapshot) applicable(t Target) []*grant {
	gs := []*grant{&s.org}
	if g := s.workspaces[t.Workspace]; g != nil {
		gs = append(gs, g)
	}
	if g := s.projects[t.Project]; g != nil {
		gs = append(gs, g)
	}
	return gs
}

// Covers reports whether everything r grants is allowed at t, so that a
// principal may hand r out there without gaining or giving more than it
// holds itself.
func (s *Snapshot) Covers(r Role, t Target) bool {
	var all permSet
	for _, g := range s.applicable(t) {
		all.union(&g.perms)
	}
	need := roleGrants(r)
	need.minus(&all)
	return need.isEmpty()
}
