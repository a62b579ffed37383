// Package sqlstore is the one SQL implementation of iam.Store. It serves
// SQLite (modernc.org/sqlite, pure Go) and PostgreSQL (pgx) with the same
// queries: both engines take $n placeholders, IDs travel as 16 bytes, times
// as Unix microseconds. Where the engines differ (schema types, connection
// set-up), the difference sits in the migrations and in Open; and a SQLite
// row's org_id holds the organization's seq, not its ID (orgkeys.go).
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/wardenhq/warden/internal/iam"
)

// Options tune Open.
type Options struct {
	// ReadConns sizes SQLite's reader pool (default: two per CPU) and
	// PostgreSQL's pool (default: four per CPU).
	ReadConns int
	Logger    *slog.Logger
}

// Store is a SQLite or PostgreSQL database holding Warden's state. It is
// safe for concurrent use.
type Store struct {
	*queries // outside a transaction: reads on the reader pool, writes on the writer
	dialect  string
	w        *sql.DB // SQLite: the one writer connection; PostgreSQL: the pool
	r        *sql.DB // SQLite: the query_only reader pool; PostgreSQL: the pool
	log      *slog.Logger
	dsn      string // PostgreSQL: what Listen connects to
	// SQLite: the writer's and the readers' prepared statements (nil on
	// PostgreSQL, whose driver prepares and caches by itself)
	pw, pr *prepared
	batch  *batcher // SQLite: group commit of concurrent transactions
	orgs   *orgKeys // SQLite: organizations' IDs and the seqs their rows hold
	// the q search's page statements, built once (searchPage)
	searchPages sync.Map
}

var _ iam.Store = (*Store)(nil)

// Open connects to url: a postgres:// or postgresql:// URL selects
// PostgreSQL, anything else is the path of a SQLite database file (its
// directory is created if missing). Open does not migrate; call Migrate.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	var s *Store
	var err error
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		s, err = openPostgres(url, opts)
	} else {
		s, err = openSQLite(url, opts)
	}
	if err != nil {
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func openPostgres(dsn string, opts Options) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	n := opts.ReadConns
	if n <= 0 {
		n = 4 * runtime.NumCPU()
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	s := newStore("postgres", db, db, n, opts.Logger)
	s.dsn = dsn
	return s, nil
}

// openSQLite opens one writer connection and a read-only pool on the same
// file. WAL lets readers run beside the writer; the single writer with
// immediate transactions means a transaction never fails to upgrade its lock.
func openSQLite(path string, opts Options) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
	}
	pragmas := "_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"
	file := "file:" + (&url.URL{Path: path}).EscapedPath()
	// The batcher runs each transaction in a savepoint, whose journal of
	// the pages it changed goes to a temporary file past 64 KiB: in memory
	// instead, a create-user spends a quarter less CPU (no pwrite calls).
	w, err := sql.Open("sqlite", file+"?"+pragmas+"&_pragma=temp_store(2)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	// Each reader keeps its own page cache; 8 MiB instead of SQLite's 2
	// holds the inner pages of the users table and the indexes a page or a
	// search walks, which at a million users no longer fit.
	r, err := sql.Open("sqlite", file+"?"+pragmas+"&_pragma=query_only(1)&_pragma=cache_size(-8192)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	n := opts.ReadConns
	if n <= 0 {
		n = 2 * runtime.NumCPU()
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxLifetime(0)
	k, err := sql.Open("sqlite", file+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	s := newStore("sqlite", w, r, n, opts.Logger)
	s.orgs = newOrgKeys(k)
	return s, nil
}

// newStore writes on w and reads on r, whose readConns connections the
// reads queue for.
func newStore(dialect string, w, r *sql.DB, readConns int, log *slog.Logger) *Store {
	s := &Store{dialect: dialect, w: w, r: r, log: log}
	s.queries = &queries{s: s, w: w}
	var reads execer = r
	if dialect == "sqlite" {
		s.pw, s.pr = newPrepared(w), newPrepared(r)
		s.queries.w, reads = s.pw, s.pr
		s.batch = newBatcher(s)
	}
	s.queries.r = newGate(reads, readConns)
	return s
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// Tx runs fn in one read-write transaction.
func (s *Store) Tx(ctx context.Context, fn func(iam.Queries) error) error {
	return s.tx(ctx, func(q *queries) error { return fn(q) })
}

func (s *Store) tx(ctx context.Context, fn func(*queries) error) error {
	if s.batch != nil {
		return s.batch.run(ctx, fn)
	}
	return s.single(ctx, fn)
}

// single runs fn in a transaction of its own.
func (s *Store) single(ctx context.Context, fn func(*queries) error) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return translate(err, "transaction")
	}
	if s.pw != nil {
		// Deferred first, so it runs last: after the rollback or commit
		// has freed the writer's connection.
		defer s.pw.prepareWanted(context.WithoutCancel(ctx))
	}
	ended := false
	defer func() {
		// Also when fn panics: a transaction left open would hold its
		// connection (SQLite's only writer) and its locks for good.
		if !ended {
			if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
				s.log.Warn("rollback failed", "err", rbErr)
			}
		}
	}()
	if err = fn(s.txQueries(tx)); err != nil {
		return err
	}
	ended = true
	if err = tx.Commit(); err != nil {
		return translate(err, "transaction")
	}
	return nil
}

// txQueries are the queries of transaction tx.
func (s *Store) txQueries(tx *sql.Tx) *queries {
	q := &queries{s: s, w: tx, inTx: true}
	if s.pw != nil {
		q.w = preparedTx{tx: tx, p: s.pw}
	}
	q.r = direct{q.w}
	return q
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return iam.Wrap(err, "the database does not answer")
	}
	return nil
}

// Close closes every connection.
func (s *Store) Close() error {
	if s.pw != nil {
		s.batch.close()
		s.pw.close()
		s.pr.close()
	}
	err := s.w.Close()
	if s.orgs != nil {
		err = errors.Join(err, s.orgs.db.Close())
	}
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}
