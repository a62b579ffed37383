package sqlstore

import (
	"context"
	"database/sql"

	"github.com/wardenhq/warden/internal/admission"
)

// rowSet is a query's rows, as the queries read them.
type rowSet interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// rowResult is a one-row query's result.
type rowResult interface{ Scan(dest ...any) error }

// reader runs the queries' reads: a transaction's, or the pool's through
// a gate.
type reader interface {
	QueryContext(ctx context.Context, query string, args ...any) (rowSet, error)
	QueryRowContext(ctx context.Context, query string, args ...any) rowResult
}

// direct reads on e as it is: inside a transaction, whose connection is
// already held.
type direct struct{ e execer }

func (d direct) QueryContext(ctx context.Context, query string, args ...any) (rowSet, error) {
	rows, err := d.e.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func (d direct) QueryRowContext(ctx context.Context, query string, args ...any) rowResult {
	return d.e.QueryRowContext(ctx, query, args...)
}

// gate admits reads to a pool of n connections first come, first served.
// database/sql hands a freed connection to a random waiter, so under load
// a request could lose that draw many times over: a list page's p99 was
// five times its median. Reads queue here instead, in arrival order, and
// reach the pool only when one of its connections is free.
type gate struct {
	e     execer
	queue *admission.Queue
}

func newGate(e execer, n int) *gate { return &gate{e: e, queue: admission.New(n)} }

func (g *gate) QueryContext(ctx context.Context, query string, args ...any) (rowSet, error) {
	if err := g.queue.Enter(ctx); err != nil {
		return nil, err
	}
	rows, err := g.e.QueryContext(ctx, query, args...)
	if err != nil {
		g.queue.Leave()
		return nil, err
	}
	return &gatedRows{Rows: rows, g: g}, nil
}

func (g *gate) QueryRowContext(ctx context.Context, query string, args ...any) rowResult {
	if err := g.queue.Enter(ctx); err != nil {
		return errRow{err}
	}
	return &gatedRow{row: g.e.QueryRowContext(ctx, query, args...), g: g}
}

// gatedRows frees its slot once its connection is back in the pool: when
// Next runs out of rows or Close is called, whichever comes first.
type gatedRows struct {
	*sql.Rows
	g    *gate
	done bool
}

func (r *gatedRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.free()
	return false
}

func (r *gatedRows) Close() error {
	err := r.Rows.Close()
	r.free()
	return err
}

func (r *gatedRows) free() {
	if !r.done {
		r.done = true
		r.g.queue.Leave()
	}
}

// gatedRow frees its slot when scanned: database/sql holds the
// connection until then. Every caller scans the row it asked for.
type gatedRow struct {
	row  *sql.Row
	g    *gate
	done bool
}

func (r *gatedRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if !r.done {
		r.done = true
		r.g.queue.Leave()
	}
	return err
}

// errRow is the row of a read that never reached the pool.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
