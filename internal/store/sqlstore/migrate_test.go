package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
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

// TestMigrateDropsStat4 runs ANALYZE, as an operator tuning the file
// might, and starts again: the sample statistics that make SQLite
// recompile every search are gone, the per-index ones and the search stay.
func TestMigrateDropsStat4(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "warden.db")
	s := openMigrated(t, path, Options{})
	org := mustOrg(t, s, "Stats")
	for i := range 20 {
		mustUser(t, s, org, fmt.Sprintf("ann%02d@example.com", i))
	}
	if _, err := s.w.ExecContext(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	tables := func() (names []string) {
		t.Helper()
		rows, err := s.w.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE name LIKE 'sqlite_stat%' ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			names = append(names, n)
		}
		return names
	}
	if got := tables(); !slices.Contains(got, "sqlite_stat4") {
		// If the driver stops building SQLite with STAT4, dropStat4 can go.
		t.Fatalf("ANALYZE left %v, no sqlite_stat4", got)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if got := tables(); !slices.Equal(got, []string{"sqlite_stat1"}) {
		t.Errorf("statistics tables after Migrate: %v, want only sqlite_stat1", got)
	}
	found, err := s.ListUsers(ctx, org.ID, iam.UserFilter{Q: "ann1", Page: iam.Page{Limit: 50}})
	if err != nil || len(found) != 10 {
		t.Fatalf("search after the drop: %d users, %v", len(found), err)
	}
	if err := s.Migrate(ctx); err != nil { // nothing left to drop
		t.Fatal(err)
	}
}
