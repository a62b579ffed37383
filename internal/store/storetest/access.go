package storetest

import (
	"slices"
	"testing"

	"github.com/wardenhq/warden/internal/iam"
)

func mustGroup(t *testing.T, s iam.Queries, c *clock, org *iam.Org, name string) *iam.Group {
	t.Helper()
	now := c.now()
	g := &iam.Group{ID: newID(t, now), OrgID: org.ID, Name: name, Description: "the " + name, CreatedAt: now, UpdatedAt: now}
	noErr(t, s.CreateGroup(ctx, g))
	return g
}

func mustWorkspace(t *testing.T, s iam.Queries, c *clock, org *iam.Org, domain string) *iam.Workspace {
	t.Helper()
	now := c.now()
	w := &iam.Workspace{ID: newID(t, now), OrgID: org.ID, Title: "Title " + domain, Domain: domain, CreatedAt: now, UpdatedAt: now}
	noErr(t, s.CreateWorkspace(ctx, w))
	return w
}

func mustProject(t *testing.T, s iam.Queries, c *clock, w *iam.Workspace, name string) *iam.Project {
	t.Helper()
	now := c.now()
	p := &iam.Project{ID: newID(t, now), OrgID: w.OrgID, WorkspaceID: w.ID, Name: name, CreatedAt: now, UpdatedAt: now}
	noErr(t, s.CreateProject(ctx, p))
	return p
}

func mustBind(t *testing.T, s iam.Queries, c *clock, org iam.ID, subjectType string, subject iam.ID, role, scopeType string, scope iam.ID) *iam.RoleBinding {
	t.Helper()
	now := c.now()
	b := &iam.RoleBinding{ID: newID(t, now), OrgID: org, SubjectType: subjectType, SubjectID: subject, Role: role,
		ScopeType: scopeType, ScopeID: scope, CreatedAt: now}
	noErr(t, s.CreateRoleBinding(ctx, b))
	return b
}

func bindingIDs(bs []*iam.RoleBinding) []iam.ID {
	out := make([]iam.ID, len(bs))
	for i, b := range bs {
		out[i] = b.ID
	}
	return out
}

func testGroups(t *testing.T, newStore NewStore) {
	t.Run("CRUD round-trips and names are unique ignoring case", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		g := mustGroup(t, s, c, o, "Ops")
		got, err := s.GetGroup(ctx, o.ID, g.ID)
		noErr(t, err)
		jsonEqual(t, "GetGroup", got, g)
		now := c.now()
		wantKind(t, s.CreateGroup(ctx, &iam.Group{ID: newID(t, now), OrgID: o.ID, Name: "OPS", CreatedAt: now, UpdatedAt: now}), iam.Conflict)
		g.Name, g.Description, g.UpdatedAt = "Operations", "changed", c.now()
		noErr(t, s.UpdateGroup(ctx, g))
		got, _ = s.GetGroup(ctx, o.ID, g.ID)
		jsonEqual(t, "after UpdateGroup", got, g)
		g2 := mustGroup(t, s, c, o, "Dev")
		list, err := s.ListGroups(ctx, o.ID, iam.Page{Limit: 1})
		noErr(t, err)
		next, _ := s.ListGroups(ctx, o.ID, iam.Page{After: list[0].ID})
		if len(list) != 1 || list[0].ID != g.ID || len(next) != 1 || next[0].ID != g2.ID {
			t.Fatal("groups do not page by ID")
		}
	})
	t.Run("members are added once, listed, and removed", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		g, other := mustGroup(t, s, c, o, "Ops"), mustGroup(t, s, c, o, "Dev")
		u1, u2 := mustUser(t, s, c, o, "a@example.com", "a"), mustUser(t, s, c, o, "b@example.com", "b")
		for _, u := range []*iam.User{u1, u2} {
			added, err := s.AddGroupMember(ctx, &iam.GroupMember{GroupID: g.ID, OrgID: o.ID, PrincipalType: iam.SubjectUser, PrincipalID: u.ID, CreatedAt: c.now()})
			if err != nil || !added {
				t.Fatalf("AddGroupMember = %v, %v", added, err)
			}
		}
		added, err := s.AddGroupMember(ctx, &iam.GroupMember{GroupID: g.ID, OrgID: o.ID, PrincipalType: iam.SubjectUser, PrincipalID: u1.ID, CreatedAt: c.now()})
		if err != nil || added {
			t.Fatalf("adding a member twice = %v, %v; want false, nil", added, err)
		}
		_, err = s.AddGroupMember(ctx, &iam.GroupMember{GroupID: other.ID, OrgID: o.ID, PrincipalType: iam.SubjectUser, PrincipalID: u1.ID, CreatedAt: c.now()})
		noErr(t, err)
		members, err := s.ListGroupMembers(ctx, o.ID, g.ID, iam.Page{})
		noErr(t, err)
		if len(members) != 2 {
			t.Fatalf("%d members, want 2", len(members))
		}
		groups, err := s.ListPrincipalGroups(ctx, o.ID, u1.ID)
		noErr(t, err)
		if len(groups) != 2 {
			t.Fatalf("u1 is in %d groups, want 2", len(groups))
		}
		noErr(t, s.RemoveGroupMember(ctx, o.ID, g.ID, u1.ID))
		wantKind(t, s.RemoveGroupMember(ctx, o.ID, g.ID, u1.ID), iam.NotFound)
		if groups, _ = s.ListPrincipalGroups(ctx, o.ID, u1.ID); len(groups) != 1 || groups[0] != other.ID {
			t.Fatalf("after removal u1 is in %v", groups)
		}
	})
	t.Run("adding to a missing group is not found", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		_, err := s.AddGroupMember(ctx, &iam.GroupMember{GroupID: newID(t, c.now()), OrgID: o.ID, PrincipalType: iam.SubjectUser, PrincipalID: u.ID, CreatedAt: c.now()})
		wantKind(t, err, iam.NotFound)
	})
	t.Run("deleting a group removes its memberships and bindings", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		g := mustGroup(t, s, c, o, "Ops")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		_, err := s.AddGroupMember(ctx, &iam.GroupMember{GroupID: g.ID, OrgID: o.ID, PrincipalType: iam.SubjectUser, PrincipalID: u.ID, CreatedAt: c.now()})
		noErr(t, err)
		mustBind(t, s, c, o.ID, iam.SubjectGroup, g.ID, "project.member", iam.ScopeOrg, o.ID)
		noErr(t, s.DeleteGroup(ctx, o.ID, g.ID))
		wantKind(t, s.DeleteGroup(ctx, o.ID, g.ID), iam.NotFound)
		if bs, _ := s.ListPrincipalBindings(ctx, o.ID, u.ID); len(bs) != 0 {
			t.Fatalf("%d bindings survive the group", len(bs))
		}
		if gs, _ := s.ListPrincipalGroups(ctx, o.ID, u.ID); len(gs) != 0 {
			t.Fatal("the membership survives the group")
		}
	})
}

func testWorkspaces(t *testing.T, newStore NewStore) {
	t.Run("workspace CRUD and unique domains", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		w := mustWorkspace(t, s, c, o, "research-lab")
		got, err := s.GetWorkspace(ctx, o.ID, w.ID)
		noErr(t, err)
		jsonEqual(t, "GetWorkspace", got, w)
		now := c.now()
		err = s.CreateWorkspace(ctx, &iam.Workspace{ID: newID(t, now), OrgID: o.ID, Title: "x", Domain: "research-lab", CreatedAt: now, UpdatedAt: now})
		wantKind(t, err, iam.Conflict)
		var e *iam.Error
		if asErr(err, &e); e == nil || len(e.Fields) == 0 || e.Fields[0].Field != "domain" {
			t.Fatalf("the conflict does not name the domain: %v", err)
		}
		mustWorkspace(t, s, c, mustOrg(t, s, c, "Other"), "research-lab") // fine in another org
		w.Title, w.Domain, w.UpdatedAt = "Lab", "lab", c.now()
		noErr(t, s.UpdateWorkspace(ctx, w))
		got, _ = s.GetWorkspace(ctx, o.ID, w.ID)
		jsonEqual(t, "after UpdateWorkspace", got, w)
		list, err := s.ListWorkspaces(ctx, o.ID, iam.Page{})
		if err != nil || len(list) != 1 {
			t.Fatalf("ListWorkspaces = %d, %v", len(list), err)
		}
	})
	t.Run("projects live in a workspace", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		w1, w2 := mustWorkspace(t, s, c, o, "one"), mustWorkspace(t, s, c, o, "two")
		p := mustProject(t, s, c, w1, "Alpha")
		mustProject(t, s, c, w2, "Alpha") // same name, other workspace
		mustProject(t, s, c, w1, "Beta")
		now := c.now()
		wantKind(t, s.CreateProject(ctx, &iam.Project{ID: newID(t, now), OrgID: o.ID, WorkspaceID: w1.ID, Name: "ALPHA", CreatedAt: now, UpdatedAt: now}), iam.Conflict)
		wantKind(t, s.CreateProject(ctx, &iam.Project{ID: newID(t, now), OrgID: o.ID, WorkspaceID: newID(t, now), Name: "x", CreatedAt: now, UpdatedAt: now}), iam.NotFound)
		got, err := s.GetProject(ctx, o.ID, p.ID)
		noErr(t, err)
		jsonEqual(t, "GetProject", got, p)
		p.Name, p.Description, p.UpdatedAt = "Alpha 2", "d", c.now()
		noErr(t, s.UpdateProject(ctx, p))
		got, _ = s.GetProject(ctx, o.ID, p.ID)
		jsonEqual(t, "after UpdateProject", got, p)
		if l, _ := s.ListProjects(ctx, o.ID, iam.ProjectFilter{WorkspaceID: w1.ID}); len(l) != 2 {
			t.Fatalf("%d projects in w1, want 2", len(l))
		}
		if l, _ := s.ListProjects(ctx, o.ID, iam.ProjectFilter{}); len(l) != 3 {
			t.Fatalf("%d projects in the org, want 3", len(l))
		}
	})
	t.Run("deleting a workspace removes its projects and every binding scoped to them", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		w, kept := mustWorkspace(t, s, c, o, "doomed"), mustWorkspace(t, s, c, o, "kept")
		p, kp := mustProject(t, s, c, w, "P"), mustProject(t, s, c, kept, "K")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		mustBind(t, s, c, o.ID, iam.SubjectUser, u.ID, "project.admin", iam.ScopeWorkspace, w.ID)
		mustBind(t, s, c, o.ID, iam.SubjectUser, u.ID, "project.member", iam.ScopeProject, p.ID)
		keep := mustBind(t, s, c, o.ID, iam.SubjectUser, u.ID, "project.member", iam.ScopeProject, kp.ID)
		noErr(t, s.DeleteWorkspace(ctx, o.ID, w.ID))
		_, err := s.GetProject(ctx, o.ID, p.ID)
		wantKind(t, err, iam.NotFound)
		bs, _ := s.ListPrincipalBindings(ctx, o.ID, u.ID)
		if !slices.Equal(bindingIDs(bs), []iam.ID{keep.ID}) {
			t.Fatalf("bindings left: %d, want only the other workspace's", len(bs))
		}
	})
	t.Run("deleting a project removes its bindings", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		p := mustProject(t, s, c, mustWorkspace(t, s, c, o, "w"), "P")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		mustBind(t, s, c, o.ID, iam.SubjectUser, u.ID, "project.member", iam.ScopeProject, p.ID)
		noErr(t, s.DeleteProject(ctx, o.ID, p.ID))
		wantKind(t, s.DeleteProject(ctx, o.ID, p.ID), iam.NotFound)
		if bs, _ := s.ListPrincipalBindings(ctx, o.ID, u.ID); len(bs) != 0 {
			t.Fatal("a binding survives its project")
		}
	})
}

func testRoles(t *testing.T, newStore NewStore) {
	s, c := newStore(t), newClock()
	o := mustOrg(t, s, c, "Acme")
	now := c.now()
	r := &iam.Role{ID: newID(t, now), OrgID: o.ID, Name: "Auditor", Description: "reads logs",
		Permissions: []string{"audit.read", "users.*"}, CreatedAt: now, UpdatedAt: now}
	noErr(t, s.CreateRole(ctx, r))
	got, err := s.GetRole(ctx, o.ID, r.ID)
	noErr(t, err)
	jsonEqual(t, "GetRole", got, r)
	dup := *r
	dup.ID = newID(t, c.now())
	dup.Name = "AUDITOR"
	wantKind(t, s.CreateRole(ctx, &dup), iam.Conflict)
	r.Permissions, r.UpdatedAt = []string{"audit.read"}, c.now()
	noErr(t, s.UpdateRole(ctx, r))
	list, err := s.ListRoles(ctx, o.ID)
	noErr(t, err)
	jsonEqual(t, "ListRoles", list, []*iam.Role{r})
	noErr(t, s.DeleteRole(ctx, o.ID, r.ID))
	wantKind(t, s.DeleteRole(ctx, o.ID, r.ID), iam.NotFound)
}

func testBindings(t *testing.T, newStore NewStore) {
	s, c := newStore(t), newClock()
	o := mustOrg(t, s, c, "Acme")
	w := mustWorkspace(t, s, c, o, "w")
	p := mustProject(t, s, c, w, "P")
	u := mustUser(t, s, c, o, "a@example.com", "a")
	g := mustGroup(t, s, c, o, "Ops")
	_, err := s.AddGroupMember(ctx, &iam.GroupMember{GroupID: g.ID, OrgID: o.ID, PrincipalType: iam.SubjectUser, PrincipalID: u.ID, CreatedAt: c.now()})
	noErr(t, err)
	admin := mustBind(t, s, c, o.ID, iam.SubjectUser, u.ID, "admin", iam.ScopeOrg, o.ID)
	reader := mustBind(t, s, c, o.ID, iam.SubjectUser, u.ID, "reader", iam.ScopeOrg, o.ID)
	viaGroup := mustBind(t, s, c, o.ID, iam.SubjectGroup, g.ID, "project.member", iam.ScopeProject, p.ID)
	onWorkspace := mustBind(t, s, c, o.ID, iam.SubjectUser, u.ID, "project.reader", iam.ScopeWorkspace, w.ID)
	t.Run("a duplicate binding is a conflict", func(t *testing.T) {
		now := c.now()
		err := s.CreateRoleBinding(ctx, &iam.RoleBinding{ID: newID(t, now), OrgID: o.ID, SubjectType: iam.SubjectUser,
			SubjectID: u.ID, Role: "admin", ScopeType: iam.ScopeOrg, ScopeID: o.ID, CreatedAt: now})
		wantKind(t, err, iam.Conflict)
	})
	t.Run("get round-trips", func(t *testing.T) {
		got, err := s.GetRoleBinding(ctx, o.ID, viaGroup.ID)
		noErr(t, err)
		jsonEqual(t, "GetRoleBinding", got, viaGroup)
	})
	t.Run("a user's org roles are their org-scope bindings", func(t *testing.T) {
		got, _ := s.GetUser(ctx, o.ID, u.ID)
		if !slices.Equal(got.Roles, []string{"admin", "reader"}) {
			t.Fatalf("roles %v", got.Roles)
		}
		list, _ := s.ListUsers(ctx, o.ID, iam.UserFilter{})
		if !slices.Equal(list[0].Roles, []string{"admin", "reader"}) {
			t.Fatalf("listed roles %v", list[0].Roles)
		}
	})
	t.Run("a page gives each user their organization and own org roles", func(t *testing.T) {
		o := mustOrg(t, s, c, "Paged")
		w := mustWorkspace(t, s, c, o, "w")
		both := mustUser(t, s, c, o, "both@example.com", "both")
		mustBind(t, s, c, o.ID, iam.SubjectUser, both.ID, "reader", iam.ScopeOrg, o.ID)
		mustBind(t, s, c, o.ID, iam.SubjectUser, both.ID, "admin", iam.ScopeOrg, o.ID)
		none := mustUser(t, s, c, o, "none@example.com", "none")
		// An org-scope binding of a group whose ID sorts among the users'.
		between := mustGroup(t, s, c, o, "Between")
		mustBind(t, s, c, o.ID, iam.SubjectGroup, between.ID, "admin", iam.ScopeOrg, o.ID)
		last := mustUser(t, s, c, o, "last@example.com", "last")
		mustBind(t, s, c, o.ID, iam.SubjectUser, last.ID, "member", iam.ScopeOrg, o.ID)
		mustBind(t, s, c, o.ID, iam.SubjectUser, last.ID, "project.reader", iam.ScopeWorkspace, w.ID)
		want := map[iam.ID][]string{both.ID: {"admin", "reader"}, none.ID: {}, last.ID: {"member"}}
		for _, page := range []iam.Page{{}, {Limit: 2}, {After: both.ID, Limit: 1}, {After: none.ID}} {
			list, err := s.ListUsers(ctx, o.ID, iam.UserFilter{Page: page})
			noErr(t, err)
			if len(list) == 0 {
				t.Fatalf("page %+v is empty", page)
			}
			for _, got := range list {
				if got.OrgID != o.ID {
					t.Fatalf("page %+v: %s is listed in organization %s, not %s", page, got.Email, got.OrgID, o.ID)
				}
				if !slices.Equal(got.Roles, want[got.ID]) || got.Roles == nil {
					t.Fatalf("page %+v: %s has roles %#v, want %v", page, got.Email, got.Roles, want[got.ID])
				}
			}
		}
	})
	cases := []struct {
		name string
		f    iam.BindingFilter
		want []*iam.RoleBinding
	}{
		{"all", iam.BindingFilter{}, []*iam.RoleBinding{admin, reader, viaGroup, onWorkspace}},
		{"by subject", iam.BindingFilter{SubjectID: g.ID}, []*iam.RoleBinding{viaGroup}},
		{"by role", iam.BindingFilter{Role: "reader"}, []*iam.RoleBinding{reader}},
		{"by scope type", iam.BindingFilter{ScopeType: iam.ScopeOrg}, []*iam.RoleBinding{admin, reader}},
		{"by scope", iam.BindingFilter{ScopeID: w.ID}, []*iam.RoleBinding{onWorkspace}},
		{"by a project's scope", iam.BindingFilter{ScopeID: p.ID}, []*iam.RoleBinding{viaGroup}},
		{"by the organization's scope", iam.BindingFilter{ScopeID: o.ID}, []*iam.RoleBinding{admin, reader}},
		{"paged", iam.BindingFilter{Page: iam.Page{After: reader.ID, Limit: 1}}, []*iam.RoleBinding{viaGroup}},
	}
	for _, tc := range cases {
		t.Run("list "+tc.name, func(t *testing.T) {
			got, err := s.ListRoleBindings(ctx, o.ID, tc.f)
			noErr(t, err)
			if !slices.Equal(bindingIDs(got), bindingIDs(tc.want)) {
				t.Fatalf("got %d bindings, want %d", len(got), len(tc.want))
			}
		})
	}
	t.Run("a principal's bindings include its groups'", func(t *testing.T) {
		got, err := s.ListPrincipalBindings(ctx, o.ID, u.ID)
		noErr(t, err)
		if !slices.Equal(bindingIDs(got), bindingIDs([]*iam.RoleBinding{admin, reader, viaGroup, onWorkspace})) {
			t.Fatalf("got %d bindings", len(got))
		}
	})
	t.Run("delete by filter returns what it removed", func(t *testing.T) {
		gone, err := s.DeleteRoleBindings(ctx, o.ID, iam.BindingFilter{SubjectID: u.ID, ScopeType: iam.ScopeOrg})
		noErr(t, err)
		if len(gone) != 2 {
			t.Fatalf("removed %d, want 2", len(gone))
		}
		noErr(t, s.DeleteRoleBinding(ctx, o.ID, onWorkspace.ID))
		wantKind(t, s.DeleteRoleBinding(ctx, o.ID, onWorkspace.ID), iam.NotFound)
		got, _ := s.ListPrincipalBindings(ctx, o.ID, u.ID)
		if !slices.Equal(bindingIDs(got), []iam.ID{viaGroup.ID}) {
			t.Fatalf("%d bindings left, want the group's", len(got))
		}
	})
	t.Run("a user's roles follow their org-scope bindings in every read, and no other organization's", func(t *testing.T) {
		x := mustUser(t, s, c, o, "x@example.com", "xuser")
		other := mustOrg(t, s, c, "Other")
		mustBind(t, s, c, other.ID, iam.SubjectUser, x.ID, "admin", iam.ScopeOrg, other.ID)
		wantRoles(t, s, x)
		r := mustBind(t, s, c, o.ID, iam.SubjectUser, x.ID, "reader", iam.ScopeOrg, o.ID)
		mustBind(t, s, c, o.ID, iam.SubjectUser, x.ID, "project.reader", iam.ScopeWorkspace, w.ID)
		wantRoles(t, s, x, "reader")
		mustBind(t, s, c, o.ID, iam.SubjectUser, x.ID, "admin", iam.ScopeOrg, o.ID)
		wantRoles(t, s, x, "admin", "reader")
		noErr(t, s.DeleteRoleBinding(ctx, o.ID, r.ID))
		wantRoles(t, s, x, "admin")
		_, err := s.DeleteRoleBindings(ctx, o.ID, iam.BindingFilter{SubjectID: x.ID})
		noErr(t, err)
		wantRoles(t, s, x)
		if got, _ := s.ListRoleBindings(ctx, other.ID, iam.BindingFilter{SubjectID: x.ID}); len(got) != 1 {
			t.Fatalf("the other organization holds %d bindings for the ID, want 1", len(got))
		}
	})
	t.Run("delete by scope takes that scope's bindings only", func(t *testing.T) {
		y := mustUser(t, s, c, o, "y@example.com", "yuser")
		q := mustProject(t, s, c, w, "Q")
		atOrg := mustBind(t, s, c, o.ID, iam.SubjectUser, y.ID, "reader", iam.ScopeOrg, o.ID)
		atProject := mustBind(t, s, c, o.ID, iam.SubjectUser, y.ID, "project.reader", iam.ScopeProject, q.ID)
		gone, err := s.DeleteRoleBindings(ctx, o.ID, iam.BindingFilter{ScopeID: q.ID})
		noErr(t, err)
		if !slices.Equal(bindingIDs(gone), []iam.ID{atProject.ID}) {
			t.Fatalf("removed %d bindings, want the project's", len(gone))
		}
		gone, err = s.DeleteRoleBindings(ctx, o.ID, iam.BindingFilter{SubjectID: y.ID, ScopeID: o.ID})
		noErr(t, err)
		if !slices.Equal(bindingIDs(gone), []iam.ID{atOrg.ID}) {
			t.Fatalf("removed %d bindings, want the organization-scope one", len(gone))
		}
		wantRoles(t, s, y)
	})
	t.Run("deleting a user removes their bindings and memberships", func(t *testing.T) {
		v := mustUser(t, s, c, o, "v@example.com", "v")
		mustBind(t, s, c, o.ID, iam.SubjectUser, v.ID, "user", iam.ScopeOrg, o.ID)
		_, err := s.AddGroupMember(ctx, &iam.GroupMember{GroupID: g.ID, OrgID: o.ID, PrincipalType: iam.SubjectUser, PrincipalID: v.ID, CreatedAt: c.now()})
		noErr(t, err)
		noErr(t, s.DeleteUser(ctx, o.ID, v.ID))
		if bs, _ := s.ListRoleBindings(ctx, o.ID, iam.BindingFilter{SubjectID: v.ID}); len(bs) != 0 {
			t.Fatal("bindings survive the user")
		}
		if ms, _ := s.ListGroupMembers(ctx, o.ID, g.ID, iam.Page{}); len(ms) != 1 {
			t.Fatalf("%d members left, want 1", len(ms))
		}
	})
	t.Run("access versions advance", func(t *testing.T) {
		v1, err := s.BumpAuthzVersion(ctx, o.ID)
		noErr(t, err)
		v2, _ := s.BumpAuthzVersion(ctx, o.ID)
		all, err := s.AuthzVersions(ctx)
		noErr(t, err)
		if v2 != v1+1 || all[o.ID] != v2 {
			t.Fatalf("versions %d, %d, stored %d", v1, v2, all[o.ID])
		}
		_, err = s.BumpAuthzVersion(ctx, newID(t, c.now()))
		wantKind(t, err, iam.NotFound)
	})
}

// testAccessIsolation tries the access-model methods with organization B's
// ID on organization A's rows.
func testAccessIsolation(t *testing.T, newStore NewStore) {
	s, c := newStore(t), newClock()
	a, b := mustOrg(t, s, c, "A"), mustOrg(t, s, c, "B")
	g := mustGroup(t, s, c, a, "Ops")
	w := mustWorkspace(t, s, c, a, "w")
	p := mustProject(t, s, c, w, "P")
	u := mustUser(t, s, c, a, "a@example.com", "a")
	_, err := s.AddGroupMember(ctx, &iam.GroupMember{GroupID: g.ID, OrgID: a.ID, PrincipalType: iam.SubjectUser, PrincipalID: u.ID, CreatedAt: c.now()})
	noErr(t, err)
	bnd := mustBind(t, s, c, a.ID, iam.SubjectGroup, g.ID, "project.member", iam.ScopeProject, p.ID)
	now := c.now()
	r := &iam.Role{ID: newID(t, now), OrgID: a.ID, Name: "R", CreatedAt: now, UpdatedAt: now}
	noErr(t, s.CreateRole(ctx, r))

	notFound := map[string]func() error{
		"GetGroup":          func() error { _, err := s.GetGroup(ctx, b.ID, g.ID); return err },
		"UpdateGroup":       func() error { v := *g; v.OrgID = b.ID; return s.UpdateGroup(ctx, &v) },
		"DeleteGroup":       func() error { return s.DeleteGroup(ctx, b.ID, g.ID) },
		"RemoveGroupMember": func() error { return s.RemoveGroupMember(ctx, b.ID, g.ID, u.ID) },
		"AddGroupMember": func() error {
			_, err := s.AddGroupMember(ctx, &iam.GroupMember{GroupID: g.ID, OrgID: b.ID, PrincipalType: iam.SubjectUser, PrincipalID: u.ID, CreatedAt: c.now()})
			return err
		},
		"GetWorkspace":    func() error { _, err := s.GetWorkspace(ctx, b.ID, w.ID); return err },
		"UpdateWorkspace": func() error { v := *w; v.OrgID = b.ID; return s.UpdateWorkspace(ctx, &v) },
		"DeleteWorkspace": func() error { return s.DeleteWorkspace(ctx, b.ID, w.ID) },
		"CreateProject": func() error {
			return s.CreateProject(ctx, &iam.Project{ID: newID(t, c.now()), OrgID: b.ID, WorkspaceID: w.ID, Name: "X"})
		},
		"GetProject":        func() error { _, err := s.GetProject(ctx, b.ID, p.ID); return err },
		"UpdateProject":     func() error { v := *p; v.OrgID = b.ID; return s.UpdateProject(ctx, &v) },
		"DeleteProject":     func() error { return s.DeleteProject(ctx, b.ID, p.ID) },
		"GetRole":           func() error { _, err := s.GetRole(ctx, b.ID, r.ID); return err },
		"UpdateRole":        func() error { v := *r; v.OrgID = b.ID; return s.UpdateRole(ctx, &v) },
		"DeleteRole":        func() error { return s.DeleteRole(ctx, b.ID, r.ID) },
		"GetRoleBinding":    func() error { _, err := s.GetRoleBinding(ctx, b.ID, bnd.ID); return err },
		"DeleteRoleBinding": func() error { return s.DeleteRoleBinding(ctx, b.ID, bnd.ID) },
	}
	for name, call := range notFound {
		t.Run(name+" across orgs is not found", func(t *testing.T) { wantKind(t, call(), iam.NotFound) })
	}
	empty := map[string]func() (int, error){
		"ListGroups":          func() (int, error) { l, err := s.ListGroups(ctx, b.ID, iam.Page{}); return len(l), err },
		"ListGroupMembers":    func() (int, error) { l, err := s.ListGroupMembers(ctx, b.ID, g.ID, iam.Page{}); return len(l), err },
		"ListPrincipalGroups": func() (int, error) { l, err := s.ListPrincipalGroups(ctx, b.ID, u.ID); return len(l), err },
		"ListWorkspaces":      func() (int, error) { l, err := s.ListWorkspaces(ctx, b.ID, iam.Page{}); return len(l), err },
		"ListProjects": func() (int, error) {
			l, err := s.ListProjects(ctx, b.ID, iam.ProjectFilter{WorkspaceID: w.ID})
			return len(l), err
		},
		"ListRoles":             func() (int, error) { l, err := s.ListRoles(ctx, b.ID); return len(l), err },
		"ListRoleBindings":      func() (int, error) { l, err := s.ListRoleBindings(ctx, b.ID, iam.BindingFilter{}); return len(l), err },
		"ListPrincipalBindings": func() (int, error) { l, err := s.ListPrincipalBindings(ctx, b.ID, u.ID); return len(l), err },
		"DeleteRoleBindings": func() (int, error) {
			l, err := s.DeleteRoleBindings(ctx, b.ID, iam.BindingFilter{SubjectID: g.ID})
			return len(l), err
		},
	}
	for name, call := range empty {
		t.Run(name+" across orgs sees nothing", func(t *testing.T) {
			n, err := call()
			noErr(t, err)
			if n != 0 {
				t.Fatalf("saw %d rows of another org", n)
			}
		})
	}
	t.Run("org A is unchanged", func(t *testing.T) {
		got, err := s.GetGroup(ctx, a.ID, g.ID)
		noErr(t, err)
		jsonEqual(t, "group", got, g)
		if bs, _ := s.ListPrincipalBindings(ctx, a.ID, u.ID); len(bs) != 1 {
			t.Fatalf("%d bindings, want 1", len(bs))
		}
		if _, err := s.GetProject(ctx, a.ID, p.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// wantRoles checks u's roles as each read gives them: by ID, on a page, by
// email, by prefix search and by login.
func wantRoles(t *testing.T, s iam.Queries, u *iam.User, roles ...string) {
	t.Helper()
	if roles == nil {
		roles = []string{}
	}
	got, err := s.GetUser(ctx, u.OrgID, u.ID)
	noErr(t, err)
	reads := map[string]*iam.User{"get": got}
	for name, f := range map[string]iam.UserFilter{"page": {Page: iam.Page{Limit: 1000}}, "email": {Email: u.Email}, "search": {Q: u.Username}} {
		list, err := s.ListUsers(ctx, u.OrgID, f)
		noErr(t, err)
		for _, l := range list {
			if l.ID == u.ID {
				reads[name] = l
			}
		}
	}
	found, err := s.FindUsersByLogin(ctx, u.Email, 10)
	noErr(t, err)
	for _, l := range found {
		if l.ID == u.ID {
			reads["login"] = l
		}
	}
	for _, name := range []string{"get", "page", "email", "search", "login"} {
		if reads[name] == nil {
			t.Fatalf("%s: the user is not found", name)
		}
		if !slices.Equal(reads[name].Roles, roles) {
			t.Fatalf("%s: roles %#v, want %v", name, reads[name].Roles, roles)
		}
	}
}
