package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"github.com/wardenhq/warden/internal/pgtest"
	"net/url"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/store/sqlstore"
)

// listener runs s.Listen until the test ends, handing what it hears to a
// channel; it fails the test if Listen does not return nil once stopped.
func listener(t *testing.T, s *sqlstore.Store) <-chan iam.Invalidation {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	got := make(chan iam.Invalidation, 256)
	done := make(chan error, 1)
	go func() {
		done <- s.Listen(ctx, func(inv iam.Invalidation) { got <- inv })
	}()
	t.Cleanup(func() {
		stop()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Listen returned %v once stopped", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Listen did not return once stopped")
		}
	})
	return got
}

// next returns the next invalidation about org (skipping every other
// instance's, since channels are per database), or fails after wait.
func next(t *testing.T, got <-chan iam.Invalidation, org iam.ID, wait time.Duration) (iam.Invalidation, bool) {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case inv := <-got:
			if inv.OrgID == org || (org.IsZero() && inv.Kind == iam.InvalidateAll) {
				return inv, true
			}
		case <-deadline:
			return iam.Invalidation{}, false
		}
	}
}

func newTestID(t *testing.T) iam.ID {
	id, err := iam.NewID(time.Now(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestPostgresNotifyReachesAnotherStore: an invalidation sent in a
// committed transaction reaches the Listen of another store on the same
// database; one in a rolled-back transaction does not; one outside a
// transaction is sent at once. A listener whose connection is killed says
// so (InvalidateAll) and listens again.
func TestPostgresNotifyReachesAnotherStore(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.Schema(t)
	u, _ := url.Parse(dbURL)
	b := make([]byte, 6)
	rand.Read(b)
	app := "wl_" + hex.EncodeToString(b)
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	sender, receiver := openPostgres(t, dbURL), openPostgres(t, u.String())
	got := listener(t, receiver)
	if _, ok := next(t, got, iam.NilID, 10*time.Second); !ok {
		t.Fatal("Listen never said it was listening")
	}

	org := newTestID(t)
	rolledBack := iam.Invalidation{Kind: iam.InvalidateSession, OrgID: org, ID: newTestID(t)}
	committed := iam.Invalidation{Kind: iam.InvalidateAuthz, OrgID: org, ID: newTestID(t), Version: 42}
	errRollback := errors.New("roll back")
	if err := sender.Tx(ctx, func(q iam.Queries) error {
		if err := q.Notify(ctx, rolledBack); err != nil {
			return err
		}
		return errRollback
	}); !errors.Is(err, errRollback) {
		t.Fatalf("rolled-back Tx: %v", err)
	}
	held := make(chan struct{})
	release := make(chan struct{})
	txDone := make(chan error, 1)
	go func() {
		txDone <- sender.Tx(ctx, func(q iam.Queries) error {
			if err := q.Notify(ctx, committed); err != nil {
				return err
			}
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	if inv, ok := next(t, got, org, 300*time.Millisecond); ok {
		t.Fatalf("heard %+v before any commit", inv)
	}
	close(release)
	if err := <-txDone; err != nil {
		t.Fatal(err)
	}
	inv, ok := next(t, got, org, 5*time.Second)
	if !ok {
		t.Fatal("the committed invalidation never arrived")
	}
	if inv != committed {
		t.Fatalf("heard %+v, sent %+v (the rolled-back one was %+v)", inv, committed, rolledBack)
	}

	direct := iam.Invalidation{Kind: iam.InvalidateAPIKey, OrgID: org, ID: newTestID(t)}
	if err := sender.Notify(ctx, direct); err != nil {
		t.Fatal(err)
	}
	if inv, ok := next(t, got, org, 5*time.Second); !ok || inv != direct {
		t.Fatalf("outside a transaction: heard %+v (%v), sent %+v", inv, ok, direct)
	}

	// Kill the listener's connection: it reconnects and says so.
	admin, err := sql.Open("pgx", pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var killed int
	if err := admin.QueryRowContext(ctx, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'", app).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("terminated %d listeners (%v)", killed, err)
	}
	if _, ok := next(t, got, iam.NilID, 10*time.Second); !ok {
		t.Fatal("the listener did not come back")
	}
	again := iam.Invalidation{Kind: iam.InvalidateGrant, OrgID: org, ID: newTestID(t)}
	if err := sender.Notify(ctx, again); err != nil {
		t.Fatal(err)
	}
	if inv, ok := next(t, got, org, 5*time.Second); !ok || inv != again {
		t.Fatalf("after reconnecting: heard %+v (%v), sent %+v", inv, ok, again)
	}
}

// TestSQLiteNotifyIsLocal: on SQLite, Notify does nothing and Listen waits
// for its context without calling back.
func TestSQLiteNotifyIsLocal(t *testing.T) {
	s := newSQLite(t)
	ctx := context.Background()
	if err := s.Tx(ctx, func(q iam.Queries) error {
		return q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidateSession, ID: newTestID(t)})
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Notify(ctx, iam.Invalidation{Kind: iam.InvalidateAuthz, Version: 1}); err != nil {
		t.Fatal(err)
	}
	lctx, stop := context.WithTimeout(ctx, 50*time.Millisecond)
	defer stop()
	called := false
	if err := s.Listen(lctx, func(iam.Invalidation) { called = true }); err != nil || called || lctx.Err() == nil {
		t.Fatalf("Listen = %v, called %v, returned before its context ended: %v", err, called, lctx.Err() == nil)
	}
}
