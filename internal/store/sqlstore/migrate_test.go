package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

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

// TestSmallerIndexesKeepWhatTheyHeld upgrades a version-7 SQLite file
// through migration 8, which rebuilds the passwords table and the email
// and username indexes: hashes, logins by email or username, and the
// uniqueness of both within an organization stay as they were.
func TestSmallerIndexesKeepWhatTheyHeld(t *testing.T) {
	ctx := context.Background()
	s := sqliteAt(t, 7)
	now := time.Now().UTC().Truncate(time.Microsecond)
	org := newOrg(t, "Upgrade")
	u := &iam.User{ID: newID(t, now), OrgID: org.ID, Email: "Ada@Example.com", Username: "Ada", CreatedAt: now, UpdatedAt: now}
	// Rows as the version-7 schema holds them: org_id is the 16-byte ID.
	oldOrgRows(t, s, org)
	oldUserRows(t, s, u, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if h, err := s.GetPasswordHash(ctx, org.ID, u.ID); err != nil || h != "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA" {
		t.Errorf("hash after the migration: %q, %v", h, err)
	}
	for _, login := range []string{"ada@example.com", "ADA"} {
		if found, err := s.FindUsersByLogin(ctx, login, 2); err != nil || len(found) != 1 || found[0].ID != u.ID {
			t.Errorf("login %s after the migration: %v, %v", login, found, err)
		}
	}
	if id, err := s.UserIDByUsername(ctx, org.ID, "ada"); err != nil || id != u.ID {
		t.Errorf("username lookup after the migration: %v, %v", id, err)
	}
	for _, dup := range []*iam.User{
		{ID: newID(t, now.Add(time.Millisecond)), OrgID: org.ID, Email: "ADA@example.com", CreatedAt: now, UpdatedAt: now},
		{ID: newID(t, now.Add(2*time.Millisecond)), OrgID: org.ID, Email: "b@example.com", Username: "aDa", CreatedAt: now, UpdatedAt: now},
	} {
		if err := s.CreateUser(ctx, dup); !iam.IsKind(err, iam.Conflict) {
			t.Errorf("%s / %s after the migration: %v, want a conflict", dup.Email, dup.Username, err)
		}
	}
	other := newOrg(t, "Other")
	if err := s.CreateOrg(ctx, other); err != nil {
		t.Fatal(err)
	}
	same := &iam.User{ID: newID(t, now.Add(3*time.Millisecond)), OrgID: other.ID, Email: "ada@example.com", Username: "ada",
		CreatedAt: now, UpdatedAt: now}
	if err := s.CreateUser(ctx, same); err != nil {
		t.Errorf("the same email and username in another organization: %v", err)
	}
}

// TestUncheckedMigrationKeepsForeignKeys: a migration run with foreign keys
// off that leaves a reference dangling is rolled back, unrecorded, and the
// keys are on again afterwards.
func TestUncheckedMigrationKeepsForeignKeys(t *testing.T) {
	ctx := context.Background()
	s := openMigrated(t, filepath.Join(t.TempDir(), "warden.db"), Options{})
	bad := migration{version: 9999, name: "9999_dangling.sql",
		sql: foreignKeysOff + "\nINSERT INTO passwords (user_id, org_id, hash) VALUES (x'00', 1, 'h');"}
	if err := s.migrateUnchecked(ctx, bad); err == nil || !strings.Contains(err.Error(), "foreign key") {
		t.Fatalf("a dangling reference: %v, want the foreign key check to refuse it", err)
	}
	var rows, recorded, on int
	if err := s.w.QueryRow(`SELECT (SELECT COUNT(*) FROM passwords), (SELECT COUNT(*) FROM schema_migrations WHERE version = 9999),
		(SELECT foreign_keys FROM pragma_foreign_keys)`).Scan(&rows, &recorded, &on); err != nil {
		t.Fatal(err)
	}
	if rows != 0 || recorded != 0 || on != 1 {
		t.Errorf("after the refused migration: %d rows, recorded %d times, foreign_keys = %d; want 0, 0, 1", rows, recorded, on)
	}
}
