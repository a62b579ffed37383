package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wardenhq/warden/internal/iam"
)

// TestRolesMoveIntoBindings upgrades a version-1 database whose users hold
// their org roles in a column: after migration 2 the roles are org-scope
// role bindings and read back the same.
func TestRolesMoveIntoBindings(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		testRolesMove(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		base := os.Getenv("WARDEN_TEST_DATABASE_URL")
		if base == "" {
			if os.Getenv("WARDEN_REQUIRE_POSTGRES") == "1" {
				t.Fatal("WARDEN_TEST_DATABASE_URL is not set")
			}
			t.Skip("WARDEN_TEST_DATABASE_URL is not set")
		}
		b := make([]byte, 6)
		rand.Read(b)
		schema := "wm_" + hex.EncodeToString(b)
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			t.Fatal(err)
		}
		defer admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		u, _ := url.Parse(base)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		s, err := Open(context.Background(), u.String(), Options{})
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
