package sqlstore

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strconv"
)

// OpenMigrated lets the external tests open a store as the internal ones do.
var OpenMigrated = openMigrated

// Statements are the texts the writer and the reader pool have prepared
// so far.
func (s *Store) Statements() []string {
	var all []string
	for _, p := range []*prepared{s.pw, s.pr} {
		p.mu.RLock()
		all = slices.AppendSeq(all, maps.Keys(p.stmts))
		p.mu.RUnlock()
	}
	return all
}

var param = regexp.MustCompile(`\$(\d+)`)

// QueryPlan is SQLite's plan for query, its parameters NULL, one step a
// line.
func (s *Store) QueryPlan(ctx context.Context, query string) ([]string, error) {
	var args []any
	for _, m := range param.FindAllStringSubmatch(query, -1) {
		n, _ := strconv.Atoi(m[1])
		for len(args) < n {
			args = append(args, nil)
		}
	}
	rows, err := s.r.QueryContext(ctx, `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		steps = append(steps, detail)
	}
	return steps, rows.Err()
}

// LoweredCols and Lowered let the benchmarks' data set write a user's
// lower-cased texts as the store does.
var (
	LoweredCols = loweredCols
	Lowered     = lowered
)
