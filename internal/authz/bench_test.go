package authz

import (
	"testing"

	"github.com/wardenhq/warden/internal/iam"
)

// bigPrincipal is a user in 100 groups holding 10,000 bindings spread
// evenly over 2,000 scopes (400 workspaces of 4 projects each), plus a few
// org bindings. Groups are readers of projects and readers or members of
// workspaces, so at granted (a project) items.write comes only from a
// group's workspace binding; at denied nothing grants projects.delete.
func bigPrincipal() (bs []Binding, granted, denied Target) {
	const groups, workspaces, perWorkspace = 100, 400, 4
	ws := func(w int) iam.ID { return id('w', uint16(w)) }
	pr := func(w, j int) iam.ID { return id('p', uint16(w*perWorkspace+j)) }
	bs = []Binding{
		{ID: id('b', 0), SubjectType: "user", SubjectID: user, Role: RoleUser, Scope: orgScope},
		{ID: id('b', 1), SubjectType: "group", SubjectID: id('g', 0), Role: RoleReader, Scope: orgScope},
		{ID: id('b', 2), SubjectType: "group", SubjectID: id('g', 1), Role: "REPORT_ADMIN", Scope: orgScope},
	}
	for n := len(bs); n < 10_000; n++ {
		slot := n * 7919 % (workspaces * (1 + perWorkspace)) // 7919 is prime: each slot gets 5 bindings
		b := Binding{ID: id('b', uint16(n)), SubjectType: "group", SubjectID: id('g', uint16(n%groups)), Role: RoleProjectReader}
		if slot < workspaces {
			b.Scope = Scope{ScopeWorkspace, ws(slot)}
			if n%3 == 0 {
				b.Role = RoleProjectMember
				if granted.Workspace.IsZero() {
					granted = Target{Workspace: ws(slot), Project: pr(slot, 1)}
				}
			}
		} else {
			w, j := (slot-workspaces)/perWorkspace, (slot-workspaces)%perWorkspace
			b.Scope = Scope{ScopeProject, pr(w, j)}
		}
		bs = append(bs, b)
	}
	return bs, granted, Target{Workspace: ws(3), Project: pr(3, 2)}
}

func TestBigPrincipal(t *testing.T) {
	bs, granted, denied := bigPrincipal()
	s := Compile(bs, BuiltinRole, false)
	because := s.Explain(ItemsWrite, granted)
	if len(because) == 0 {
		t.Fatal("the granted check is denied")
	}
	for _, b := range because {
		if b.Scope.Type != ScopeWorkspace || b.SubjectType != "group" {
			t.Fatalf("granted by %v, not only by group workspace bindings", b)
		}
	}
	if len(s.projects[granted.Project].from) == 0 || len(s.projects[denied.Project].from) == 0 || s.workspaces[denied.Workspace] == nil {
		t.Fatal("the benchmark targets miss the scope maps, so measure too little")
	}
	if s.Allowed(ProjectsDelete, denied) {
		t.Fatal("the denied check is allowed")
	}
	for _, c := range []struct {
		perm string
		at   Target
	}{{ItemsWrite, granted}, {ProjectsDelete, denied}, {"nuclear.launch", granted}, {UsersRead, Target{}}} {
		if n := testing.AllocsPerRun(100, func() { s.Allowed(c.perm, c.at) }); n != 0 {
			t.Errorf("Allowed(%s) allocates %v times", c.perm, n)
		}
	}
}

var sinkBool bool

func BenchmarkAllowed(b *testing.B) {
	bs, granted, denied := bigPrincipal()
	s := Compile(bs, BuiltinRole, false)
	for _, c := range []struct {
		name string
		perm string
		at   Target
	}{
		{"granted via group workspace binding", ItemsWrite, granted},
		{"denied", ProjectsDelete, denied},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkBool = s.Allowed(c.perm, c.at)
			}
		})
	}
}

func BenchmarkCompile(b *testing.B) {
	bs, _, _ := bigPrincipal()
	b.ReportAllocs()
	for b.Loop() {
		Compile(bs, BuiltinRole, false)
	}
}
