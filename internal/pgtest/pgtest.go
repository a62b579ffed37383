// Package pgtest gives tests a PostgreSQL schema of their own: the database
// is WARDEN_TEST_DATABASE_URL; without it the test is skipped, or fails
// when WARDEN_REQUIRE_POSTGRES=1 (as in CI, where the PostgreSQL suite must
// run).
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// URL is the test database's URL, or skips (fails when required).
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("WARDEN_TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv("WARDEN_REQUIRE_POSTGRES") == "1" {
			t.Fatal("WARDEN_REQUIRE_POSTGRES=1 but WARDEN_TEST_DATABASE_URL is not set")
		}
		t.Skip("WARDEN_TEST_DATABASE_URL is not set")
	}
	return base
}

// Schema creates a fresh schema in the test database, dropped when the test
// ends, and returns the database URL with it as the search path.
func Schema(t testing.TB) string {
	t.Helper()
	return SchemaIn(t, URL(t))
}

// SchemaIn is Schema in the database at base.
func SchemaIn(t testing.TB, base string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "wt_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if db, err := sql.Open("pgx", base); err == nil {
			db.Exec("DROP SCHEMA " + schema + " CASCADE")
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
