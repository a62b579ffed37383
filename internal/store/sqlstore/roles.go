package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
)

const roleCols = `id, org_id, seq, name, description, permissions, created_at, updated_at`

func (q *queries) scanRole(row interface{ Scan(...any) error }) (*iam.Role, error) {
	var r iam.Role
	var perms string
	var created, updated int64
	if err := row.Scan(idScan{&r.ID}, q.orgScan(&r.OrgID), &r.Seq, &r.Name, &r.Description, &perms, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(perms), &r.Permissions); err != nil {
		return nil, fmt.Errorf("role %s: stored permissions: %w", r.ID, err)
	}
	r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &r, nil
}

func permissionsArg(perms []string) string {
	if perms == nil {
		perms = []string{}
	}
	b, _ := json.Marshal(perms)
	return string(b)
}

func (q *queries) CreateRole(ctx context.Context, r *iam.Role) error {
	err := q.w.QueryRowContext(ctx, `INSERT INTO roles (id, org_id, name, name_norm, description, permissions, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq`, idArg(r.ID), q.org(ctx, r.OrgID), r.Name, strings.ToLower(r.Name),
		r.Description, permissionsArg(r.Permissions), micros(r.CreatedAt), micros(r.UpdatedAt)).Scan(&r.Seq)
	return translate(err, "organization")
}

func (q *queries) GetRole(ctx context.Context, orgID, id iam.ID) (*iam.Role, error) {
	r, err := q.scanRole(q.r.QueryRowContext(ctx, `SELECT `+roleCols+` FROM roles WHERE org_id = $1 AND id = $2`,
		q.org(ctx, orgID), idArg(id)))
	return r, translate(err, "role")
}

func (q *queries) UpdateRole(ctx context.Context, r *iam.Role) error {
	res, err := q.w.ExecContext(ctx, `UPDATE roles SET name = $3, name_norm = $4, description = $5, permissions = $6, updated_at = $7
		WHERE org_id = $1 AND id = $2`, q.org(ctx, r.OrgID), idArg(r.ID), r.Name, strings.ToLower(r.Name), r.Description,
		permissionsArg(r.Permissions), micros(r.UpdatedAt))
	return q.touched(res, err, "role")
}

func (q *queries) DeleteRole(ctx context.Context, orgID, id iam.ID) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM roles WHERE org_id = $1 AND id = $2`, q.org(ctx, orgID), idArg(id))
	return q.touched(res, err, "role")
}

func (q *queries) ListRoles(ctx context.Context, orgID iam.ID) ([]*iam.Role, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+roleCols+` FROM roles WHERE org_id = $1 ORDER BY id`, q.org(ctx, orgID))
	if err != nil {
		return nil, translate(err, "roles")
	}
	return collect(rows, q.scanRole, "roles")
}
