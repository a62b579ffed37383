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
	release, started := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.Tx(ctx, func(q iam.Queries) error {
			close(started)
			<-release
			return q.CreateOrg(ctx, newOrg(t, "first"))
		})
	}()
	<-started

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
