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
		org := mustOrg(t, s, "Roles")
		u := mustUser(t, s, org, "r@example.com")
		b := orgRole(t, u, "reader")
		if err := s.CreateRoleBinding(ctx, b); err != nil {
			t.Fatal(err)
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := s.w.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		wantRoles(t, s, u, "reader")
		exec(`UPDATE role_bindings SET role = 'admin' WHERE id = $1`, idArg(b.ID))
		wantRoles(t, s, u, "admin")
		exec(`UPDATE role_bindings SET scope_type = 'workspace' WHERE id = $1`, idArg(b.ID))
		wantRoles(t, s, u)
		exec(`UPDATE role_bindings SET scope_type = 'org' WHERE id = $1`, idArg(b.ID))
		wantRoles(t, s, u, "admin")
		// Moved to another subject: the first user loses the role.
		v := mustUser(t, s, org, "v@example.com")
		exec(`UPDATE role_bindings SET subject_id = $1 WHERE id = $2`, idArg(v.ID), idArg(b.ID))
		wantRoles(t, s, u)
		wantRoles(t, s, v, "admin")
		// Deleting the organization cascades through its bindings, whose
		// triggers run on users being deleted too; another one keeps its roles.
		w := mustUser(t, s, mustOrg(t, s, "Kept"), "w@example.com")
		if err := s.CreateRoleBinding(ctx, orgRole(t, w, "reader")); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteOrg(ctx, org.ID); err != nil {
			t.Fatal(err)
		}
		wantRoles(t, s, w, "reader")
	})
}

// TestOrgRolesUnderConcurrentBindings binds one user to several roles at
// once, each on its own connection: none of the roles may be lost from the
// projection, whichever order the transactions commit in.
func TestOrgRolesUnderConcurrentBindings(t *testing.T) {
	onEngines(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := openMigrated(t, url, Options{})
		u := mustUser(t, s, mustOrg(t, s, "Concurrent"), "c@example.com")
		for round := range 5 {
			var want []string
			errs := make(chan error, 8)
			for i := range 8 {
				b := orgRole(t, u, fmt.Sprintf("r%d-%d", round, i))
				want = append(want, b.Role)
				go func() { errs <- s.CreateRoleBinding(ctx, b) }()
			}
			for range 8 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			wantRoles(t, s, u, want...)
			if _, err := s.w.ExecContext(ctx, `DELETE FROM role_bindings WHERE subject_id = $1`, idArg(u.ID)); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func mustOrg(t *testing.T, s *Store, name string) *iam.Org {
	t.Helper()
	o := newOrg(t, name)
	if err := s.CreateOrg(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return o
}

func mustUser(t *testing.T, s *Store, org *iam.Org, email string) *iam.User {
	t.Helper()
	now := time.Now()
	u := &iam.User{ID: newID(t, now), OrgID: org.ID, Email: email, Metadata: []byte("{}"), CreatedAt: now, UpdatedAt: now}
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// orgRole is a binding of u to role across its organization, not stored.
func orgRole(t *testing.T, u *iam.User, role string) *iam.RoleBinding {
	now := time.Now()
	return &iam.RoleBinding{ID: newID(t, now), OrgID: u.OrgID, SubjectType: iam.SubjectUser, SubjectID: u.ID,
		Role: role, ScopeType: iam.ScopeOrg, ScopeID: u.OrgID, CreatedAt: now}
}

// wantRoles checks the roles GetUser gives u.
func wantRoles(t *testing.T, s *Store, u *iam.User, want ...string) {
	t.Helper()
	got, err := s.GetUser(context.Background(), u.OrgID, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(got.Roles, want) {
		t.Fatalf("%s has roles %v, want %v", u.Email, got.Roles, want)
	}
}
