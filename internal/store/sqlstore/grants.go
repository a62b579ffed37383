package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

const grantCols = `id, org_id, principal_kind, principal_id, type, client_id, for_client_id, permissions,
	created_at, last_used_at, expires_at, revoked_at`

func (q *queries) scanGrant(row interface{ Scan(...any) error }) (*iam.Grant, error) {
	var g iam.Grant
	var perms string
	var created int64
	var lastUsed, expires, revoked sql.NullInt64
	if err := row.Scan(idScan{&g.ID}, q.orgScan(&g.OrgID), &g.PrincipalKind, idScan{&g.PrincipalID}, &g.Type,
		idScan{&g.ClientID}, &g.ForClientID, &perms, &created, &lastUsed, &expires, &revoked); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(perms), &g.Permissions); err != nil {
		return nil, fmt.Errorf("grant %s: stored permissions: %w", g.ID, err)
	}
	g.CreatedAt = fromMicros(created)
	g.LastUsedAt, g.ExpiresAt, g.RevokedAt = fromOptMicros(lastUsed), fromOptMicros(expires), fromOptMicros(revoked)
	return &g, nil
}

// CreateGrant stores g; the SELECT makes sure its principal belongs to its
// organization. A zero ClientID is stored as NULL.
func (q *queries) CreateGrant(ctx context.Context, g *iam.Grant) error {
	table, what, err := principalTable(g.PrincipalKind)
	if err != nil {
		return err
	}
	var clientID any
	if !g.ClientID.IsZero() {
		clientID = idArg(g.ClientID)
	}
	res, err := q.w.ExecContext(ctx, `INSERT INTO grants (`+grantCols+`)
		SELECT $1, org_id, $3, id, $5, $6, $7, $8, $9, $10, $11, $12 FROM `+table+` WHERE org_id = $2 AND id = $4`,
		idArg(g.ID), q.org(ctx, g.OrgID), string(g.PrincipalKind), idArg(g.PrincipalID), g.Type, clientID, g.ForClientID,
		permissionsArg(g.Permissions), micros(g.CreatedAt), optMicros(g.LastUsedAt), optMicros(g.ExpiresAt),
		optMicros(g.RevokedAt))
	return q.touched(res, err, what)
}

func (q *queries) GetGrant(ctx context.Context, orgID, id iam.ID) (*iam.Grant, error) {
	g, err := q.scanGrant(q.r.QueryRowContext(ctx, `SELECT `+grantCols+` FROM grants WHERE org_id = $1 AND id = $2`,
		q.org(ctx, orgID), idArg(id)))
	return g, translate(err, "grant")
}

// ListGrants returns a principal's grants, revoked ones included, in ID
// order.
func (q *queries) ListGrants(ctx context.Context, orgID, principalID iam.ID) ([]*iam.Grant, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+grantCols+` FROM grants WHERE org_id = $1 AND principal_id = $2 ORDER BY id`,
		q.org(ctx, orgID), idArg(principalID))
	if err != nil {
		return nil, translate(err, "grants")
	}
	return collect(rows, q.scanGrant, "grants")
}

// RevokeGrant revokes the grant once; a revoked or missing grant is
// NotFound.
func (q *queries) RevokeGrant(ctx context.Context, orgID, id iam.ID, at time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE grants SET revoked_at = $3 WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL`,
		q.org(ctx, orgID), idArg(id), micros(at))
	return q.touched(res, err, "grant")
}

func (q *queries) TouchGrant(ctx context.Context, orgID, id iam.ID, at time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE grants SET last_used_at = $3 WHERE org_id = $1 AND id = $2`,
		q.org(ctx, orgID), idArg(id), micros(at))
	return q.touched(res, err, "grant")
}

const refreshTokenCols = `id, org_id, grant_id, secret_hash, created_at, used_at`

func (q *queries) scanRefreshToken(row interface{ Scan(...any) error }) (*iam.RefreshToken, error) {
	var t iam.RefreshToken
	var created int64
	var used sql.NullInt64
	if err := row.Scan(idScan{&t.ID}, q.orgScan(&t.OrgID), idScan{&t.GrantID}, &t.SecretHash, &created, &used); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UsedAt = fromMicros(created), fromOptMicros(used)
	return &t, nil
}

// CreateRefreshToken stores t; the SELECT makes sure its grant belongs to
// its organization.
func (q *queries) CreateRefreshToken(ctx context.Context, t *iam.RefreshToken) error {
	res, err := q.w.ExecContext(ctx, `INSERT INTO refresh_tokens (`+refreshTokenCols+`)
		SELECT $1, org_id, id, $4, $5, $6 FROM grants WHERE org_id = $2 AND id = $3`,
		idArg(t.ID), q.org(ctx, t.OrgID), idArg(t.GrantID), t.SecretHash, micros(t.CreatedAt), optMicros(t.UsedAt))
	return q.touched(res, err, "grant")
}

// FindRefreshToken looks a token up by ID alone, used or not.
func (q *queries) FindRefreshToken(ctx context.Context, id iam.ID) (*iam.RefreshToken, error) {
	t, err := q.scanRefreshToken(q.r.QueryRowContext(ctx, `SELECT `+refreshTokenCols+` FROM refresh_tokens WHERE id = $1`, idArg(id)))
	return t, translate(err, "refresh token")
}

// UseRefreshToken marks the token used with a compare-and-set: of two
// concurrent uses exactly one succeeds, the other is token_reused.
func (q *queries) UseRefreshToken(ctx context.Context, orgID, id iam.ID, at time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE refresh_tokens SET used_at = $3 WHERE org_id = $1 AND id = $2 AND used_at IS NULL`,
		q.org(ctx, orgID), idArg(id), micros(at))
	if err = q.touched(res, err, "refresh token"); !iam.IsKind(err, iam.NotFound) {
		return err
	}
	found, err := q.exists(ctx, `SELECT 1 FROM refresh_tokens WHERE org_id = $1 AND id = $2`, q.org(ctx, orgID), idArg(id))
	if err != nil {
		return translate(err, "refresh token")
	}
	if !found {
		return iam.ErrNotFound("refresh token")
	}
	return &iam.Error{Kind: iam.Conflict, Code: "token_reused", Message: "the refresh token was already used"}
}
