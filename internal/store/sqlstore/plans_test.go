package sqlstore_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/wardenhq/warden/internal/store/sqlstore"
)

// walkStep matches a plan step that reads a table growing with the users
// whole, or by organization alone: either walks every row of the
// organization.
var walkStep = regexp.MustCompile(`^(SCAN ` + bigTables + `\b|SEARCH ` + bigTables + ` USING .*\(org_id=\?\)$)`)

const bigTables = `(users|passwords|role_bindings|group_members|audit_events|sessions|api_keys|grants|auth_methods)`

// intendedWalks are the statements that walk an organization on purpose.
var intendedWalks = []string{
	"SELECT COUNT(*) FROM users",                                  // counts them all
	"FROM audit_events WHERE org_id = $1 ORDER BY seq DESC LIMIT", // a page from the chain's end
	// A new organization's or a deleted one's foreign keys, checked and
	// cascaded.
	"INSERT INTO orgs ", "DELETE FROM orgs ",
	// No index on target_type: a page walks the chain back to fill itself.
	"FROM audit_events WHERE org_id = $1 AND target_type = $2 ORDER BY seq DESC LIMIT",
}

// checkPlans asks SQLite for the plan of every statement s has prepared
// and checked does not hold yet, and fails on a step that walks an
// organization unless the statement means to. The lookup of a username and
// the deletion of a workspace's bindings did, unseen, until TestSQLite
// checked.
func checkPlans(t *testing.T, s *sqlstore.Store, checked map[string]bool) {
	for _, q := range s.Statements() {
		if checked[q] {
			continue
		}
		checked[q] = true
		steps, err := s.QueryPlan(context.Background(), q)
		if err != nil {
			t.Errorf("EXPLAIN %s: %v", q, err)
			continue
		}
		q = strings.Join(strings.Fields(q), " ")
		for _, step := range steps {
			if walkStep.MatchString(step) && !slices.ContainsFunc(intendedWalks, func(w string) bool {
				return strings.Contains(q, w)
			}) {
				t.Errorf("%s\nplans %q", q, step)
			}
		}
	}
}
