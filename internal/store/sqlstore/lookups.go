package sqlstore

import (
	"context"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
)

func (q *queries) FindOrgByName(ctx context.Context, name string) (*iam.Org, error) {
	o, err := scanOrg(q.r.QueryRowContext(ctx, `SELECT `+orgCols+` FROM orgs WHERE name_norm = $1`, strings.ToLower(name)))
	return o, translate(err, "organization")
}

func (q *queries) UserIDByUsername(ctx context.Context, orgID iam.ID, name string) (iam.ID, error) {
	var id iam.ID
	norm := strings.ToLower(name)
	if norm == "" {
		return iam.NilID, iam.ErrNotFound("user")
	}
	// username_norm <> '' is the partial index's condition: without it
	// SQLite cannot use that index and walks the organization instead.
	err := q.r.QueryRowContext(ctx, `SELECT id FROM users WHERE org_id = $1 AND username_norm = $2
		AND username_norm <> ''`, q.org(ctx, orgID), norm).Scan(idScan{&id})
	return id, translate(err, "user")
}

// FindUserAPIKeyID joins the key to its owner: one indexed lookup by the
// key's number, checked against the owner's.
func (q *queries) FindUserAPIKeyID(ctx context.Context, userSeq, keySeq int64) (iam.ID, error) {
	var id iam.ID
	err := q.r.QueryRowContext(ctx, `SELECT k.id FROM api_keys k
		JOIN users u ON u.org_id = k.org_id AND u.id = k.principal_id
		WHERE k.seq = $1 AND k.principal_kind = $2 AND u.seq = $3`,
		keySeq, string(iam.KindUser), userSeq).Scan(idScan{&id})
	return id, translate(err, "api key")
}
