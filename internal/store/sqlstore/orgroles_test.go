package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// TestOrgRolesFollowEveryBindingChange changes bindings with plain SQL,
// as no store method does (an update, a cascade), and checks that
// users.org_roles, which every read of a user takes its roles from, follows.
func TestOrgRolesFollowEveryBindingChange(t *testing.T) {
	onEngines(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := openMigrated(t, url, Options{})
		org := newOrg(t, "Roles")
		if err := s.CreateOrg(ctx, org); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		u := &iam.User{ID: newID(t, now), OrgID: org.ID, Email: "r@example.com", Metadata: []byte("{}"), CreatedAt: now, UpdatedAt: now}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		b := &iam.RoleBinding{ID: newID(t, now), OrgID: org.ID, SubjectType: iam.SubjectUser, SubjectID: u.ID,
			Role: "reader", ScopeType: iam.ScopeOrg, ScopeID: org.ID, CreatedAt: now}
		if err := s.CreateRoleBinding(ctx, b); err != nil {
			t.Fatal(err)
		}
		roles := func(want ...string) {
			t.Helper()
			got, err := s.GetUser(ctx, org.ID, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want == nil {
				want = []string{}
			}
			if !slices.Equal(got.Roles, want) {
				t.Fatalf("roles %v, want %v", got.Roles, want)
			}
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := s.w.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		roles("reader")
		exec(`UPDATE role_bindings SET role = 'admin' WHERE id = $1`, idArg(b.ID))
		roles("admin")
		exec(`UPDATE role_bindings SET scope_type = 'workspace' WHERE id = $1`, idArg(b.ID))
		roles()
		exec(`UPDATE role_bindings SET scope_type = 'org' WHERE id = $1`, idArg(b.ID))
		roles("admin")
		// Moved to another subject: the first user loses the role.
		v := &iam.User{ID: newID(t, now), OrgID: org.ID, Email: "v@example.com", Metadata: []byte("{}"), CreatedAt: now, UpdatedAt: now}
		if err := s.CreateUser(ctx, v); err != nil {
			t.Fatal(err)
		}
		exec(`UPDATE role_bindings SET subject_id = $1 WHERE id = $2`, idArg(v.ID), idArg(b.ID))
		roles()
		if got, _ := s.GetUser(ctx, org.ID, v.ID); !slices.Equal(got.Roles, []string{"admin"}) {
			t.Fatalf("the binding's new subject has roles %v", got.Roles)
		}
		// Deleting the organization cascades through its bindings, whose
		// triggers run on users being deleted too; another one keeps its roles.
		kept := newOrg(t, "Kept")
		if err := s.CreateOrg(ctx, kept); err != nil {
			t.Fatal(err)
		}
		w := &iam.User{ID: newID(t, now), OrgID: kept.ID, Email: "w@example.com", Metadata: []byte("{}"), CreatedAt: now, UpdatedAt: now}
		if err := s.CreateUser(ctx, w); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateRoleBinding(ctx, &iam.RoleBinding{ID: newID(t, now), OrgID: kept.ID, SubjectType: iam.SubjectUser,
			SubjectID: w.ID, Role: "reader", ScopeType: iam.ScopeOrg, ScopeID: kept.ID, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteOrg(ctx, org.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := s.GetUser(ctx, kept.ID, w.ID); err != nil || !slices.Equal(got.Roles, []string{"reader"}) {
			t.Fatalf("the other organization's user after the delete: %+v, %v", got, err)
		}
	})
}

// TestOrgRolesUnderConcurrentBindings binds one user to several roles at
// once, each on its own connection: none of the roles may be lost from the
// projection, whichever order the transactions commit in.
func TestOrgRolesUnderConcurrentBindings(t *testing.T) {
	onEngines(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := openMigrated(t, url, Options{})
		org := newOrg(t, "Concurrent")
		if err := s.CreateOrg(ctx, org); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		u := &iam.User{ID: newID(t, now), OrgID: org.ID, Email: "c@example.com", Metadata: []byte("{}"), CreatedAt: now, UpdatedAt: now}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		for round := range 5 {
			var want []string
			errs := make(chan error, 8)
			for i := range 8 {
				role := fmt.Sprintf("r%d-%d", round, i)
				want = append(want, role)
				go func() {
					errs <- s.CreateRoleBinding(ctx, &iam.RoleBinding{ID: newID(t, time.Now()), OrgID: org.ID,
						SubjectType: iam.SubjectUser, SubjectID: u.ID, Role: role, ScopeType: iam.ScopeOrg,
						ScopeID: org.ID, CreatedAt: time.Now()})
				}()
			}
			for range 8 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.GetUser(ctx, org.ID, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Roles, want) {
				t.Fatalf("round %d: roles %v, want %v", round, got.Roles, want)
			}
			if _, err := s.w.ExecContext(ctx, `DELETE FROM role_bindings WHERE subject_id = $1`, idArg(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
	})
}
