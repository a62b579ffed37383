package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

const oauthClientCols = `id, org_id, service_account_id, name, secret_hash, allow_password, created_at, revoked_at`

func (q *queries) scanOAuthClient(row interface{ Scan(...any) error }) (*iam.OAuthClient, error) {
	var c iam.OAuthClient
	var created int64
	var revoked sql.NullInt64
	if err := row.Scan(idScan{&c.ID}, q.orgScan(&c.OrgID), idScan{&c.ServiceAccountID}, &c.Name, &c.SecretHash,
		&c.AllowPassword, &created, &revoked); err != nil {
		return nil, err
	}
	c.CreatedAt, c.RevokedAt = fromMicros(created), fromOptMicros(revoked)
	return &c, nil
}

// CreateOAuthClient stores c; the SELECT makes sure its service account (if
// any) belongs to its organization.
func (q *queries) CreateOAuthClient(ctx context.Context, c *iam.OAuthClient) error {
	args := []any{idArg(c.ID), q.org(ctx, c.OrgID), c.Name, c.SecretHash, c.AllowPassword,
		micros(c.CreatedAt), optMicros(c.RevokedAt)}
	if c.ServiceAccountID.IsZero() {
		res, err := q.w.ExecContext(ctx, `INSERT INTO oauth_clients (`+oauthClientCols+`)
			SELECT $1, $2, NULL, $3, $4, $5, $6, $7 FROM orgs WHERE id = $8`, append(args, idArg(c.OrgID))...)
		return q.touched(res, err, "organization")
	}
	res, err := q.w.ExecContext(ctx, `INSERT INTO oauth_clients (`+oauthClientCols+`)
		SELECT $1, org_id, id, $3, $4, $5, $6, $7 FROM service_accounts WHERE org_id = $2 AND id = $8`,
		append(args, idArg(c.ServiceAccountID))...)
	return q.touched(res, err, "service account")
}

// FindOAuthClient looks a client up by its client_id alone, revoked or not.
func (q *queries) FindOAuthClient(ctx context.Context, id iam.ID) (*iam.OAuthClient, error) {
	c, err := q.scanOAuthClient(q.r.QueryRowContext(ctx, `SELECT `+oauthClientCols+` FROM oauth_clients WHERE id = $1`, idArg(id)))
	return c, translate(err, "oauth client")
}

// ListOAuthClients returns the clients of a service account, or with the
// zero ID the organization's first-party clients, revoked ones included,
// in ID order.
func (q *queries) ListOAuthClients(ctx context.Context, orgID, serviceAccountID iam.ID) ([]*iam.OAuthClient, error) {
	query := `SELECT ` + oauthClientCols + ` FROM oauth_clients WHERE org_id = $1 AND service_account_id = $2 ORDER BY id`
	args := []any{q.org(ctx, orgID), idArg(serviceAccountID)}
	if serviceAccountID.IsZero() {
		query = `SELECT ` + oauthClientCols + ` FROM oauth_clients WHERE org_id = $1 AND service_account_id IS NULL ORDER BY id`
		args = args[:1]
	}
	rows, err := q.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err, "oauth clients")
	}
	return collect(rows, q.scanOAuthClient, "oauth clients")
}

// RevokeOAuthClient revokes the client once; a revoked or missing client is
// NotFound.
func (q *queries) RevokeOAuthClient(ctx context.Context, orgID, id iam.ID, at time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE oauth_clients SET revoked_at = $3 WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL`,
		q.org(ctx, orgID), idArg(id), micros(at))
	return q.touched(res, err, "oauth client")
}
