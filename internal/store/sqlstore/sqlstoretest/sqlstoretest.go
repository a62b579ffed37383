// Package sqlstoretest opens migrated stores for the tests of the packages
// above the store.
package sqlstoretest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/wardenhq/warden/internal/store/sqlstore"
)

// Open opens the store at dsn (a SQLite path or a PostgreSQL URL) with
// opts, migrated, closed when the test ends.
func Open(t testing.TB, dsn string, opts sqlstore.Options) *sqlstore.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// SQLite opens a fresh SQLite store in t's temporary directory.
func SQLite(t testing.TB) *sqlstore.Store {
	t.Helper()
	return Open(t, filepath.Join(t.TempDir(), "warden.db"), sqlstore.Options{})
}
