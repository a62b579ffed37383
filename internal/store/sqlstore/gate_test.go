package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
)

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
			if g.queue.Taken() != 0 {
				t.Fatalf("%s: %d slots still taken", name, g.queue.Taken())
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
