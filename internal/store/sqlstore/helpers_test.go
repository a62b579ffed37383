package sqlstore

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"strings"
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

// userRowV9 stores u as versions 9 and 10 did: org_id its organization's
// seq, and every lower-cased text stored.
func userRowV9(t *testing.T, s *Store, u *iam.User, orgSeq int64) {
	t.Helper()
	mustExec(t, s, `INSERT INTO users (id, org_id, email, email_norm, username, username_norm, first_name, last_name,
		full_name, first_norm, last_norm, full_norm, metadata, disabled, instance_admin, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '{}', false, false, 1, $13, $13)`,
		idArg(u.ID), orgSeq, u.Email, strings.ToLower(u.Email), u.Username, strings.ToLower(u.Username),
		u.FirstName, u.LastName, u.FullName, strings.ToLower(u.FirstName), strings.ToLower(u.LastName),
		strings.ToLower(u.FullName), micros(u.CreatedAt))
}
