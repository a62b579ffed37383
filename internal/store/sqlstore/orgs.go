package sqlstore

import (
	"context"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
)

const orgCols = `id, seq, name, created_at, updated_at`

func scanOrg(row interface{ Scan(...any) error }) (*iam.Org, error) {
	var o iam.Org
	var created, updated int64
	if err := row.Scan(idScan{&o.ID}, &o.Seq, &o.Name, &created, &updated); err != nil {
		return nil, err
	}
	o.CreatedAt, o.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &o, nil
}

// CreateOrg inserts the organization and the head of its audit chain.
func (q *queries) CreateOrg(ctx context.Context, o *iam.Org) error {
	return q.atomic(ctx, func(q *queries) error {
		err := q.w.QueryRowContext(ctx, `INSERT INTO orgs (id, name, name_norm, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING seq`,
			idArg(o.ID), o.Name, strings.ToLower(o.Name), micros(o.CreatedAt), micros(o.UpdatedAt)).Scan(&o.Seq)
		if err != nil {
			return translate(err, "organization")
		}
		if q.s.orgs != nil {
			q.tx.remember(o.ID, o.Seq)
		}
		_, err = q.w.ExecContext(ctx, `INSERT INTO audit_heads (org_id, seq, hash) VALUES ($1, 0, $2)`, q.org(ctx, o.ID), []byte{})
		return translate(err, "audit head")
	})
}

func (q *queries) GetOrg(ctx context.Context, id iam.ID) (*iam.Org, error) {
	o, err := scanOrg(q.r.QueryRowContext(ctx, `SELECT `+orgCols+` FROM orgs WHERE id = $1`, idArg(id)))
	return o, translate(err, "organization")
}

func (q *queries) UpdateOrg(ctx context.Context, o *iam.Org) error {
	res, err := q.w.ExecContext(ctx, `UPDATE orgs SET name = $2, name_norm = $3, updated_at = $4 WHERE id = $1`,
		idArg(o.ID), o.Name, strings.ToLower(o.Name), micros(o.UpdatedAt))
	return q.touched(res, err, "organization")
}

// DeleteOrg removes the organization; foreign keys cascade to everything in it.
func (q *queries) DeleteOrg(ctx context.Context, id iam.ID) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM orgs WHERE id = $1`, idArg(id))
	if q.s.orgs != nil {
		q.s.orgs.forget(id)
	}
	return q.touched(res, err, "organization")
}

func (q *queries) ListOrgs(ctx context.Context, p iam.Page) ([]*iam.Org, error) {
	lim, args := q.pageLimit(p.Limit, []any{idArg(p.After)})
	rows, err := q.r.QueryContext(ctx, `SELECT `+orgCols+` FROM orgs WHERE id > $1 ORDER BY id`+lim, args...)
	if err != nil {
		return nil, translate(err, "organizations")
	}
	return collect(rows, scanOrg, "organizations")
}

// touched turns the result of an UPDATE or DELETE by key into NotFound when
// no row matched.
func (q *queries) touched(res interface{ RowsAffected() (int64, error) }, err error, what string) error {
	if err != nil {
		return translate(err, what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return translate(err, what)
	}
	if n == 0 {
		return iam.ErrNotFound(what)
	}
	return nil
}

// collect scans every row with scan.
func collect[T any](rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}, scan func(interface{ Scan(...any) error }) (T, error), what string) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, translate(err, what)
		}
		out = append(out, v)
	}
	return out, translate(rows.Err(), what)
}
