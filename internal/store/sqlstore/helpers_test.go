package sqlstore

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// openMigrated opens the database at url, migrated, closed when the test
// ends.
func openMigrated(t *testing.T, url string) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
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
