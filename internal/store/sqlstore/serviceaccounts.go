package sqlstore

import (
	"context"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
)

const serviceAccountCols = `id, org_id, seq, name, description, disabled, created_at, updated_at`

func (q *queries) scanServiceAccount(row interface{ Scan(...any) error }) (*iam.ServiceAccount, error) {
	var sa iam.ServiceAccount
	var created, updated int64
	if err := row.Scan(idScan{&sa.ID}, q.orgScan(&sa.OrgID), &sa.Seq, &sa.Name, &sa.Description, &sa.Disabled,
		&created, &updated); err != nil {
		return nil, err
	}
	sa.CreatedAt, sa.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &sa, nil
}

func (q *queries) CreateServiceAccount(ctx context.Context, sa *iam.ServiceAccount) error {
	err := q.w.QueryRowContext(ctx, `INSERT INTO service_accounts (id, org_id, name, name_norm, description, disabled,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq`,
		idArg(sa.ID), q.org(ctx, sa.OrgID), sa.Name, strings.ToLower(sa.Name), sa.Description, sa.Disabled,
		micros(sa.CreatedAt), micros(sa.UpdatedAt)).Scan(&sa.Seq)
	if iam.IsKind(translate(err, ""), iam.NotFound) {
		return iam.ErrNotFound("organization")
	}
	return translate(err, "service account")
}

func (q *queries) GetServiceAccount(ctx context.Context, orgID, id iam.ID) (*iam.ServiceAccount, error) {
	sa, err := q.scanServiceAccount(q.r.QueryRowContext(ctx, `SELECT `+serviceAccountCols+` FROM service_accounts
		WHERE org_id = $1 AND id = $2`, q.org(ctx, orgID), idArg(id)))
	return sa, translate(err, "service account")
}

func (q *queries) UpdateServiceAccount(ctx context.Context, sa *iam.ServiceAccount) error {
	res, err := q.w.ExecContext(ctx, `UPDATE service_accounts SET name = $3, name_norm = $4, description = $5,
		disabled = $6, updated_at = $7 WHERE org_id = $1 AND id = $2`, q.org(ctx, sa.OrgID), idArg(sa.ID),
		sa.Name, strings.ToLower(sa.Name), sa.Description, sa.Disabled, micros(sa.UpdatedAt))
	return q.touched(res, err, "service account")
}

// DeleteServiceAccount removes the account (its OAuth clients cascade) with
// its API keys, grants (their refresh tokens cascade), memberships and
// bindings, in one transaction.
func (q *queries) DeleteServiceAccount(ctx context.Context, orgID, id iam.ID) error {
	return q.atomic(ctx, func(q *queries) error {
		res, err := q.w.ExecContext(ctx, `DELETE FROM service_accounts WHERE org_id = $1 AND id = $2`, q.org(ctx, orgID), idArg(id))
		if err := q.touched(res, err, "service account"); err != nil {
			return err
		}
		if err := q.forgetCredentials(ctx, orgID, id); err != nil {
			return err
		}
		return q.forgetPrincipal(ctx, orgID, id)
	})
}

func (q *queries) ListServiceAccounts(ctx context.Context, orgID iam.ID, p iam.Page) ([]*iam.ServiceAccount, error) {
	lim, args := q.pageLimit(p.Limit, []any{q.org(ctx, orgID), idArg(p.After)})
	rows, err := q.r.QueryContext(ctx, `SELECT `+serviceAccountCols+` FROM service_accounts
		WHERE org_id = $1 AND id > $2 ORDER BY id`+lim, args...)
	if err != nil {
		return nil, translate(err, "service accounts")
	}
	return collect(rows, q.scanServiceAccount, "service accounts")
}

// forgetCredentials removes a deleted principal's API keys and grants (their
// refresh tokens cascade).
func (q *queries) forgetCredentials(ctx context.Context, orgID, principalID iam.ID) error {
	if _, err := q.w.ExecContext(ctx, `DELETE FROM api_keys WHERE org_id = $1 AND principal_id = $2`,
		q.org(ctx, orgID), idArg(principalID)); err != nil {
		return translate(err, "api keys")
	}
	_, err := q.w.ExecContext(ctx, `DELETE FROM grants WHERE org_id = $1 AND principal_id = $2`,
		q.org(ctx, orgID), idArg(principalID))
	return translate(err, "grants")
}
