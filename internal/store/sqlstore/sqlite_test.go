package sqlstore_test

import (
	"path/filepath"
	"testing"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/store/sqlstore"
	"github.com/wardenhq/warden/internal/store/storetest"
)

func newSQLite(t testing.TB) *sqlstore.Store {
	t.Helper()
	return sqlstore.OpenMigrated(t, filepath.Join(t.TempDir(), "warden.db"), sqlstore.Options{})
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) iam.Store { return newSQLite(t) })
}

func TestSQLiteMigratesTwice(t *testing.T) {
	testMigratesTwice(t, newSQLite(t))
}
