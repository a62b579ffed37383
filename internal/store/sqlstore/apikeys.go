package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

const apiKeyCols = `id, org_id, seq, principal_kind, principal_id, secret_hash, description, valid_sources, permissions,
	created_at, expires_at, last_used_at, last_used_from, revoked_at`

func (q *queries) scanAPIKey(row interface{ Scan(...any) error }) (*iam.APIKey, error) {
	var k iam.APIKey
	var sources, perms string
	var created int64
	var expires, lastUsed, revoked sql.NullInt64
	if err := row.Scan(idScan{&k.ID}, q.orgScan(&k.OrgID), &k.Seq, &k.PrincipalKind, idScan{&k.PrincipalID}, &k.SecretHash,
		&k.Description, &sources, &perms, &created, &expires, &lastUsed, &k.LastUsedFrom, &revoked); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(sources), &k.ValidSources); err != nil {
		return nil, fmt.Errorf("api key %s: stored sources: %w", k.ID, err)
	}
	if err := json.Unmarshal([]byte(perms), &k.Permissions); err != nil {
		return nil, fmt.Errorf("api key %s: stored permissions: %w", k.ID, err)
	}
	k.CreatedAt = fromMicros(created)
	k.ExpiresAt, k.LastUsedAt, k.RevokedAt = fromOptMicros(expires), fromOptMicros(lastUsed), fromOptMicros(revoked)
	return &k, nil
}

// principalTable is the table holding principals of a kind, and what a
// missing one is called.
func principalTable(kind iam.PrincipalKind) (table, what string, err error) {
	switch kind {
	case iam.KindUser:
		return "users", "user", nil
	case iam.KindServiceAccount:
		return "service_accounts", "service account", nil
	}
	return "", "", iam.E(iam.Invalid, "invalid_principal", fmt.Sprintf("credentials cannot belong to a principal of kind %q", kind))
}

// CreateAPIKey stores k and sets k.Seq; the SELECT makes sure its principal
// belongs to its organization.
func (q *queries) CreateAPIKey(ctx context.Context, k *iam.APIKey) error {
	table, what, err := principalTable(k.PrincipalKind)
	if err != nil {
		return err
	}
	err = q.w.QueryRowContext(ctx, `INSERT INTO api_keys (id, org_id, principal_kind, principal_id, secret_hash,
		description, valid_sources, permissions, created_at, expires_at, last_used_at, last_used_from, revoked_at)
		SELECT $1, org_id, $3, id, $5, $6, $7, $8, $9, $10, $11, $12, $13 FROM `+table+` WHERE org_id = $2 AND id = $4
		RETURNING seq`, idArg(k.ID), q.org(ctx, k.OrgID), string(k.PrincipalKind), idArg(k.PrincipalID), k.SecretHash,
		k.Description, permissionsArg(k.ValidSources), permissionsArg(k.Permissions), micros(k.CreatedAt),
		optMicros(k.ExpiresAt), optMicros(k.LastUsedAt), k.LastUsedFrom, optMicros(k.RevokedAt)).Scan(&k.Seq)
	return translate(err, what)
}

func (q *queries) GetAPIKey(ctx context.Context, orgID, id iam.ID) (*iam.APIKey, error) {
	k, err := q.scanAPIKey(q.r.QueryRowContext(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE org_id = $1 AND id = $2`,
		q.org(ctx, orgID), idArg(id)))
	return k, translate(err, "api key")
}

// FindAPIKey looks a key up by ID alone, to authenticate it.
func (q *queries) FindAPIKey(ctx context.Context, id iam.ID) (*iam.APIKey, error) {
	k, err := q.scanAPIKey(q.r.QueryRowContext(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE id = $1`, idArg(id)))
	return k, translate(err, "api key")
}

// ListAPIKeys returns a principal's keys, revoked ones included, oldest
// first.
func (q *queries) ListAPIKeys(ctx context.Context, orgID, principalID iam.ID) ([]*iam.APIKey, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE org_id = $1 AND principal_id = $2
		ORDER BY seq`, q.org(ctx, orgID), idArg(principalID))
	if err != nil {
		return nil, translate(err, "api keys")
	}
	return collect(rows, q.scanAPIKey, "api keys")
}

func (q *queries) RenewAPIKey(ctx context.Context, orgID, id iam.ID, expiresAt *time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE api_keys SET expires_at = $3 WHERE org_id = $1 AND id = $2`,
		q.org(ctx, orgID), idArg(id), optMicros(expiresAt))
	return q.touched(res, err, "api key")
}

// RevokeAPIKey revokes the key once; a revoked or missing key is NotFound.
func (q *queries) RevokeAPIKey(ctx context.Context, orgID, id iam.ID, at time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE api_keys SET revoked_at = $3 WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL`,
		q.org(ctx, orgID), idArg(id), micros(at))
	return q.touched(res, err, "api key")
}

func (q *queries) TouchAPIKey(ctx context.Context, orgID, id iam.ID, at time.Time, from string) error {
	res, err := q.w.ExecContext(ctx, `UPDATE api_keys SET last_used_at = $3, last_used_from = $4 WHERE org_id = $1 AND id = $2`,
		q.org(ctx, orgID), idArg(id), micros(at), from)
	return q.touched(res, err, "api key")
}
