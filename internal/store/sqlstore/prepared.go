package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// maxPrepared bounds how many distinct statements a pool keeps prepared;
// past it, new texts run unprepared. The texts built per call (filter
// combinations) stay few, so this is a guard, not a policy.
const maxPrepared = 1024

// prepared is a pool that keeps every statement it runs prepared, on each
// connection, for as long as the pool lives. SQLite (modernc.org/sqlite)
// otherwise parses and plans each statement on every call, which profiles
// showed to be a quarter of a request's time. pgx needs none of this: it
// caches prepared statements per connection itself.
type prepared struct {
	db     *sql.DB
	mu     sync.RWMutex
	stmts  map[string]*sql.Stmt
	wanted map[string]bool // met in a transaction, to prepare once it ends
}

func newPrepared(db *sql.DB) *prepared {
	return &prepared{db: db, stmts: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// cached returns query's kept statement without preparing it, noting a
// miss for prepareWanted: inside a transaction the writer's one connection
// is taken, so preparing there would wait for itself.
func (p *prepared) cached(query string) *sql.Stmt {
	p.mu.RLock()
	st, ok := p.stmts[query]
	p.mu.RUnlock()
	if !ok && preparable(query) {
		p.mu.Lock()
		if len(p.wanted) < maxPrepared {
			p.wanted[query] = true
		}
		p.mu.Unlock()
	}
	return st
}

// prepareWanted prepares the statements transactions missed.
func (p *prepared) prepareWanted(ctx context.Context) {
	p.mu.RLock()
	n := len(p.wanted)
	p.mu.RUnlock()
	if n == 0 {
		return
	}
	p.mu.Lock()
	wanted := p.wanted
	p.wanted = map[string]bool{}
	p.mu.Unlock()
	for q := range wanted {
		p.stmt(ctx, q)
	}
}

// stmt returns query prepared, or nil to run it as it is: a text with
// several statements, a full cache, or a failed prepare (whose error the
// unprepared run reports again).
func (p *prepared) stmt(ctx context.Context, query string) *sql.Stmt {
	p.mu.RLock()
	st, ok := p.stmts[query]
	full := len(p.stmts) >= maxPrepared
	p.mu.RUnlock()
	if ok || full {
		return st
	}
	if !preparable(query) {
		return nil
	}
	// Prepared without the lock: on the writer, PrepareContext waits for
	// its one connection, which a transaction calling cached may hold.
	st, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if kept, ok := p.stmts[query]; ok || len(p.stmts) >= maxPrepared {
		st.Close()
		return kept
	}
	p.stmts[query] = st
	return st
}

// preparable reports whether query is one statement: Prepare would keep
// only the first of several.
func preparable(query string) bool { return !strings.Contains(query, ";") }

func (p *prepared) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.db.ExecContext(ctx, query, args...)
}

func (p *prepared) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

func (p *prepared) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}

// close closes every kept statement.
func (p *prepared) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for q, st := range p.stmts {
		st.Close()
		delete(p.stmts, q)
	}
}

// preparedTx runs a transaction's statements through its pool's prepared
// ones (database/sql reuses the statement already prepared on the
// transaction's connection).
type preparedTx struct {
	tx *sql.Tx
	p  *prepared
}

func (t preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.p.cached(query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.p.cached(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.p.cached(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}
