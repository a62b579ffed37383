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

// TestSQLite runs the conformance suite on SQLite, then checks the plan of
// every statement the suite made each store prepare (checkPlans).
func TestSQLite(t *testing.T) {
	checked := map[string]bool{}
	storetest.Run(t, func(t *testing.T) iam.Store {
		s := newSQLite(t)
		t.Cleanup(func() { checkPlans(t, s, checked) }) // before the store closes
		return s
	})
	if len(checked) < 100 {
		t.Errorf("checked the plans of %d statements, want the suite's (over 100)", len(checked))
	}
}

func TestSQLiteMigratesTwice(t *testing.T) {
	testMigratesTwice(t, newSQLite(t))
}
