package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"github.com/wardenhq/warden/internal/pgtest"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/store/sqlstore"
)

// The store benchmarks run on a data set of one organization whose size
// WARDEN_BENCH_USERS sets (default 10,000, which builds in about a second,
// for CI's -benchtime=100x smoke run). Each engine's data set is built once
// per run, with multi-row inserts, and shared by every benchmark. The big
// run:
//
//	WARDEN_BENCH_USERS=1000000 WARDEN_BENCH_REUSE=1 \
//	WARDEN_TEST_DATABASE_URL=postgres://… go test ./internal/store/sqlstore -run '^$' -bench .
//
// WARDEN_BENCH_REUSE=1 keeps the data sets (a SQLite file in the temporary
// directory, a PostgreSQL schema named warden_bench_<users>) and reuses
// them on the next run, so only the first run pays for building them.
// Every user has an org-scope role binding, so reading a user loads roles.

// benchFirst and benchLast make the users' names: a first name is shared
// by one user in len(benchFirst), so searching for one is a broad prefix.
var (
	benchFirst = []string{"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret",
		"Niklaus", "Radia", "Ken", "Dennis", "Leslie", "Tony", "Shafi", "Silvio", "Whitfield", "Martin", "Robin"}
	benchLast = []string{"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "McCarthy",
		"Hamilton", "Wirth", "Perlman", "Thompson", "Ritchie", "Lamport", "Hoare", "Goldwasser", "Micali",
		"Diffie", "Hellman", "Milner", "Backus", "Naur", "Kay", "Engelbart", "Cerf", "Kahn", "Berners-Lee"}
)

// benchUser describes user i of the data set.
func benchUser(i int) (email, username, first, last string) {
	first, last = benchFirst[i%len(benchFirst)], benchLast[(i/len(benchFirst))%len(benchLast)]
	username = fmt.Sprintf("%c%s%07d", first[0], last, i)
	return strings.ToLower(fmt.Sprintf("%s.%s.%07d@example.com", first, last, i)), username, first, last
}

var benchStart = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// seeded is a store holding one organization's users.
type seeded struct {
	s   *sqlstore.Store
	org iam.ID
	ids []iam.ID // user i's ID; in ascending order, as the store pages them
}

func (st *seeded) email(i int) string { e, _, _, _ := benchUser(i); return e }

func benchUserCount(b *testing.B) int {
	n := 10_000
	if v := os.Getenv("WARDEN_BENCH_USERS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			b.Fatalf("WARDEN_BENCH_USERS=%q: want a number of at least 1000", v)
		}
	}
	return n
}

var (
	benchMu       sync.Mutex
	benchSets     = map[string]*seeded{}
	benchCleanups []func()
)

// TestMain drops the benchmarks' data sets once every benchmark is done.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, f := range benchCleanups {
		f()
	}
	os.Exit(code)
}

// benchEngines runs fn as a sub-benchmark per engine, on that engine's data
// set.
func benchEngines(b *testing.B, fn func(b *testing.B, st *seeded)) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) { fn(b, dataSet(b, engine)) })
	}
}

func dataSet(b *testing.B, engine string) *seeded {
	b.Helper()
	n := benchUserCount(b)
	if engine == "postgres" {
		pgtest.URL(b) // skips without a database
	}
	benchMu.Lock()
	defer benchMu.Unlock()
	if st := benchSets[engine]; st != nil {
		return st
	}
	ctx := context.Background()
	reuse := os.Getenv("WARDEN_BENCH_REUSE") == "1"
	var dsn string
	switch engine {
	case "sqlite":
		dir := os.TempDir()
		if !reuse {
			var err error
			if dir, err = os.MkdirTemp("", "warden-bench-"); err != nil {
				b.Fatal(err)
			}
			benchCleanups = append(benchCleanups, func() { os.RemoveAll(dir) })
		}
		dsn = filepath.Join(dir, fmt.Sprintf("warden-bench-%d.db", n))
	case "postgres":
		dsn = benchSchema(b, fmt.Sprintf("warden_bench_%d", n), reuse)
	}
	s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchCleanups = append(benchCleanups, func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open(map[string]string{"sqlite": "sqlite", "postgres": "pgx"}[engine], dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	st := &seeded{s: s}
	var have int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&have); err != nil {
		b.Fatal(err)
	}
	if have != n {
		if have != 0 {
			b.Fatalf("%s holds %d users, not %d: drop it", dsn, have, n)
		}
		started := time.Now()
		if err := fill(ctx, s, db, engine, n); err != nil {
			b.Fatalf("building the data set: %v", err)
		}
		b.Logf("%s: %d users built in %v", engine, n, time.Since(started).Round(time.Millisecond))
		// As the server's start would: on SQLite this drops the sample
		// statistics fill's ANALYZE left, which no served file keeps.
		if err := s.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.QueryRowContext(ctx, `SELECT id FROM orgs`).Scan(idDest{&st.org}); err != nil {
		b.Fatal(err)
	}
	rows, err := db.QueryContext(ctx, `SELECT id FROM users ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id iam.ID
		if err := rows.Scan(idDest{&id}); err != nil {
			b.Fatal(err)
		}
		st.ids = append(st.ids, id)
	}
	if err := rows.Err(); err != nil || len(st.ids) != n {
		b.Fatalf("read %d user IDs: %v", len(st.ids), err)
	}
	benchSets[engine] = st
	return st
}

// benchSchema creates (or, reusing, finds) a PostgreSQL schema and returns
// the URL of the test database with it as the search path.
func benchSchema(b *testing.B, schema string, reuse bool) string {
	base := pgtest.URL(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	if !reuse {
		r := make([]byte, 4)
		rand.Read(r)
		schema += "_" + hex.EncodeToString(r)
		benchCleanups = append(benchCleanups, func() {
			if db, err := sql.Open("pgx", base); err == nil {
				db.Exec("DROP SCHEMA " + schema + " CASCADE")
				db.Close()
			}
		})
	}
	if _, err := admin.Exec("CREATE SCHEMA IF NOT EXISTS " + schema); err != nil {
		b.Fatalf("create schema: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// fill creates the organization through the store, then its users and
// their role bindings with multi-row inserts in one transaction.
func fill(ctx context.Context, s *sqlstore.Store, db *sql.DB, engine string, n int) error {
	org := &iam.Org{ID: mustID(benchStart), Name: "Bench", CreatedAt: benchStart, UpdatedAt: benchStart}
	if err := s.CreateOrg(ctx, org); err != nil {
		return err
	}
	// What a row's org_id holds: SQLite the organization's seq (migration
	// 9), PostgreSQL its ID.
	var orgKey any = org.ID[:]
	if engine == "sqlite" {
		orgKey = org.Seq
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	const batch = 500
	userCols := append([]string{"id", "org_id", "email", "username", "first_name", "last_name", "full_name", "metadata",
		"disabled", "instance_admin", "version", "created_at", "updated_at"}, sqlstore.LoweredCols(engine)...)
	bindCols := []string{"id", "org_id", "subject_type", "subject_id", "role", "scope_type", "scope_id", "created_at"}
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		var users, binds []any
		for i := lo; i < hi; i++ {
			at := benchStart.Add(time.Duration(i+1) * time.Millisecond)
			id := mustID(at)
			email, username, first, last := benchUser(i)
			full := first + " " + last
			micros := at.UnixMicro()
			users = append(users, id[:], orgKey, email, username, first, last, full, `{"team":"bench"}`,
				false, false, 1, micros, micros)
			for _, text := range []string{email, username, first, last, full} {
				users = append(users, sqlstore.Lowered(engine, text))
			}
			bid := mustID(at)
			binds = append(binds, bid[:], orgKey, "user", id[:], "USER", "org", org.ID[:], micros)
		}
		if _, err := tx.ExecContext(ctx, multiInsert(engine, "users", userCols, hi-lo), users...); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, multiInsert(engine, "role_bindings", bindCols, hi-lo), binds...); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `ANALYZE users`)
	if err == nil {
		_, err = db.ExecContext(ctx, `ANALYZE role_bindings`)
	}
	return err
}

// multiInsert is INSERT INTO table (cols) VALUES (…), … for rows rows.
// SQLite gets ? placeholders: the driver binds $n ones by name, one search
// per parameter, which is quadratic in a statement of thousands.
func multiInsert(engine, table string, cols []string, rows int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
	p := 1
	for r := range rows {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for c := range cols {
			if c > 0 {
				sb.WriteString(", ")
			}
			if engine == "sqlite" {
				sb.WriteByte('?')
			} else {
				fmt.Fprintf(&sb, "$%d", p)
			}
			p++
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

func mustID(at time.Time) iam.ID {
	id, err := iam.NewID(at, rand.Reader)
	if err != nil {
		panic(err)
	}
	return id
}

// idDest scans an ID as SQLite (16 bytes) or pgx (a dashed string) gives it.
type idDest struct{ id *iam.ID }

func (d idDest) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		if len(v) == 16 {
			copy(d.id[:], v)
			return nil
		}
		return d.Scan(string(v))
	case string:
		id, err := iam.ParseID(v)
		*d.id = id
		return err
	}
	return fmt.Errorf("cannot scan %T as an ID", src)
}

func BenchmarkGetUser(b *testing.B) {
	benchEngines(b, func(b *testing.B, st *seeded) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			u, err := st.s.GetUser(ctx, st.org, st.ids[mrand.IntN(len(st.ids))])
			if err != nil || len(u.Roles) != 1 {
				b.Fatalf("%v, %v", u, err)
			}
		}
	})
}

func BenchmarkGetUserByEmail(b *testing.B) {
	benchEngines(b, func(b *testing.B, st *seeded) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			f := iam.UserFilter{Email: st.email(mrand.IntN(len(st.ids))), Page: iam.Page{Limit: 1}}
			if list, err := st.s.ListUsers(ctx, st.org, f); err != nil || len(list) != 1 {
				b.Fatalf("found %d, %v", len(list), err)
			}
		}
	})
}

// BenchmarkListUsersPage reads a page of 100 after a random cursor, at any
// depth.
func BenchmarkListUsersPage(b *testing.B) {
	benchEngines(b, func(b *testing.B, st *seeded) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			// A cursor early enough that every page is full.
			after := st.ids[mrand.IntN(len(st.ids)-100)]
			f := iam.UserFilter{Page: iam.Page{After: after, Limit: 100}}
			list, err := st.s.ListUsers(ctx, st.org, f)
			if err != nil || len(list) != 100 || len(list[99].Roles) != 1 {
				b.Fatalf("page of %d, %v", len(list), err)
			}
		}
	})
}

// BenchmarkSearchUsers runs the q search (a prefix of email, username,
// first, last or full name) for a prefix one user has (the case where
// walking the organization in ID order finds nothing early), for a whole
// email, and for a first name one user in twenty has.
func BenchmarkSearchUsers(b *testing.B) {
	cases := []struct {
		name  string
		q     func(i int) string
		found func(n int) bool
	}{
		{"unique-prefix", func(i int) string { e, _, _, _ := benchUser(i); return e[:len(e)-len("@example.com")] },
			func(n int) bool { return n == 1 }},
		{"exact-email", func(i int) string { e, _, _, _ := benchUser(i); return strings.ToUpper(e) },
			func(n int) bool { return n == 1 }},
		{"broad-prefix", func(i int) string { return strings.ToLower(benchFirst[i%len(benchFirst)]) },
			func(n int) bool { return n == 50 }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			benchEngines(b, func(b *testing.B, st *seeded) {
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					f := iam.UserFilter{Q: c.q(mrand.IntN(len(st.ids))), Page: iam.Page{Limit: 50}}
					if list, err := st.s.ListUsers(ctx, st.org, f); err != nil || !c.found(len(list)) {
						b.Fatalf("q=%s found %d, %v", f.Q, len(list), err)
					}
				}
			})
		})
	}
}
