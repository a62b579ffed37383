package sqlstore

import (
	"context"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
)

const groupCols = `id, org_id, seq, name, description, created_at, updated_at`

func (q *queries) scanGroup(row interface{ Scan(...any) error }) (*iam.Group, error) {
	var g iam.Group
	var created, updated int64
	if err := row.Scan(idScan{&g.ID}, q.orgScan(&g.OrgID), &g.Seq, &g.Name, &g.Description, &created, &updated); err != nil {
		return nil, err
	}
	g.CreatedAt, g.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &g, nil
}

func (q *queries) CreateGroup(ctx context.Context, g *iam.Group) error {
	err := q.w.QueryRowContext(ctx, `INSERT INTO groups (id, org_id, name, name_norm, description, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq`, idArg(g.ID), q.org(ctx, g.OrgID), g.Name, strings.ToLower(g.Name),
		g.Description, micros(g.CreatedAt), micros(g.UpdatedAt)).Scan(&g.Seq)
	return translate(err, "organization")
}

func (q *queries) GetGroup(ctx context.Context, orgID, id iam.ID) (*iam.Group, error) {
	g, err := q.scanGroup(q.r.QueryRowContext(ctx, `SELECT `+groupCols+` FROM groups WHERE org_id = $1 AND id = $2`,
		q.org(ctx, orgID), idArg(id)))
	return g, translate(err, "group")
}

func (q *queries) UpdateGroup(ctx context.Context, g *iam.Group) error {
	res, err := q.w.ExecContext(ctx, `UPDATE groups SET name = $3, name_norm = $4, description = $5, updated_at = $6
		WHERE org_id = $1 AND id = $2`, q.org(ctx, g.OrgID), idArg(g.ID), g.Name, strings.ToLower(g.Name), g.Description, micros(g.UpdatedAt))
	return q.touched(res, err, "group")
}

// DeleteGroup removes the group (its memberships cascade) and its bindings.
func (q *queries) DeleteGroup(ctx context.Context, orgID, id iam.ID) error {
	return q.atomic(ctx, func(q *queries) error {
		res, err := q.w.ExecContext(ctx, `DELETE FROM groups WHERE org_id = $1 AND id = $2`, q.org(ctx, orgID), idArg(id))
		if err := q.touched(res, err, "group"); err != nil {
			return err
		}
		_, err = q.w.ExecContext(ctx, `DELETE FROM role_bindings WHERE org_id = $1 AND subject_id = $2`, q.org(ctx, orgID), idArg(id))
		return translate(err, "role bindings")
	})
}

func (q *queries) ListGroups(ctx context.Context, orgID iam.ID, p iam.Page) ([]*iam.Group, error) {
	lim, args := q.pageLimit(p.Limit, []any{q.org(ctx, orgID), idArg(p.After)})
	rows, err := q.r.QueryContext(ctx, `SELECT `+groupCols+` FROM groups WHERE org_id = $1 AND id > $2 ORDER BY id`+lim, args...)
	if err != nil {
		return nil, translate(err, "groups")
	}
	return collect(rows, q.scanGroup, "groups")
}

// AddGroupMember inserts the membership; the SELECT makes sure the group
// belongs to the organization.
func (q *queries) AddGroupMember(ctx context.Context, m *iam.GroupMember) (bool, error) {
	res, err := q.w.ExecContext(ctx, `INSERT INTO group_members (group_id, org_id, principal_type, principal_id, created_at)
		SELECT id, org_id, $3, $4, $5 FROM groups WHERE org_id = $1 AND id = $2
		ON CONFLICT (group_id, principal_id) DO NOTHING`,
		q.org(ctx, m.OrgID), idArg(m.GroupID), m.PrincipalType, idArg(m.PrincipalID), micros(m.CreatedAt))
	if err != nil {
		return false, translate(err, "group")
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return n > 0, translate(err, "group")
	}
	if _, err := q.GetGroup(ctx, m.OrgID, m.GroupID); err != nil {
		return false, err
	}
	return false, nil
}

func (q *queries) RemoveGroupMember(ctx context.Context, orgID, groupID, principalID iam.ID) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM group_members WHERE org_id = $1 AND group_id = $2 AND principal_id = $3`,
		q.org(ctx, orgID), idArg(groupID), idArg(principalID))
	return q.touched(res, err, "group member")
}

func (q *queries) ListGroupMembers(ctx context.Context, orgID, groupID iam.ID, p iam.Page) ([]*iam.GroupMember, error) {
	lim, args := q.pageLimit(p.Limit, []any{q.org(ctx, orgID), idArg(groupID), idArg(p.After)})
	rows, err := q.r.QueryContext(ctx, `SELECT group_id, org_id, principal_type, principal_id, created_at FROM group_members
		WHERE org_id = $1 AND group_id = $2 AND principal_id > $3 ORDER BY principal_id`+lim, args...)
	if err != nil {
		return nil, translate(err, "group members")
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (*iam.GroupMember, error) {
		var m iam.GroupMember
		var created int64
		if err := row.Scan(idScan{&m.GroupID}, q.orgScan(&m.OrgID), &m.PrincipalType, idScan{&m.PrincipalID}, &created); err != nil {
			return nil, err
		}
		m.CreatedAt = fromMicros(created)
		return &m, nil
	}, "group members")
}

func (q *queries) ListPrincipalGroups(ctx context.Context, orgID, principalID iam.ID) ([]iam.ID, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT group_id FROM group_members WHERE org_id = $1 AND principal_id = $2 ORDER BY group_id`,
		q.org(ctx, orgID), idArg(principalID))
	if err != nil {
		return nil, translate(err, "group members")
	}
	return collect(rows, scanID, "group members")
}

func scanID(row interface{ Scan(...any) error }) (iam.ID, error) {
	var id iam.ID
	return id, row.Scan(idScan{&id})
}

// forgetPrincipal removes a deleted principal's memberships and bindings.
func (q *queries) forgetPrincipal(ctx context.Context, orgID, id iam.ID) error {
	if _, err := q.w.ExecContext(ctx, `DELETE FROM group_members WHERE org_id = $1 AND principal_id = $2`, q.org(ctx, orgID), idArg(id)); err != nil {
		return translate(err, "group members")
	}
	_, err := q.w.ExecContext(ctx, `DELETE FROM role_bindings WHERE org_id = $1 AND subject_id = $2`, q.org(ctx, orgID), idArg(id))
	return translate(err, "role bindings")
}
