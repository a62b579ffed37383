package sqlstore

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/pgtest"
)

// openMigrated opens the database at url, migrated, closed when the test
// ends.
func openMigrated(t testing.TB, url string, opts Options) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// sqliteAt is a new SQLite file migrated up to version, as an older
// Warden left it, closed when the test ends.
func sqliteAt(t *testing.T, version int) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "warden.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.migrate(ctx, version); err != nil {
		t.Fatal(err)
	}
	return s
}

// onEngines runs test on a new SQLite file and on a new PostgreSQL schema.
func onEngines(t *testing.T, test func(t *testing.T, url string)) {
	t.Run("sqlite", func(t *testing.T) { test(t, filepath.Join(t.TempDir(), "warden.db")) })
	t.Run("postgres", func(t *testing.T) { test(t, pgtest.Schema(t)) })
}

func newID(t *testing.T, at time.Time) iam.ID {
	id, err := iam.NewID(at, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// newOrg is an organization named name, not yet stored.
func newOrg(t *testing.T, name string) *iam.Org {
	now := time.Now()
	return &iam.Org{ID: newID(t, now), Name: name, CreatedAt: now, UpdatedAt: now}
}
