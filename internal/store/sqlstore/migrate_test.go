package sqlstore

import (
	"context"
	"slices"
	"testing"

	"github.com/wardenhq/warden/internal/iam"
)

// TestRolesMoveIntoBindings upgrades a version-1 database whose users hold
// their org roles in a column: migration 2 turns them into org-scope role
// bindings, migration 7 fills users.org_roles from those, and the roles
// read back the same.
func TestRolesMoveIntoBindings(t *testing.T) {
	onEngines(t, func(t *testing.T, url string) {
		s, err := Open(context.Background(), url, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		testRolesMove(t, s)
	})
}

func testRolesMove(t *testing.T, s *Store) {
	ctx := context.Background()
	if err := s.migrate(ctx, 1); err != nil {
		t.Fatal(err)
	}
	org, user := iam.MustParseID("01a20000-0000-7000-8000-000000000001"), iam.MustParseID("01a20000-0000-7000-8000-000000000002")
	if _, err := s.w.Exec(`INSERT INTO orgs (id, name, name_norm, created_at, updated_at) VALUES ($1, 'A', 'a', 1, 1)`, idArg(org)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(`INSERT INTO users (id, org_id, email, email_norm, username, username_norm, first_name, last_name,
		full_name, first_norm, last_norm, full_norm, roles, metadata, disabled, instance_admin, version, created_at, updated_at)
		VALUES ($1, $2, 'a@example.com', 'a@example.com', '', '', '', '', '', '', '', '', '["reader","admin"]', '{}', false, false, 1, 1, 1)`,
		idArg(user), idArg(org)); err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u, err := s.GetUser(ctx, org, user)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(u.Roles, []string{"admin", "reader"}) {
		t.Fatalf("roles after migration: %v", u.Roles)
	}
}
