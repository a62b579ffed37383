package sqlstore

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"unique"

	"github.com/wardenhq/warden/internal/iam"
)

const bindingCols = `id, org_id, seq, subject_type, subject_id, role, scope_type, scope_id, created_at`

// bindingScoped is the condition of SQLite's scope index (migration 0012),
// which a query by scope states for SQLite to use it: a binding below its
// organization. An org-scope binding's scope is its own organization.
const bindingScoped = `scope_type <> 'org'`

func (q *queries) scanBinding(row interface{ Scan(...any) error }) (*iam.RoleBinding, error) {
	var b iam.RoleBinding
	var created int64
	if err := row.Scan(idScan{&b.ID}, q.orgScan(&b.OrgID), &b.Seq, &b.SubjectType, idScan{&b.SubjectID}, &b.Role,
		&b.ScopeType, idScan{&b.ScopeID}, &created); err != nil {
		return nil, err
	}
	b.CreatedAt = fromMicros(created)
	// The caches keep bindings by the thousand, and the collector visits
	// each string they hold; these three take a few values each, so every
	// binding shares one copy of each.
	b.SubjectType = unique.Make(b.SubjectType).Value()
	b.Role = unique.Make(b.Role).Value()
	b.ScopeType = unique.Make(b.ScopeType).Value()
	return &b, nil
}

func (q *queries) CreateRoleBinding(ctx context.Context, b *iam.RoleBinding) error {
	err := q.w.QueryRowContext(ctx, `INSERT INTO role_bindings (id, org_id, subject_type, subject_id, role, scope_type, scope_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq`, idArg(b.ID), q.org(ctx, b.OrgID), b.SubjectType, idArg(b.SubjectID),
		b.Role, b.ScopeType, idArg(b.ScopeID), micros(b.CreatedAt)).Scan(&b.Seq)
	if iam.IsKind(translate(err, ""), iam.Conflict) {
		return &iam.Error{Kind: iam.Conflict, Code: "conflict", Message: "this role is already bound to this subject at this scope"}
	}
	return translate(err, "organization")
}

func (q *queries) GetRoleBinding(ctx context.Context, orgID, id iam.ID) (*iam.RoleBinding, error) {
	b, err := q.scanBinding(q.r.QueryRowContext(ctx, `SELECT `+bindingCols+` FROM role_bindings WHERE org_id = $1 AND id = $2`,
		q.org(ctx, orgID), idArg(id)))
	return b, translate(err, "role binding")
}

func (q *queries) DeleteRoleBinding(ctx context.Context, orgID, id iam.ID) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM role_bindings WHERE org_id = $1 AND id = $2`, q.org(ctx, orgID), idArg(id))
	return q.touched(res, err, "role binding")
}

// deleteBindings is the DELETE of the bindings matching where (after
// org_id = $1). A subquery picks them: for a DELETE's own WHERE SQLite reads
// a covering index over the whole organization rather than the partial
// scope index (migration 0012).
func deleteBindings(where string) string {
	return `DELETE FROM role_bindings WHERE org_id = $1 AND id IN (SELECT id FROM role_bindings WHERE ` + where + `)`
}

// bindingWhere turns a filter of organization orgID (stored as org) into a
// WHERE clause after org_id = $1.
func bindingWhere(org any, orgID iam.ID, f iam.BindingFilter) (string, []any) {
	where := `org_id = $1`
	args := []any{org}
	add := func(cond string, v any) {
		args = append(args, v)
		where += fmt.Sprintf(" AND "+cond, len(args))
	}
	if !f.SubjectID.IsZero() {
		add(`subject_id = $%d`, idArg(f.SubjectID))
	}
	if f.Role != "" {
		add(`role = $%d`, f.Role)
	}
	if f.ScopeType != "" {
		add(`scope_type = $%d`, f.ScopeType)
	}
	switch {
	case f.ScopeID.IsZero():
	case f.ScopeID == orgID:
		// Most bindings of an organization are at its scope: SQLite's
		// scope index leaves them out (migration 0012), and they are read
		// in ID order instead.
		add(`scope_type = 'org' AND scope_id = $%d`, idArg(f.ScopeID))
	default:
		add(`scope_id = $%d AND `+bindingScoped, idArg(f.ScopeID))
	}
	return where, args
}

func (q *queries) ListRoleBindings(ctx context.Context, orgID iam.ID, f iam.BindingFilter) ([]*iam.RoleBinding, error) {
	where, args := bindingWhere(q.org(ctx, orgID), orgID, f)
	args = append(args, idArg(f.After))
	after := len(args)
	lim, args := q.pageLimit(f.Limit, args)
	rows, err := q.r.QueryContext(ctx, fmt.Sprintf(`SELECT `+bindingCols+` FROM role_bindings WHERE %s AND id > $%d ORDER BY id`+lim,
		where, after), args...)
	if err != nil {
		return nil, translate(err, "role bindings")
	}
	return collect(rows, q.scanBinding, "role bindings")
}

func (q *queries) DeleteRoleBindings(ctx context.Context, orgID iam.ID, f iam.BindingFilter) ([]*iam.RoleBinding, error) {
	where, args := bindingWhere(q.org(ctx, orgID), orgID, f)
	rows, err := q.w.QueryContext(ctx, deleteBindings(where)+` RETURNING `+bindingCols, args...)
	if err != nil {
		return nil, translate(err, "role bindings")
	}
	return collect(rows, q.scanBinding, "role bindings")
}

// ListPrincipalBindings unions the principal's own bindings with those of
// its groups, for compiling its permission snapshot, in ID order.
func (q *queries) ListPrincipalBindings(ctx context.Context, orgID, principalID iam.ID) ([]*iam.RoleBinding, error) {
	// Each arm probes (org_id, subject_id); the union has no ORDER BY (the
	// bindings are sorted here) because with one SQLite without statistics
	// walks all the organization's bindings in ID order instead.
	rows, err := q.r.QueryContext(ctx, `SELECT `+bindingCols+` FROM role_bindings WHERE org_id = $1 AND subject_id = $2
		UNION ALL SELECT `+bindingCols+` FROM role_bindings WHERE org_id = $1
		AND subject_id IN (SELECT group_id FROM group_members WHERE org_id = $1 AND principal_id = $2)`,
		q.org(ctx, orgID), idArg(principalID))
	if err != nil {
		return nil, translate(err, "role bindings")
	}
	bs, err := collect(rows, q.scanBinding, "role bindings")
	slices.SortFunc(bs, func(a, b *iam.RoleBinding) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	return bs, err
}

func (q *queries) BumpAuthzVersion(ctx context.Context, orgID iam.ID) (int64, error) {
	var v int64
	err := q.w.QueryRowContext(ctx, `UPDATE orgs SET authz_version = authz_version + 1 WHERE id = $1 RETURNING authz_version`,
		idArg(orgID)).Scan(&v)
	return v, translate(err, "organization")
}

func (q *queries) AuthzVersions(ctx context.Context) (map[iam.ID]int64, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT id, authz_version FROM orgs`)
	if err != nil {
		return nil, translate(err, "organizations")
	}
	defer rows.Close()
	out := map[iam.ID]int64{}
	for rows.Next() {
		var id iam.ID
		var v int64
		if err := rows.Scan(idScan{&id}, &v); err != nil {
			return nil, translate(err, "organizations")
		}
		out[id] = v
	}
	return out, translate(rows.Err(), "organizations")
}
