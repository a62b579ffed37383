package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// TestGroupCommitKeepsEachTransactionItsOwn: transactions that queue
// behind a running one commit together, yet each keeps its own outcome:
// one that fails leaves nothing behind (its savepoint is rolled back), a
// duplicate name is the caller's conflict, a panic reaches its caller, and
// the others' writes all land.
func TestGroupCommitKeepsEachTransactionItsOwn(t *testing.T) {
	ctx := context.Background()
	s := openMigrated(t, filepath.Join(t.TempDir(), "w.db"), Options{})

	// The first transaction holds the writer until the others are queued.
	release, first := holdWriter(t, s)

	errRefused := errors.New("refused after writing")
	kinds := map[string]func(q iam.Queries) error{
		"fails":     func(q iam.Queries) error { q.CreateOrg(ctx, newOrg(t, "fails")); return errRefused },
		"duplicate": func(q iam.Queries) error { return q.CreateOrg(ctx, newOrg(t, "first")) },
		"panics":    func(q iam.Queries) error { q.CreateOrg(ctx, newOrg(t, "panics")); panic("boom") },
	}
	for i := range 10 {
		name := fmt.Sprintf("ok-%d", i)
		kinds[name] = func(q iam.Queries) error { return q.CreateOrg(ctx, newOrg(t, name)) }
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	outcomes := map[string]any{}
	for name, fn := range kinds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if v := recover(); v != nil {
					mu.Lock()
					outcomes[name] = fmt.Sprint("panic: ", v)
					mu.Unlock()
				}
			}()
			err := s.Tx(ctx, fn)
			mu.Lock()
			outcomes[name] = err
			mu.Unlock()
		}()
	}
	time.Sleep(100 * time.Millisecond) // let every caller queue
	close(release)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}

	for name, got := range outcomes {
		switch name {
		case "fails":
			if got != errRefused {
				t.Errorf("fails: %v", got)
			}
		case "duplicate":
			if err, _ := got.(error); !iam.IsKind(err, iam.Conflict) {
				t.Errorf("duplicate: %v", got)
			}
		case "panics":
			if got != "panic: boom" {
				t.Errorf("panics: %v", got)
			}
		default:
			if got != nil {
				t.Errorf("%s: %v", name, got)
			}
		}
	}
	orgs, err := s.ListOrgs(ctx, iam.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, o := range orgs {
		names[o.Name] = true
	}
	for name := range kinds {
		stored, want := names[name], name != "fails" && name != "duplicate" && name != "panics"
		if stored != want {
			t.Errorf("%s stored: %v, want %v", name, stored, want)
		}
	}
	if len(orgs) != 11 {
		t.Errorf("%d organizations stored, want 11", len(orgs))
	}
	s.batch.close()
	if s.batch.batches == 0 {
		t.Error("the queued transactions never shared a commit: the test no longer shows group commit")
	}
}

// holdWriter starts a transaction that creates the organization "first"
// once release is closed, and returns when it holds the writer: whatever
// is queued meanwhile commits in the next batch. first gets its outcome.
func holdWriter(t *testing.T, s *Store) (release chan struct{}, first chan error) {
	ctx := context.Background()
	release, first = make(chan struct{}), make(chan error, 1)
	started := make(chan struct{})
	go func() {
		first <- s.Tx(ctx, func(q iam.Queries) error {
			close(started)
			<-release
			return q.CreateOrg(ctx, newOrg(t, "first"))
		})
	}()
	<-started
	return release, first
}

// TestAPanicLeavesNoTransactionOpen: a transaction whose function panics
// alone (nothing queued beside it) is rolled back, so the next one runs.
func TestAPanicLeavesNoTransactionOpen(t *testing.T) {
	onEngines(t, testPanicAlone)
}

func testPanicAlone(t *testing.T, url string) {
	ctx := context.Background()
	s := openMigrated(t, url, Options{})
	func() {
		defer func() { recover() }()
		s.Tx(ctx, func(q iam.Queries) error { q.CreateOrg(ctx, newOrg(t, "lost")); panic("boom") })
	}()
	timeout, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := s.Tx(timeout, func(q iam.Queries) error { return q.CreateOrg(timeout, newOrg(t, "lost")) }); err != nil {
		t.Fatalf("the next transaction: %v", err)
	}
}

// TestWriterJournalsSavepointsInMemory: the writer keeps its temporary
// files, the batcher's savepoint journals among them, in memory (a quarter
// of a create-user's CPU went to writing them to a file), and a savepoint
// whose journal outgrows SQLite's 64 KiB spill size still rolls back whole
// while the transaction committed beside it lands.
func TestWriterJournalsSavepointsInMemory(t *testing.T) {
	ctx := context.Background()
	s := openMigrated(t, filepath.Join(t.TempDir(), "w.db"), Options{})
	var store int
	if err := s.w.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&store); err != nil || store != 2 {
		t.Fatalf("writer temp_store = %d, %v; want 2 (memory)", store, err)
	}
	release, first := holdWriter(t, s)
	errBig := errors.New("refused after writing much")
	big, kept := make(chan error, 1), make(chan error, 1)
	go func() {
		big <- s.Tx(ctx, func(q iam.Queries) error {
			for i := range 300 { // 300 rows of 1 KiB names: far more than 64 KiB of pages
				if err := q.CreateOrg(ctx, newOrg(t, fmt.Sprintf("big-%03d-%01000d", i, 0))); err != nil {
					return err
				}
			}
			return errBig
		})
	}()
	go func() { kept <- s.Tx(ctx, func(q iam.Queries) error { return q.CreateOrg(ctx, newOrg(t, "kept")) }) }()
	time.Sleep(50 * time.Millisecond) // both queue behind the first
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-big; !errors.Is(err, errBig) {
		t.Fatalf("big: err = %v", err)
	}
	if err := <-kept; err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM orgs`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("orgs after the rollback: %d, %v; want first and kept", n, err)
	}
	s.batch.close()
	if s.batch.batches == 0 {
		t.Error("no shared commit: the savepoints were not exercised")
	}
}
