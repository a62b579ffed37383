package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
)

// searchCols are the lower-cased columns the q search matches a prefix of.
var searchCols = []string{"email_norm", "username_norm", "first_norm", "last_norm", "full_norm"}

// searchWalk is the number of matches from which a q search walks the
// organization in ID order instead of collecting every match: at that
// density a page of matches turns up soon in the walk.
var searchWalk = 2000 // a variable for tests

// searchCond is col's prefix range between the bounds lo and hi, SQL
// expressions.
func searchCond(col, lo, hi string) string {
	cond := col + ` >= ` + lo + ` AND ` + col + ` < ` + hi
	if strings.HasPrefix(col, "username_norm") {
		cond += ` AND username_norm <> ''` // the partial index's condition (harmless in a walk)
	}
	return cond
}

// searchUsers is ListUsers with a q: users matching where over args whose
// lower-cased columns start with text. The columns' (org_id, column) indexes
// answer the range predicates: a rare prefix is the union of five index
// ranges (then sorted by ID), a common one (searchWalk matches or more) a
// walk in ID order that soon fills the page. One statement tries the union
// with each range capped at searchWalk and counts what it gathered: below
// the cap the union was complete and the page stands; at the cap the walk
// runs instead. Only an empty page needs a separate count to tell the two
// apart.
func (q *queries) searchUsers(ctx context.Context, where string, args []any, text string) ([]*iam.User, error) {
	plain := len(args) == 3 // the organization, the cursor and the limit
	lo := strings.ToLower(text)
	hi := lo + "\U0010FFFF"
	args = append(args, lo, hi)
	a, b := fmt.Sprintf("$%d", len(args)-1), fmt.Sprintf("$%d", len(args))
	rows, err := q.r.QueryContext(ctx, q.searchPage(where, a, b, plain), args...)
	if err != nil {
		return nil, translate(err, "users")
	}
	var found int
	users, err := collect(rows, q.userScanner(&found), "users")
	switch {
	case err != nil:
		return nil, err
	case len(users) > 0 && found < searchWalk:
		return users, nil
	case len(users) == 0:
		// No row carried the count: was nothing after the cursor among
		// the matches, or were the ranges cut short?
		var n int
		counts := `SELECT COUNT(*) FROM (` + q.searchMatches(`$1`, `$2`, `$3`) + `) AS m`
		if err := q.r.QueryRowContext(ctx, counts, args[0], lo, hi).Scan(&n); err != nil {
			return nil, translate(err, "users")
		}
		if n < searchWalk {
			return users, nil
		}
	}
	var ors []string
	for _, col := range searchCols {
		// col || '' hides the column's index from the planner, which would
		// otherwise gather and sort every match of a common prefix instead
		// of walking (org_id, id).
		ors = append(ors, `(`+searchCond(col+` || ''`, a, b)+`)`)
	}
	return q.listUsers(ctx, where+` AND (`+strings.Join(ors, ` OR `)+`)`, args)
}

// searchKey is what the union of index ranges gathers: SQLite's secondary
// indexes hold the rowid (seq), PostgreSQL's can give id; either way the
// union reads indexes only.
func (q *queries) searchKey() string {
	if q.s.dialect == "sqlite" {
		return "seq"
	}
	return "id"
}

// searchMatches is the union of the capped index ranges of organization
// org between the bounds from and to, SQL expressions.
func (q *queries) searchMatches(org, from, to string) string {
	arms := make([]string, len(searchCols))
	for i, col := range searchCols {
		cond := `org_id = ` + org
		if q.s.dialect == "sqlite" && (col == "email_norm" || col == "username_norm") {
			// Their indexes lead with the column (org_id second, see
			// migration 0008): unary + keeps SQLite from preferring an
			// (org_id, …) index, which walks the whole organization.
			cond = `+` + cond
		}
		arms[i] = fmt.Sprintf(`SELECT k FROM (SELECT %s AS k FROM users WHERE %s AND %s LIMIT %d) AS a%d`,
			q.searchKey(), cond, searchCond(col, from, to), searchWalk, i)
	}
	return strings.Join(arms, ` UNION `)
}

// searchPage is the statement of a page of the union's matches that also
// meet where, the prefix's bounds in parameters a and b; each row carries
// the number of matches. plain says where is only the organization and the
// cursor ($1 to $3, the bounds $4 and $5).
func (q *queries) searchPage(where, a, b string, plain bool) string {
	// Built afresh, the statement took a fifth of a rare prefix's search.
	k := searchPageKey{where, a, b, plain, searchWalk}
	if stmt, ok := q.s.searchPages.Load(k); ok {
		return stmt.(string)
	}
	stmt := q.buildSearchPage(where, a, b, plain)
	q.s.searchPages.Store(k, stmt)
	return stmt
}

// searchPageKey is what a page statement depends on.
type searchPageKey struct {
	where, a, b string
	plain       bool
	walk        int
}

func (q *queries) buildSearchPage(where, a, b string, plain bool) string {
	if q.s.dialect == "postgres" && plain {
		// The parameters reach the search only through b, out of the
		// planner's sight: each run's plan then costs what the generic one
		// does, and PostgreSQL keeps the generic plan after five runs.
		// Planned for each prefix, the search spent twice its run in the
		// planner. So that the generic plan cannot join every match to
		// users, p takes the page's IDs first.
		return `WITH b AS MATERIALIZED (SELECT $1::uuid AS org, $2::uuid AS after, $3::int AS lim,
			$4::text AS lo, $5::text AS hi),
		m AS MATERIALIZED (` + q.searchMatches(`(SELECT org FROM b)`, `(SELECT lo FROM b)`, `(SELECT hi FROM b)`) + `),
		p AS MATERIALIZED (SELECT k FROM m WHERE k > (SELECT after FROM b) ORDER BY k LIMIT (SELECT lim FROM b))
		SELECT ` + q.userCols() + `, (SELECT COUNT(*) FROM m) FROM users
		WHERE id IN (SELECT k FROM p) AND org_id = (SELECT org FROM b) ORDER BY id`
	}
	if q.s.dialect == "sqlite" {
		// Unary + keeps SQLite from walking (org_id, id) and testing each
		// row against the matches, which costs a scan of the organization:
		// it fetches the few matches by rowid instead.
		where = strings.Replace(where, `org_id = $1 AND id > $2`, `+org_id = $1 AND +id > $2`, 1)
	}
	return `WITH m AS MATERIALIZED (` + q.searchMatches(`$1`, a, b) + `)
		SELECT ` + q.userCols() + `, (SELECT COUNT(*) FROM m) FROM users
		WHERE ` + q.searchKey() + ` IN (SELECT k FROM m) AND ` + where + ` ORDER BY id LIMIT $3`
}
