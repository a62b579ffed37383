package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"testing/synctest"
)

// TestGateAdmitsInArrivalOrder: reads that wait for a connection get one
// in the order they came, not at random, and one whose request is
// cancelled while it waits leaves the queue without taking a turn.
func TestGateAdmitsInArrivalOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newGate(nil, 1)
		if err := g.acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
		var order []int
		done := make(chan struct{})
		cancelled, cancel := context.WithCancel(context.Background())
		gaveUp := make(chan error, 1)
		for i := range 8 {
			if i == 3 {
				go func() { gaveUp <- g.acquire(cancelled) }()
				synctest.Wait()
			}
			go func() {
				if err := g.acquire(context.Background()); err != nil {
					t.Error(err)
				}
				order = append(order, i) // one at a time: each holds the only slot
				g.release()
				done <- struct{}{}
			}()
			synctest.Wait() // i is queued before i+1 arrives
		}
		cancel()
		if err := <-gaveUp; !errors.Is(err, context.Canceled) {
			t.Fatalf("a cancelled wait returned %v", err)
		}
		g.release()
		for range 8 {
			<-done
		}
		if want := []int{0, 1, 2, 3, 4, 5, 6, 7}; !slices.Equal(order, want) {
			t.Fatalf("admitted in order %v, want %v", order, want)
		}
		if len(g.slots) != 0 {
			t.Fatalf("%d slots still taken", len(g.slots))
		}
	})
}

// TestGateFreesEverySlot: however a read ends (rows read to the end,
// closed early and closed twice, one row scanned, no row, a bad
// statement), its slot comes back, so the pool never runs dry.
func TestGateFreesEverySlot(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2), (3)`); err != nil {
		t.Fatal(err)
	}
	g := newGate(db, 2)
	var v int
	reads := map[string]func() error{
		"read to the end": func() error {
			rows, err := g.QueryContext(ctx, `SELECT v FROM t`)
			if err != nil {
				return err
			}
			for rows.Next() {
			}
			return rows.Err()
		},
		"closed early": func() error {
			rows, err := g.QueryContext(ctx, `SELECT v FROM t`)
			if err != nil {
				return err
			}
			rows.Next()
			rows.Close()
			return rows.Close()
		},
		"one row": func() error { return g.QueryRowContext(ctx, `SELECT v FROM t WHERE v = 2`).Scan(&v) },
		"no row": func() error {
			return ignore(g.QueryRowContext(ctx, `SELECT v FROM t WHERE v = 9`).Scan(&v), sql.ErrNoRows)
		},
		"bad read": func() error { _, err := g.QueryContext(ctx, `SELECT nope FROM t`); return want(err) },
		"bad row":  func() error { return want(g.QueryRowContext(ctx, `SELECT nope FROM t`).Scan(&v)) },
	}
	for name, read := range reads {
		for range 3 {
			if err := read(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(g.slots) != 0 {
				t.Fatalf("%s: %d slots still taken", name, len(g.slots))
			}
		}
	}
}

func ignore(err, expected error) error {
	if errors.Is(err, expected) {
		return nil
	}
	return err
}

func want(err error) error {
	if err == nil {
		return errors.New("no error")
	}
	return nil
}
