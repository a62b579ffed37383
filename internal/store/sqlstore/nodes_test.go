package sqlstore_test

import (
	"context"
	"github.com/wardenhq/warden/internal/pgtest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/wardenhq/warden/internal/store/sqlstore"
)

// TestNodesMigrateTogether starts several nodes on one empty database at
// once: every Migrate succeeds and the schema ends at one version.
func TestNodesMigrateTogether(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		migrateTogether(t, filepath.Join(t.TempDir(), "warden.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		migrateTogether(t, pgtest.Schema(t))
	})
}

func migrateTogether(t *testing.T, dbURL string) {
	t.Helper()
	ctx := context.Background()
	const nodes = 4
	stores := make([]*sqlstore.Store, nodes)
	for i := range stores {
		s, err := sqlstore.Open(ctx, dbURL, sqlstore.Options{ReadConns: 2})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Migrate(ctx)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("node %d: %v", i, err)
		}
	}
	first, err := stores[0].Version(ctx)
	if err != nil || first == 0 {
		t.Fatalf("version = %d, %v", first, err)
	}
	for i, s := range stores[1:] {
		if v, err := s.Version(ctx); err != nil || v != first {
			t.Errorf("node %d sees version %d (%v), node 0 %d", i+1, v, err, first)
		}
	}
}
