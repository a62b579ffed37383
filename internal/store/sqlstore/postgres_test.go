package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/store/sqlstore"
	"github.com/wardenhq/warden/internal/store/storetest"
)

// postgresURL is the test database, from WARDEN_TEST_DATABASE_URL. Without
// it the PostgreSQL tests skip, unless WARDEN_REQUIRE_POSTGRES=1 (CI) makes
// that a failure.
func postgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("WARDEN_TEST_DATABASE_URL")
	if u == "" {
		if os.Getenv("WARDEN_REQUIRE_POSTGRES") == "1" {
			t.Fatal("WARDEN_REQUIRE_POSTGRES=1 but WARDEN_TEST_DATABASE_URL is not set")
		}
		t.Skip("WARDEN_TEST_DATABASE_URL is not set")
	}
	return u
}

// newPostgres gives each store a fresh schema of its own, dropped at the
// end, so tests never see each other's rows.
func newPostgres(t testing.TB) *sqlstore.Store {
	t.Helper()
	return openPostgres(t, postgresSchemaURL(t))
}

// postgresSchemaURL creates a fresh schema, dropped at the end, and returns
// the URL of the test database with that schema as its search path.
func postgresSchemaURL(t testing.TB) string {
	t.Helper()
	base := postgresURL(t)
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "wt_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if db, err := sql.Open("pgx", base); err == nil {
			db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// openPostgres opens (and migrates) a store on dbURL, closed at the end.
func openPostgres(t testing.TB, dbURL string) *sqlstore.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, dbURL, sqlstore.Options{ReadConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPostgres(t *testing.T) {
	postgresURL(t)
	storetest.Run(t, func(t *testing.T) iam.Store { return newPostgres(t) })
}

func TestPostgresMigratesTwice(t *testing.T) {
	testMigratesTwice(t, newPostgres(t))
}

func testMigratesTwice(t *testing.T, s *sqlstore.Store) {
	ctx := context.Background()
	before, err := s.Version(ctx)
	if err != nil || before < 2 {
		t.Fatalf("version after migrating = %d, %v", before, err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if after, err := s.Version(ctx); err != nil || after != before {
		t.Fatalf("version = %d after a second migrate, was %d (%v)", after, before, err)
	}
}
