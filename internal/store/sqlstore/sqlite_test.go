package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/store/sqlstore"
	"github.com/wardenhq/warden/internal/store/storetest"
)

func newSQLite(t testing.TB) *sqlstore.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "warden.db"), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) iam.Store { return newSQLite(t) })
}

func TestSQLiteMigratesTwice(t *testing.T) {
	testMigratesTwice(t, newSQLite(t))
}
