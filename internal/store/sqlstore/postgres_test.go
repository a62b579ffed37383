package sqlstore_test

import (
	"context"
	"github.com/wardenhq/warden/internal/pgtest"
	"testing"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/store/sqlstore"
	"github.com/wardenhq/warden/internal/store/storetest"
)

// newPostgres gives each store a fresh schema of its own, dropped at the
// end, so tests never see each other's rows.
func newPostgres(t testing.TB) *sqlstore.Store {
	t.Helper()
	return openPostgres(t, pgtest.Schema(t))
}

// openPostgres opens (and migrates) a store on dbURL, closed at the end.
func openPostgres(t testing.TB, dbURL string) *sqlstore.Store {
	t.Helper()
	return sqlstore.OpenMigrated(t, dbURL, sqlstore.Options{ReadConns: 8})
}

func TestPostgres(t *testing.T) {
	pgtest.URL(t)
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
