package main

import (
	"context"
	"github.com/wardenhq/warden/internal/pgtest"
	"slices"
	"testing"

	"github.com/wardenhq/warden/internal/client"
	"github.com/wardenhq/warden/internal/iam"
)

func TestAccessEndToEnd(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { accessEndToEnd(t, startServer(t)) })
	t.Run("postgres", func(t *testing.T) {
		accessEndToEnd(t, startServer(t, "--database-url", pgtest.Schema(t)))
	})
}

// accessEndToEnd: a workspace with two projects; a group that is a member
// of one; a user added to the group acts in that project and not in its
// sibling; the check explains why; taking the group's role away refuses the
// user's very next request; every change is in the audit log.
func accessEndToEnd(t *testing.T, srv *server) {
	ctx := context.Background()
	anon := client.New(srv.url, "", nil)
	must(anon.Signup(ctx, client.Signup{Email: "ada@example.com", Password: "correct horse battery", OrgName: "Analytical"}))(t)
	admin := anon.WithToken(must(anon.Login(ctx, "ada@example.com", "correct horse battery"))(t).AccessToken)
	uma := must(admin.CreateUser(ctx, client.NewUser{Email: "uma@example.com", Password: "a long enough password", Roles: []string{"user"}}))(t)
	umac := anon.WithToken(must(anon.Login(ctx, "uma@example.com", "a long enough password"))(t).AccessToken)

	ws := must(admin.CreateWorkspace(ctx, "Research Lab"))(t)
	if ws.Domain != "research-lab" {
		t.Fatalf("domain %q", ws.Domain)
	}
	telescope := must(admin.CreateProject(ctx, ws.ID, "Telescope"))(t)
	sibling := must(admin.CreateProject(ctx, ws.ID, "Sibling"))(t)
	astronomers := must(admin.CreateGroup(ctx, "Astronomers"))(t)
	noErr(t, admin.AddGroupMember(ctx, astronomers.ID, uma.ID))

	_, err := umac.GetProject(ctx, telescope.ID)
	wantKind(t, err, iam.PermissionDenied, "forbidden")

	m := must(admin.PutProjectMember(ctx, telescope.ID, astronomers.ID.String(), "member"))(t)
	if m.MemberType != "group" || m.Role != "member" || !slices.Contains(m.Permissions, "projects.update") {
		t.Fatalf("member %+v", m)
	}
	must(umac.PatchProject(ctx, telescope.ID, map[string]any{"description": "looks up"}))(t)
	_, err = umac.GetProject(ctx, sibling.ID)
	wantKind(t, err, iam.PermissionDenied, "forbidden")
	seen := must(umac.ListWorkspaces(ctx))(t)
	if len(seen) != 1 || len(seen[0].Projects) != 1 || seen[0].Projects[0].ID != telescope.ID {
		t.Fatalf("uma sees %+v", seen)
	}

	d := must(admin.Check(ctx, uma.ID, "projects.update", "project:"+telescope.ID.String()))(t)
	if !d.Allowed || len(d.Because) != 1 || d.Because[0].Subject.ID != astronomers.ID.String() || d.Because[0].Role != "project.member" {
		t.Fatalf("check %+v", d)
	}
	d = must(admin.Check(ctx, uma.ID, "projects.update", "project:"+sibling.ID.String()))(t)
	if d.Allowed || len(d.Because) != 0 {
		t.Fatalf("sibling check %+v", d)
	}

	// Removing the group's role refuses the next request, not a later one.
	noErr(t, admin.RemoveProjectMember(ctx, telescope.ID, astronomers.ID.String()))
	_, err = umac.GetProject(ctx, telescope.ID)
	wantKind(t, err, iam.PermissionDenied, "forbidden")

	// A workspace-scope binding reaches every project in it, until unbound.
	b := must(admin.Bind(ctx, client.Ref{Type: "group", ID: astronomers.ID.String()}, "project.reader", client.Ref{Type: "workspace", ID: ws.ID.String()}))(t)
	must(umac.GetProject(ctx, sibling.ID))(t)
	_, err = umac.PatchProject(ctx, sibling.ID, map[string]any{"description": "mine now"})
	wantKind(t, err, iam.PermissionDenied, "forbidden")
	noErr(t, admin.Unbind(ctx, b.ID))
	_, err = umac.GetProject(ctx, sibling.ID)
	wantKind(t, err, iam.PermissionDenied, "forbidden")

	var actions []string
	q := client.AuditQuery{Ascending: true, Limit: 100}
	for _, e := range must(admin.ListAudit(ctx, q))(t).Events {
		actions = append(actions, e.Action)
	}
	for _, want := range []string{"workspace.created", "project.created", "group.created", "group.member_added",
		"project.member_set", "project.updated", "project.member_removed", "role_binding.created", "role_binding.deleted"} {
		if !slices.Contains(actions, want) {
			t.Errorf("the audit log lacks %s: %v", want, actions)
		}
	}
	if rep := must(admin.VerifyAudit(ctx))(t); !rep.OK {
		t.Fatalf("verify = %+v", rep)
	}
}
