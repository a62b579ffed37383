package authz

import (
	"slices"
	"testing"

	"github.com/wardenhq/warden/internal/iam"
)

// id makes a readable test ID: n in the last bytes, kind in the first.
func id(kind byte, n uint16) iam.ID {
	var x iam.ID
	x[0], x[14], x[15] = kind, byte(n>>8), byte(n)
	return x
}

// The test organization: workspace w1 holds p1 and p2, workspace w2 holds p3.
var (
	user, group             = id('u', 1), id('g', 1)
	w1, w2                  = id('w', 1), id('w', 2)
	p1, p2, p3              = id('p', 1), id('p', 2), id('p', 3)
	atOrg                   = Target{}
	atW1, atW2              = Target{Workspace: w1}, Target{Workspace: w2}
	atP1, atP2, atP3        = Target{Workspace: w1, Project: p1}, Target{Workspace: w1, Project: p2}, Target{Workspace: w2, Project: p3}
	everyTarget             = []Target{atOrg, atW1, atW2, atP1, atP2, atP3}
	orgScope                = Scope{Type: ScopeOrg}
	w1Scope, p1Scope        = Scope{ScopeWorkspace, w1}, Scope{ScopeProject, p1}
	bindingSeq       uint16 = 0
)

func bind(subjectType string, subject iam.ID, role string, scope Scope) Binding {
	bindingSeq++
	return Binding{ID: id('b', bindingSeq), SubjectType: subjectType, SubjectID: subject, Role: role, Scope: scope}
}

// checkTargets asserts where perm is allowed: exactly at the targets in want.
func checkTargets(t *testing.T, s *Snapshot, perm string, want ...Target) {
	t.Helper()
	for _, tg := range everyTarget {
		if got := s.Allowed(perm, tg); got != slices.Contains(want, tg) {
			t.Errorf("Allowed(%s, %v) = %v", perm, tg, got)
		}
	}
}

func TestScopeInheritance(t *testing.T) {
	t.Run("an org binding applies everywhere", func(t *testing.T) {
		s := Compile([]Binding{bind("user", user, RoleReader, orgScope)}, BuiltinRole, false)
		checkTargets(t, s, UsersRead, everyTarget...)
		checkTargets(t, s, UsersUpdate)
	})
	t.Run("an org binding's scope ID is not consulted", func(t *testing.T) {
		s := Compile([]Binding{bind("user", user, RoleReader, Scope{ScopeOrg, id('o', 9)})}, BuiltinRole, false)
		checkTargets(t, s, UsersRead, everyTarget...)
	})
	t.Run("a workspace binding applies to it and its projects only", func(t *testing.T) {
		s := Compile([]Binding{bind("user", user, RoleProjectMember, w1Scope)}, BuiltinRole, false)
		checkTargets(t, s, ItemsWrite, atW1, atP1, atP2)
		checkTargets(t, s, ProjectsRead, atW1, atP1, atP2)
	})
	t.Run("a project binding applies to that project only", func(t *testing.T) {
		s := Compile([]Binding{bind("user", user, RoleProjectReader, p1Scope)}, BuiltinRole, false)
		checkTargets(t, s, ProjectsRead, atP1)
		checkTargets(t, s, ItemsWrite)
	})
	t.Run("a resource role at org scope applies org-wide", func(t *testing.T) {
		s := Compile([]Binding{bind("user", user, RoleProjectReader, orgScope)}, BuiltinRole, false)
		checkTargets(t, s, ItemsRead, everyTarget...)
	})
	t.Run("workspace admins manage the workspace", func(t *testing.T) {
		s := Compile([]Binding{bind("user", user, RoleProjectAdmin, w1Scope)}, BuiltinRole, false)
		checkTargets(t, s, WorkspacesUpdate, atW1, atP1, atP2)
		checkTargets(t, s, WorkspacesMembers, atW1, atP1, atP2)
		checkTargets(t, s, ProjectsDelete)
	})
	t.Run("a binding without a valid scope grants nothing", func(t *testing.T) {
		s := Compile([]Binding{
			bind("user", user, RoleAdmin, Scope{}),
			bind("user", user, RoleAdmin, Scope{Type: 9}),
			bind("user", user, RoleAdmin, Scope{Type: ScopeWorkspace}),
			bind("user", user, RoleAdmin, Scope{Type: ScopeProject}),
		}, BuiltinRole, false)
		for _, p := range Catalog() {
			checkTargets(t, s, p.Name)
		}
	})
}

func TestGroupBindingsCountLikeDirectOnes(t *testing.T) {
	bs := []Binding{
		bind("user", user, RoleReader, orgScope),
		bind("group", group, RoleProjectMember, w1Scope),
		bind("service_account", id('s', 1), RoleProjectOwner, Scope{ScopeProject, p3}),
	}
	s := Compile(bs, BuiltinRole, false)
	checkTargets(t, s, UsersRead, everyTarget...)
	checkTargets(t, s, ItemsWrite, atW1, atP1, atP2, atP3)
	checkTargets(t, s, ProjectsDelete, atP3)
}

func TestUnknownPermissionsAreDenied(t *testing.T) {
	s := Compile([]Binding{bind("user", user, RoleAdmin, orgScope), bind("user", user, RoleProjectOwner, p1Scope)}, BuiltinRole, true)
	for _, perm := range []string{"nuclear.launch", "", "*", "users.*", "users.read.self", "USERS.READ"} {
		checkTargets(t, s, perm)
		if len(s.Explain(perm, atP1)) != 0 {
			t.Errorf("Explain(%q) is not empty", perm)
		}
	}
}

func TestInstancePermissions(t *testing.T) {
	everything := []Binding{bind("user", user, RoleAdmin, orgScope), bind("user", user, "ORG_ADMIN", orgScope)}
	custom := func(string) (Role, bool) { return Role{Permissions: []string{"*", "instance.*", InstanceOrgs}}, true }
	t.Run("no role grants them", func(t *testing.T) {
		checkTargets(t, Compile(everything, BuiltinRole, false), InstanceOrgs)
		checkTargets(t, Compile(everything, custom, false), InstanceOrgs)
	})
	t.Run("instance admins hold them everywhere", func(t *testing.T) {
		s := Compile(nil, BuiltinRole, true)
		checkTargets(t, s, InstanceOrgs, everyTarget...)
		checkTargets(t, s, UsersRead)
		if len(s.Explain(InstanceOrgs, atOrg)) != 0 {
			t.Error("a binding is said to grant an instance permission")
		}
	})
}

func TestRoleResolution(t *testing.T) {
	customKey := id('r', 1).String()
	roles := func(key string) (Role, bool) {
		if key == customKey {
			return Role{Key: customKey, Kind: KindResource, Permissions: []string{ItemsRead, "signals.*", "bogus.*"}}, true
		}
		return BuiltinRole(key)
	}
	t.Run("an unknown role key grants nothing", func(t *testing.T) {
		s := Compile([]Binding{bind("user", user, "root", orgScope), bind("user", user, id('r', 2).String(), orgScope)}, roles, false)
		if got := s.Permissions(atP1); len(got) != 0 {
			t.Fatalf("granted %v", got)
		}
	})
	t.Run("a custom role grants exactly its patterns", func(t *testing.T) {
		s := Compile([]Binding{bind("group", group, customKey, p1Scope)}, roles, false)
		want := []string{ItemsRead, SignalsRead, SignalsWrite}
		if got := s.Permissions(atP1); !slices.Equal(got, want) {
			t.Fatalf("Permissions = %v, want %v", got, want)
		}
		checkTargets(t, s, SignalsWrite, atP1)
	})
	t.Run("the resolver is asked once per key", func(t *testing.T) {
		asked := map[string]int{}
		counting := func(key string) (Role, bool) { asked[key]++; return roles(key) }
		Compile([]Binding{bind("user", user, customKey, p1Scope), bind("group", group, customKey, w1Scope), bind("user", user, "root", orgScope), bind("user", user, "root", w1Scope)}, counting, false)
		if asked[customKey] != 1 || asked["root"] != 1 {
			t.Fatalf("asked %v", asked)
		}
	})
}

func TestExplain(t *testing.T) {
	orgReader := bind("user", user, RoleReader, orgScope)
	orgMember := bind("group", group, RoleProjectMember, orgScope)
	w1Member := bind("group", group, RoleProjectMember, w1Scope)
	p1Reader := bind("user", user, RoleProjectReader, p1Scope)
	p2Owner := bind("user", user, RoleProjectOwner, Scope{ScopeProject, p2})
	w2Owner := bind("user", user, RoleProjectOwner, Scope{ScopeWorkspace, w2})
	s := Compile([]Binding{orgReader, w1Member, p1Reader, p2Owner, w2Owner, orgMember}, BuiltinRole, false)
	cases := []struct {
		name string
		perm string
		at   Target
		want []Binding
	}{
		{"every granting binding, in input order", ProjectsRead, atP1, []Binding{w1Member, p1Reader, orgMember}},
		{"only bindings that grant the permission", ItemsWrite, atP1, []Binding{w1Member, orgMember}},
		{"only bindings that apply at the target", ProjectsDelete, atP1, nil},
		{"a sibling project's binding does not count", ProjectsDelete, atP2, []Binding{p2Owner}},
		{"org level sees only org bindings", ProjectsRead, atOrg, []Binding{orgMember}},
		{"a denied check has none", UsersUpdate, atP1, nil},
		{"an org binding explains an org permission", UsersRead, atP1, []Binding{orgReader}},
		{"a workspace owner's * covers its projects", UsersUpdate, atP3, []Binding{w2Owner}},
		{"an org binding and a workspace one", UsersRead, atP3, []Binding{orgReader, w2Owner}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := s.Explain(c.perm, c.at)
			if !slices.Equal(got, c.want) {
				t.Fatalf("Explain(%s, %v) = %v, want %v", c.perm, c.at, got, c.want)
			}
			if s.Allowed(c.perm, c.at) != (len(c.want) > 0) {
				t.Fatalf("Allowed disagrees with Explain")
			}
		})
	}
}

func TestPermissions(t *testing.T) {
	s := Compile([]Binding{
		bind("user", user, RoleReader, orgScope),
		bind("group", group, RoleProjectReader, w1Scope),
		bind("user", user, "SOURCE_ADMIN", orgScope),
	}, BuiltinRole, false)
	orgPerms := []string{UsersRead, OrgsRead, GroupsRead, RolesRead, PermissionsRead, SourcesRead, SourcesWrite}
	inW1 := append(slices.Clone(orgPerms), WorkspacesRead, ProjectsRead, ItemsRead, FingerprintsRead, PreviewsRead, SavedSearchesRead, ScoresRead, SignalsRead, CollectionsRead)
	for _, c := range []struct {
		at   Target
		want []string
	}{{atOrg, orgPerms}, {atW2, orgPerms}, {atP3, orgPerms}, {atW1, inW1}, {atP2, inW1}} {
		want := inCatalogOrder(c.want)
		if got := s.Permissions(c.at); !slices.Equal(got, want) {
			t.Errorf("Permissions(%v) = %v, want %v", c.at, got, want)
		}
	}
	if got := Compile(nil, BuiltinRole, false).Permissions(atOrg); got == nil || len(got) != 0 {
		t.Errorf("no bindings: Permissions = %#v, want empty", got)
	}
}

func inCatalogOrder(perms []string) []string {
	var out []string
	for _, p := range catalog {
		if slices.Contains(perms, p.Name) {
			out = append(out, p.Name)
		}
	}
	return out
}

func TestCompileCopiesBindings(t *testing.T) {
	bs := []Binding{bind("user", user, RoleReader, orgScope)}
	s := Compile(bs, BuiltinRole, false)
	bs[0].Role = "changed"
	if got := s.Explain(UsersRead, atOrg); len(got) != 1 || got[0].Role != RoleReader {
		t.Fatalf("Explain = %v after the caller changed its slice", got)
	}
}

func TestScopeTypeNames(t *testing.T) {
	for _, st := range []ScopeType{ScopeOrg, ScopeWorkspace, ScopeProject} {
		if got, ok := ParseScopeType(st.String()); !ok || got != st {
			t.Errorf("ParseScopeType(%q) = %v, %v", st.String(), got, ok)
		}
	}
	if ScopeOrg.String() != iam.ScopeOrg || ScopeWorkspace.String() != iam.ScopeWorkspace || ScopeProject.String() != iam.ScopeProject {
		t.Error("scope names differ from iam's")
	}
	for _, s := range []string{"", "Org", "tenant", "ScopeType(0)"} {
		if got, ok := ParseScopeType(s); ok || got != 0 {
			t.Errorf("ParseScopeType(%q) = %v, %v", s, got, ok)
		}
	}
	if got := ScopeType(0).String(); got != "ScopeType(0)" {
		t.Errorf("zero ScopeType is %q", got)
	}
}

func TestCovers(t *testing.T) {
	admin, _ := BuiltinRole(RoleProjectAdmin)
	owner, _ := BuiltinRole(RoleProjectOwner)
	member, _ := BuiltinRole(RoleProjectMember)
	s := Compile([]Binding{bind("user", user, RoleProjectAdmin, w1Scope)}, BuiltinRole, false)
	if !s.Covers(member, atP1) || !s.Covers(admin, atW1) {
		t.Error("a workspace admin cannot hand out member or admin in its workspace")
	}
	if s.Covers(owner, atW1) {
		t.Error("a workspace admin can hand out owner, which grants deletes it lacks")
	}
	if s.Covers(member, atW2) {
		t.Error("a workspace admin can hand out roles in another workspace")
	}
	top := Compile([]Binding{bind("user", user, RoleAdmin, orgScope)}, BuiltinRole, false)
	if !top.Covers(owner, atP3) {
		t.Error("an org admin cannot hand out owner")
	}
}
