package sqlstore

import (
	"context"

	"github.com/wardenhq/warden/internal/iam"
)

// seqTables maps the kinds IDBySeq resolves to their tables; the map is the
// whitelist that keeps the table name out of the caller's hands.
var seqTables = map[string]string{
	iam.SeqUser:           "users",
	iam.SeqServiceAccount: "service_accounts",
	iam.SeqGroup:          "groups",
	iam.SeqWorkspace:      "workspaces",
	iam.SeqProject:        "projects",
	iam.SeqRole:           "roles",
	iam.SeqAPIKey:         "api_keys",
}

func (q *queries) IDBySeq(ctx context.Context, orgID iam.ID, kind string, seq int64) (iam.ID, error) {
	table, ok := seqTables[kind]
	if !ok {
		return iam.NilID, iam.Errorf(iam.Invalid, "bad_kind", "no numbered objects of kind %q", kind)
	}
	var id iam.ID
	err := q.r.QueryRowContext(ctx, `SELECT id FROM `+table+` WHERE org_id = $1 AND seq = $2`, q.org(ctx, orgID), seq).Scan(idScan{&id})
	return id, translate(err, kind)
}
