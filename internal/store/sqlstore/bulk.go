package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/wardenhq/warden/internal/iam"
)

// Bulk loads many rows into a fresh database, for `warden seed`. Nothing
// else uses it: it bypasses the store's checks (the caller makes consistent
// rows) and, on SQLite, runs the writer with pragmas suited to a one-off
// load (no fsync, no rollback journal, foreign keys unchecked) until Finish
// puts the normal ones back. A load that fails half-way may leave a damaged
// SQLite file: seed into a new data directory.
//
// Rows hold iam.ID for UUID columns, int64 for times (Unix microseconds),
// and strings, booleans, byte slices or nil for the rest. A user's rows
// leave out its lower-cased texts: Insert adds the engine's (lowered.go).
type Bulk struct {
	s    *Store
	conn *sql.Conn
	tx   *sql.Tx   // SQLite: the open transaction
	pg   *pgx.Conn // PostgreSQL: the raw connection, for COPY
	stmt map[string]*sql.Stmt
	rows int              // SQLite: rows inserted in the open transaction
	orgs map[iam.ID]int64 // SQLite: the seq each organization's rows hold (orgkeys.go)
	wal  bool
	// deferred are the indexes and triggers DeferIndexes and DeferTriggers
	// dropped, with the statements that create them, for Finish to run again.
	deferred map[schemaObject]string
	// Counts is how many rows each table received, Times how long that took.
	Counts map[string]int64
	Times  map[string]time.Duration
	// Indexing is how long Finish took to build the deferred indexes.
	Indexing time.Duration
}

// sqliteMaxVars bounds the parameters of one multi-row INSERT: the
// driver (modernc.org/sqlite) matches each parameter to its argument with a
// linear search, so a statement's binding costs the square of its
// parameters; a few hundred amortise a statement's overhead without that.
// sqliteRowsPerStmt bounds its rows.
const (
	sqliteMaxVars     = 256
	sqliteRowsPerStmt = 64
	sqliteTxRows      = 500_000
)

// Bulk starts a bulk load on the writer connection.
func (s *Store) Bulk(ctx context.Context) (*Bulk, error) {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return nil, translate(err, "bulk load")
	}
	b := &Bulk{s: s, conn: conn, stmt: map[string]*sql.Stmt{}, Counts: map[string]int64{}, Times: map[string]time.Duration{}}
	if s.dialect == "postgres" {
		err = conn.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("bulk load: unexpected driver connection %T", dc)
			}
			b.pg = c.Conn()
			return nil
		})
		if err != nil {
			conn.Close()
			return nil, err
		}
		return b, nil
	}
	var mode string
	if err := conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		conn.Close()
		return nil, translate(err, "bulk load")
	}
	b.wal = strings.EqualFold(mode, "wal")
	// Leaving WAL needs the database to itself; if a reader holds it, the
	// load simply runs in WAL mode.
	for _, p := range []string{`PRAGMA journal_mode = OFF`, `PRAGMA synchronous = OFF`, `PRAGMA foreign_keys = OFF`,
		`PRAGMA cache_size = -1048576`, `PRAGMA temp_store = MEMORY`} {
		if _, err := conn.ExecContext(ctx, p); err != nil && !strings.Contains(p, "journal_mode") {
			conn.Close()
			return nil, translate(err, "bulk load")
		}
	}
	if err := b.begin(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return b, nil
}

func (b *Bulk) begin(ctx context.Context) error {
	tx, err := b.conn.BeginTx(ctx, nil)
	if err != nil {
		return translate(err, "bulk load")
	}
	b.tx, b.rows = tx, 0
	return nil
}

func (b *Bulk) commit() error {
	for k, st := range b.stmt {
		st.Close()
		delete(b.stmt, k)
	}
	err := b.tx.Commit()
	b.tx = nil
	return translate(err, "bulk load")
}

// Insert adds rows, each holding a value per column of cols, to table.
func (b *Bulk) Insert(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	b.Counts[table] += int64(len(rows))
	defer func(t time.Time) { b.Times[table] += time.Since(t) }(time.Now())
	if table == "users" {
		var err error
		if cols, err = b.s.withLowered(cols, rows); err != nil {
			return err
		}
	}
	if b.pg != nil {
		return b.copy(ctx, table, cols, rows)
	}
	orgCol, targetCol := slices.Index(cols, "org_id"), -1
	if table == "audit_events" {
		targetCol = slices.Index(cols, "target_id")
	}
	per := min(sqliteRowsPerStmt, sqliteMaxVars/len(cols))
	args := make([]any, 0, per*len(cols))
	for len(rows) > 0 {
		n := min(per, len(rows))
		st, err := b.prepare(ctx, table, cols, n)
		if err != nil {
			return err
		}
		args = args[:0]
		for _, r := range rows[:n] {
			if len(r) != len(cols) {
				return fmt.Errorf("bulk load: a row of %s has %d values for %d columns", table, len(r), len(cols))
			}
			for j, v := range r {
				if s, ok := v.(string); ok && j == targetCol {
					v = auditTarget(s)
				} else if id, ok := v.(iam.ID); ok {
					if j == orgCol {
						if v, err = b.orgSeq(ctx, id); err != nil {
							return err
						}
					} else {
						v = idArg(id)
					}
				}
				args = append(args, v)
			}
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("bulk load of %s: %w", table, err)
		}
		rows = rows[n:]
		b.rows += n
	}
	if b.rows >= sqliteTxRows {
		if err := b.commit(); err != nil {
			return err
		}
		return b.begin(ctx)
	}
	return nil
}

// withLowered appends to cols the loweredCols of the engine, and to each
// row their values, made from its texts.
func (s *Store) withLowered(cols []string, rows [][]any) ([]string, error) {
	var from []int
	for _, l := range userLowered {
		j := slices.Index(cols, l.text)
		if j < 0 || slices.Contains(cols, l.norm) {
			return nil, fmt.Errorf("bulk load of users: the columns need %s, and no %s", l.text, l.norm)
		}
		from = append(from, j)
	}
	for i, r := range rows {
		if len(r) != len(cols) {
			return nil, fmt.Errorf("bulk load: a row of users has %d values for %d columns", len(r), len(cols))
		}
		for _, j := range from {
			text, ok := r[j].(string)
			if !ok {
				return nil, fmt.Errorf("bulk load of users: %s is a %T, not a string", cols[j], r[j])
			}
			r = append(r, lowered(s.dialect, text))
		}
		rows[i] = r
	}
	return append(slices.Clip(cols), loweredCols(s.dialect)...), nil
}

// orgSeq is the seq of organization id, inserted earlier in the load.
func (b *Bulk) orgSeq(ctx context.Context, id iam.ID) (int64, error) {
	if seq, ok := b.orgs[id]; ok {
		return seq, nil
	}
	// Foreign keys are off during the load: a missing organization must
	// fail here, not leave rows that belong to none.
	seq, err := lookupSeq(ctx, b.tx, id)
	if err == nil && seq == 0 {
		err = iam.ErrNotFound("organization")
	}
	if err != nil {
		return 0, fmt.Errorf("bulk load: organization %s: %w", id, err)
	}
	if b.orgs == nil {
		b.orgs = map[iam.ID]int64{}
	}
	b.orgs[id] = seq
	return seq, nil
}

// prepare returns the INSERT of n rows into table, prepared once.
func (b *Bulk) prepare(ctx context.Context, table string, cols []string, n int) (*sql.Stmt, error) {
	key := fmt.Sprintf("%s/%d/%s", table, n, strings.Join(cols, ","))
	if st := b.stmt[key]; st != nil {
		return st, nil
	}
	var q strings.Builder
	q.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	// Positional ? parameters: SQLite binds $n ones by name, which costs
	// a search per parameter in a statement of thousands.
	row := "(?" + strings.Repeat(", ?", len(cols)-1) + ")"
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(row)
	}
	st, err := b.tx.PrepareContext(ctx, q.String())
	if err != nil {
		return nil, fmt.Errorf("bulk load of %s: %w", table, err)
	}
	b.stmt[key] = st
	return st, nil
}

// copy streams rows into table with COPY … FROM STDIN (binary).
func (b *Bulk) copy(ctx context.Context, table string, cols []string, rows [][]any) error {
	for _, r := range rows {
		for j, v := range r {
			if id, ok := v.(iam.ID); ok {
				r[j] = [16]byte(id)
			}
		}
	}
	_, err := b.pg.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("bulk load of %s: %w", table, err)
	}
	return nil
}

// Exec runs one statement (with $n placeholders) in the load.
func (b *Bulk) Exec(ctx context.Context, query string, args ...any) error {
	for i, v := range args {
		if id, ok := v.(iam.ID); ok {
			args[i] = idArg(id)
		}
	}
	var err error
	if b.tx != nil {
		_, err = b.tx.ExecContext(ctx, query, args...)
	} else {
		_, err = b.conn.ExecContext(ctx, query, args...)
	}
	return translate(err, "bulk load")
}

// schemaObject names an index or a trigger ("index", "trigger").
type schemaObject struct{ kind, name string }

// DeferIndexes drops the secondary indexes of tables until Finish, which
// builds them again. An index built once from sorted keys costs a fraction
// of one kept up through a million random inserts, and its pages end full
// rather than about 80 % full. Indexes behind a PRIMARY KEY or UNIQUE
// column constraint stay.
func (b *Bulk) DeferIndexes(ctx context.Context, tables ...string) error {
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = $1`
	if b.pg != nil {
		q = `SELECT i.relname, pg_get_indexdef(i.oid)
			FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
			JOIN pg_namespace n ON n.oid = t.relnamespace
			WHERE n.nspname = current_schema() AND t.relname = $1
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`
	}
	return b.drop(ctx, "index", q, tables)
}

// DeferTriggers drops the triggers of tables until Finish, which creates
// them again. What they would have written the load writes itself (the
// seed fills users.org_roles): run row by row, with the indexes deferred,
// each would scan its table.
func (b *Bulk) DeferTriggers(ctx context.Context, tables ...string) error {
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = $1`
	if b.pg != nil {
		q = `SELECT t.tgname, pg_get_triggerdef(t.oid)
			FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relname = $1 AND NOT t.tgisinternal`
	}
	return b.drop(ctx, "trigger", q, tables)
}

// drop drops the objects of kind on tables that q (name, definition) lists
// and remembers them for rebuild.
func (b *Bulk) drop(ctx context.Context, kind, q string, tables []string) error {
	if b.deferred == nil {
		b.deferred = map[schemaObject]string{}
	}
	for _, table := range tables {
		found := map[string]string{}
		if err := b.query(ctx, found, q, table); err != nil {
			return err
		}
		for name, def := range found {
			stmt := `DROP ` + strings.ToUpper(kind) + ` ` + pgx.Identifier{name}.Sanitize()
			if b.pg != nil && kind == "trigger" {
				stmt += ` ON ` + pgx.Identifier{table}.Sanitize()
			}
			if err := b.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("bulk load: drop %s %s: %w", kind, name, err)
			}
			b.deferred[schemaObject{kind, name}] = def
		}
	}
	return nil
}

// Deferred is the number of indexes DeferIndexes dropped.
func (b *Bulk) Deferred() int {
	n := 0
	for o := range b.deferred {
		if o.kind == "index" {
			n++
		}
	}
	return n
}

// query adds the (name, definition) rows of q to into.
func (b *Bulk) query(ctx context.Context, into map[string]string, q string, args ...any) error {
	var rows *sql.Rows
	var err error
	if b.tx != nil {
		rows, err = b.tx.QueryContext(ctx, q, args...)
	} else {
		rows, err = b.conn.QueryContext(ctx, q, args...)
	}
	if err != nil {
		return translate(err, "bulk load")
	}
	defer rows.Close()
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return translate(err, "bulk load")
		}
		into[name] = def
	}
	return translate(rows.Err(), "bulk load")
}

// rebuild creates the deferred indexes and triggers that do not exist.
func (b *Bulk) rebuild(ctx context.Context) error {
	if len(b.deferred) == 0 {
		return nil
	}
	q := `SELECT type || ' ' || name, '' FROM sqlite_master WHERE type IN ('index', 'trigger')`
	if b.pg != nil {
		q = `SELECT 'index ' || c.relname, '' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind = 'i'
			UNION ALL SELECT 'trigger ' || t.tgname, '' FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
			JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()`
	}
	exists := map[string]string{}
	if err := b.query(ctx, exists, q); err != nil {
		return err
	}
	for o, def := range b.deferred {
		if _, ok := exists[o.kind+" "+o.name]; ok {
			continue
		}
		if err := b.Exec(ctx, def); err != nil {
			return fmt.Errorf("bulk load: create %s %s: %w", o.kind, o.name, err)
		}
	}
	return nil
}

// Finish builds the deferred indexes and triggers, commits the load and
// restores the connection's normal settings; on PostgreSQL it refreshes the
// planner's statistics.
func (b *Bulk) Finish(ctx context.Context) error {
	defer b.conn.Close()
	started := time.Now()
	if err := b.rebuild(ctx); err != nil {
		return err
	}
	b.Indexing = time.Since(started)
	if b.pg != nil {
		var tables []string
		for t := range b.Counts {
			tables = append(tables, pgx.Identifier{t}.Sanitize())
		}
		if len(tables) == 0 {
			return nil
		}
		_, err := b.conn.ExecContext(ctx, `ANALYZE `+strings.Join(tables, ", "))
		return translate(err, "bulk load")
	}
	if err := b.commit(); err != nil {
		return err
	}
	restore := []string{`PRAGMA foreign_keys = ON`, `PRAGMA synchronous = NORMAL`, `PRAGMA cache_size = -2000`}
	if b.wal {
		restore = append(restore, `PRAGMA journal_mode = WAL`)
	}
	for _, p := range restore {
		if _, err := b.conn.ExecContext(ctx, p); err != nil {
			return translate(err, "bulk load")
		}
	}
	return nil
}

// Abort rolls back what the open SQLite transaction holds (COPYs done on
// PostgreSQL stay), creates any deferred index or trigger the rollback did
// not bring back, and releases the connection.
func (b *Bulk) Abort() {
	if b.tx != nil {
		b.tx.Rollback()
		b.tx = nil
	}
	b.rebuild(context.Background())
	b.conn.ExecContext(context.Background(), `PRAGMA foreign_keys = ON`)
	b.conn.Close()
}

// Count is the number of rows in table.
func (s *Store) Count(ctx context.Context, table string) (int64, error) {
	var n int64
	err := s.w.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n)
	return n, translate(err, table)
}

// Size is the database's size on disk in bytes: the SQLite file's pages,
// or the PostgreSQL tables (with their indexes) of the current schema.
func (s *Store) Size(ctx context.Context) (int64, error) {
	var n int64
	var err error
	if s.dialect == "postgres" {
		err = s.w.QueryRowContext(ctx, `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::BIGINT
			FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
			WHERE c.relkind = 'r' AND ns.nspname = current_schema()`).Scan(&n)
	} else {
		err = s.w.QueryRowContext(ctx, `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&n)
	}
	return n, translate(err, "database size")
}
