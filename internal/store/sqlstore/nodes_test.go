package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"github.com/wardenhq/warden/internal/pgtest"
	"net/url"
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
		base := pgtest.URL(t)
		b := make([]byte, 6)
		rand.Read(b)
		schema := "wn_" + hex.EncodeToString(b)
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			t.Fatal(err)
		}
		defer admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		migrateTogether(t, u.String())
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
