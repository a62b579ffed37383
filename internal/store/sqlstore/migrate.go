package sqlstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// migrations are plain SQL, numbered, forward-only, one directory per engine.
//
//go:embed migrations
var migrations embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func (s *Store) migrations() ([]migration, error) {
	dir := path.Join("migrations", s.dialect)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", e.Name())
		}
		b, err := migrations.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// Migrate applies every migration not applied yet, each in its own
// transaction. On PostgreSQL an advisory lock keeps nodes that start
// together from applying the same migration twice. On SQLite it then
// drops the sample statistics (dropStat4).
func (s *Store) Migrate(ctx context.Context) error {
	if err := s.migrate(ctx, int(^uint(0)>>1)); err != nil {
		return err
	}
	return s.dropStat4(ctx)
}

// dropStat4 drops the sample statistics an ANALYZE (or PRAGMA optimize)
// leaves in a SQLite file. With them the planner weighs the values bound
// to a range, so SQLite compiles a prefix search again at every run: five
// times its cost (BenchmarkSearchUsers). The query-planner stability flag
// that would stop this is out of the driver's reach; sqlite_stat1, the
// per-index statistics, stays.
func (s *Store) dropStat4(ctx context.Context) error {
	if s.dialect != "sqlite" {
		return nil
	}
	var n int
	if err := s.w.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'`).Scan(&n); err != nil || n == 0 {
		return err
	}
	if _, err := s.w.ExecContext(ctx, `DROP TABLE sqlite_stat4`); err != nil {
		return fmt.Errorf("dropping sqlite_stat4: %w", err)
	}
	s.log.Info("dropped sqlite_stat4: its samples make SQLite recompile every search")
	return nil
}

// migrate applies the pending migrations numbered up to upTo.
func (s *Store) migrate(ctx context.Context, upTo int) error {
	list, err := s.migrations()
	if err != nil {
		return err
	}
	for _, m := range list {
		if m.version > upTo {
			break
		}
		if s.dialect == "sqlite" && strings.HasPrefix(m.sql, foreignKeysOff) {
			if err := s.migrateUnchecked(ctx, m); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			continue
		}
		err := s.tx(ctx, func(q *queries) error {
			if s.dialect == "postgres" {
				if _, err := q.w.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7406116329)`); err != nil {
					return err
				}
			}
			// Under the lock: concurrent CREATE TABLE IF NOT EXISTS of one
			// table can fail on PostgreSQL's catalog unique index.
			ran, err := q.apply(ctx, m)
			if ran {
				s.log.Info("applied migration", "migration", m.name)
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// apply runs m and records it in schema_migrations, unless it is recorded
// already: whether it ran.
func (q *queries) apply(ctx context.Context, m migration) (bool, error) {
	if _, err := q.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return false, err
	}
	done, err := q.exists(ctx, `SELECT 1 FROM schema_migrations WHERE version = $1`, m.version)
	if err != nil || done {
		return false, err
	}
	if _, err := q.w.ExecContext(ctx, m.sql); err != nil {
		return false, err
	}
	_, err = q.w.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		m.version, m.name, time.Now().UnixMicro())
	return err == nil, err
}

// foreignKeysOff opens a SQLite migration that builds tables again: it runs
// with foreign keys off, as SQLite's procedure for that requires.
const foreignKeysOff = "-- warden: foreign keys off"

// migrateUnchecked applies m on a connection of its own with foreign keys
// off, and commits only if PRAGMA foreign_key_check then finds every
// reference whole.
func (s *Store) migrateUnchecked(ctx context.Context, m migration) (err error) {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// The pragma is a no-op inside a transaction, so it comes first.
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	defer func() {
		if _, onErr := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`); onErr != nil {
			err = errors.Join(err, onErr)
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if ran, err := (&queries{s: s, w: tx, inTx: true}).apply(ctx, m); err != nil || !ran {
		return err
	}
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	broken := rows.Next()
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	if broken {
		return errors.New("a foreign key no longer finds its row")
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// The old tables' pages stay in the file, free for new rows; only a
	// VACUUM, which rewrites the whole file, gives them back. The count is
	// for the log alone: the migration stands without it.
	var free, size int64
	conn.QueryRowContext(ctx, `SELECT freelist_count, page_size FROM pragma_freelist_count, pragma_page_size`).Scan(&free, &size)
	s.log.Info("applied migration", "migration", m.name, "free_bytes", free*size,
		"hint", "sqlite3 <file> VACUUM returns the free pages to the file system")
	return nil
}

// Version is the highest migration applied.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
