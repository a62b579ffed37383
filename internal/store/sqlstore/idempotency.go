package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

const idemCols = `org_id, principal_id, key, fingerprint, done, status, content_type, location, body, created_at, expires_at`

func (q *queries) scanIdem(row interface{ Scan(...any) error }) (*iam.IdempotentRequest, error) {
	var r iam.IdempotentRequest
	var created, expires int64
	err := row.Scan(q.orgScan(&r.OrgID), idScan{&r.PrincipalID}, &r.Key, &r.Fingerprint, &r.Done, &r.Status,
		&r.ContentType, &r.Location, &r.Body, &created, &expires)
	if err != nil {
		return nil, err
	}
	r.CreatedAt, r.ExpiresAt = fromMicros(created), fromMicros(expires)
	return &r, nil
}

// BeginIdempotent inserts r unless the key is taken; a taken key whose
// record expired by r.CreatedAt is taken over with a compare-and-set, so
// that of two racing retries one runs.
func (q *queries) BeginIdempotent(ctx context.Context, r *iam.IdempotentRequest) (*iam.IdempotentRequest, error) {
	res, err := q.w.ExecContext(ctx, `INSERT INTO idempotent_requests (`+idemCols+`)
		VALUES ($1, $2, $3, $4, $5, 0, '', '', NULL, $6, $7) ON CONFLICT (principal_id, key) DO NOTHING`,
		q.org(ctx, r.OrgID), idArg(r.PrincipalID), r.Key, r.Fingerprint, false, micros(r.CreatedAt), micros(r.ExpiresAt))
	if err != nil {
		return nil, translate(err, "idempotent request")
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return nil, translate(err, "idempotent request")
	}
	old, err := q.scanIdem(q.w.QueryRowContext(ctx, `SELECT `+idemCols+` FROM idempotent_requests
		WHERE principal_id = $1 AND key = $2`, idArg(r.PrincipalID), r.Key))
	if err == sql.ErrNoRows { // removed meanwhile: try once more
		return q.BeginIdempotent(ctx, r)
	}
	if err != nil {
		return nil, translate(err, "idempotent request")
	}
	if old.OrgID != r.OrgID || r.CreatedAt.Before(old.ExpiresAt) {
		return old, iam.E(iam.Conflict, "idempotency_key_taken", "this Idempotency-Key is in use")
	}
	res, err = q.w.ExecContext(ctx, `UPDATE idempotent_requests SET fingerprint = $3, done = $4, status = 0, content_type = '',
		location = '', body = NULL, created_at = $5, expires_at = $6 WHERE principal_id = $1 AND key = $2 AND expires_at = $7`,
		idArg(r.PrincipalID), r.Key, r.Fingerprint, false, micros(r.CreatedAt), micros(r.ExpiresAt), micros(old.ExpiresAt))
	if err != nil {
		return nil, translate(err, "idempotent request")
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return old, iam.E(iam.Conflict, "idempotency_key_taken", "this Idempotency-Key is in use")
	}
	return nil, nil
}

func (q *queries) FinishIdempotent(ctx context.Context, r *iam.IdempotentRequest) error {
	res, err := q.w.ExecContext(ctx, `UPDATE idempotent_requests SET done = $4, status = $5, content_type = $6, location = $7, body = $8
		WHERE org_id = $1 AND principal_id = $2 AND key = $3`,
		q.org(ctx, r.OrgID), idArg(r.PrincipalID), r.Key, true, r.Status, r.ContentType, r.Location, r.Body)
	return q.touched(res, err, "idempotent request")
}

func (q *queries) AbandonIdempotent(ctx context.Context, orgID, principalID iam.ID, key string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM idempotent_requests WHERE org_id = $1 AND principal_id = $2 AND key = $3`,
		q.org(ctx, orgID), idArg(principalID), key)
	return q.touched(res, err, "idempotent request")
}

func (q *queries) SweepIdempotent(ctx context.Context, t time.Time) error {
	_, err := q.w.ExecContext(ctx, `DELETE FROM idempotent_requests WHERE expires_at < $1`, micros(t))
	return translate(err, "idempotent requests")
}
