package sqlstore

import (
	"context"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

func (q *queries) CreateSigningKey(ctx context.Context, k *iam.SigningKey) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO signing_keys (id, algorithm, public_key, sealed_private, created_at, retire_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, k.ID, k.Algorithm, k.PublicKey, k.SealedPrivate,
		micros(k.CreatedAt), micros(k.RetireAt), micros(k.ExpiresAt))
	return translate(err, "signing key")
}

func (q *queries) ListSigningKeys(ctx context.Context) ([]*iam.SigningKey, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT id, algorithm, public_key, sealed_private, created_at, retire_at, expires_at
		FROM signing_keys ORDER BY created_at`)
	if err != nil {
		return nil, translate(err, "signing keys")
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (*iam.SigningKey, error) {
		var k iam.SigningKey
		var created, retire, expires int64
		if err := row.Scan(&k.ID, &k.Algorithm, &k.PublicKey, &k.SealedPrivate, &created, &retire, &expires); err != nil {
			return nil, err
		}
		k.CreatedAt, k.RetireAt, k.ExpiresAt = fromMicros(created), fromMicros(retire), fromMicros(expires)
		return &k, nil
	}, "signing keys")
}

func (q *queries) DeleteSigningKeysExpiredBefore(ctx context.Context, t time.Time) error {
	_, err := q.w.ExecContext(ctx, `DELETE FROM signing_keys WHERE expires_at < $1`, micros(t))
	return translate(err, "signing keys")
}
