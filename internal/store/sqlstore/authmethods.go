package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

const authMethodCols = `org_id, user_id, method, initialized, enabled, secret, settings, last_step,
	last_login_at, last_login_ip, updated_at`

func (q *queries) scanAuthMethod(row interface{ Scan(...any) error }) (*iam.AuthMethod, error) {
	var m iam.AuthMethod
	var settings string
	var updated int64
	var lastLogin sql.NullInt64
	if err := row.Scan(q.orgScan(&m.OrgID), idScan{&m.UserID}, &m.Method, &m.Initialized, &m.Enabled, &m.Secret,
		&settings, &m.LastStep, &lastLogin, &m.LastLoginIP, &updated); err != nil {
		return nil, err
	}
	m.Settings = json.RawMessage(settings)
	m.LastLoginAt, m.UpdatedAt = fromOptMicros(lastLogin), fromMicros(updated)
	return &m, nil
}

// secretArg stores an empty secret as NULL, which reads back as nil on
// either engine.
func secretArg(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// PutAuthMethod inserts or replaces the user's method; the SELECT makes
// sure the user belongs to the organization. Empty settings are stored as
// an empty object.
func (q *queries) PutAuthMethod(ctx context.Context, m *iam.AuthMethod) error {
	if len(m.Settings) == 0 {
		m.Settings = json.RawMessage("{}")
	}
	res, err := q.w.ExecContext(ctx, `INSERT INTO auth_methods (`+authMethodCols+`)
		SELECT org_id, id, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM users WHERE org_id = $1 AND id = $2
		ON CONFLICT (user_id, method) DO UPDATE SET initialized = excluded.initialized, enabled = excluded.enabled,
			secret = excluded.secret, settings = excluded.settings, last_step = excluded.last_step,
			last_login_at = excluded.last_login_at, last_login_ip = excluded.last_login_ip, updated_at = excluded.updated_at`,
		q.org(ctx, m.OrgID), idArg(m.UserID), m.Method, m.Initialized, m.Enabled, secretArg(m.Secret), string(m.Settings), m.LastStep,
		optMicros(m.LastLoginAt), m.LastLoginIP, micros(m.UpdatedAt))
	return q.touched(res, err, "user")
}

func (q *queries) GetAuthMethod(ctx context.Context, orgID, userID iam.ID, method string) (*iam.AuthMethod, error) {
	m, err := q.scanAuthMethod(q.r.QueryRowContext(ctx, `SELECT `+authMethodCols+` FROM auth_methods
		WHERE org_id = $1 AND user_id = $2 AND method = $3`, q.org(ctx, orgID), idArg(userID), method))
	return m, translate(err, "authentication method")
}

// ListAuthMethods returns the user's methods by name.
func (q *queries) ListAuthMethods(ctx context.Context, orgID, userID iam.ID) ([]*iam.AuthMethod, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+authMethodCols+` FROM auth_methods WHERE org_id = $1 AND user_id = $2
		ORDER BY method`, q.org(ctx, orgID), idArg(userID))
	if err != nil {
		return nil, translate(err, "authentication methods")
	}
	return collect(rows, q.scanAuthMethod, "authentication methods")
}

func (q *queries) DeleteAuthMethod(ctx context.Context, orgID, userID iam.ID, method string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM auth_methods WHERE org_id = $1 AND user_id = $2 AND method = $3`,
		q.org(ctx, orgID), idArg(userID), method)
	return q.touched(res, err, "authentication method")
}

// AdvanceAuthMethodStep moves last_step forward with a compare-and-set, so
// that of two concurrent uses of one TOTP code exactly one succeeds.
func (q *queries) AdvanceAuthMethodStep(ctx context.Context, orgID, userID iam.ID, method string, step int64) (bool, error) {
	res, err := q.w.ExecContext(ctx, `UPDATE auth_methods SET last_step = $4
		WHERE org_id = $1 AND user_id = $2 AND method = $3 AND last_step < $4`,
		q.org(ctx, orgID), idArg(userID), method, step)
	if err = q.touched(res, err, "authentication method"); !iam.IsKind(err, iam.NotFound) {
		return err == nil, err
	}
	found, err := q.exists(ctx, `SELECT 1 FROM auth_methods WHERE org_id = $1 AND user_id = $2 AND method = $3`,
		q.org(ctx, orgID), idArg(userID), method)
	if err != nil {
		return false, translate(err, "authentication method")
	}
	if !found {
		return false, iam.ErrNotFound("authentication method")
	}
	return false, nil
}

func (q *queries) RecordAuthMethodLogin(ctx context.Context, orgID, userID iam.ID, method string, at time.Time, ip string) error {
	res, err := q.w.ExecContext(ctx, `UPDATE auth_methods SET last_login_at = $4, last_login_ip = $5
		WHERE org_id = $1 AND user_id = $2 AND method = $3`, q.org(ctx, orgID), idArg(userID), method, micros(at), ip)
	return q.touched(res, err, "authentication method")
}

// ReplaceRecoveryCodes drops the user's codes, used or not, and stores the
// new ones, in one transaction. A hash given twice is stored once.
func (q *queries) ReplaceRecoveryCodes(ctx context.Context, orgID, userID iam.ID, hashes [][]byte) error {
	return q.atomic(ctx, func(q *queries) error {
		found, err := q.exists(ctx, `SELECT 1 FROM users WHERE org_id = $1 AND id = $2`, q.org(ctx, orgID), idArg(userID))
		if err != nil {
			return translate(err, "user")
		}
		if !found {
			return iam.ErrNotFound("user")
		}
		if _, err := q.w.ExecContext(ctx, `DELETE FROM recovery_codes WHERE org_id = $1 AND user_id = $2`,
			q.org(ctx, orgID), idArg(userID)); err != nil {
			return translate(err, "recovery codes")
		}
		for _, h := range hashes {
			if _, err := q.w.ExecContext(ctx, `INSERT INTO recovery_codes (org_id, user_id, hash, used_at)
				VALUES ($1, $2, $3, NULL) ON CONFLICT (user_id, hash) DO NOTHING`, q.org(ctx, orgID), idArg(userID), h); err != nil {
				return translate(err, "recovery codes")
			}
		}
		return nil
	})
}

// UseRecoveryCode marks the unused code with this hash used, once.
func (q *queries) UseRecoveryCode(ctx context.Context, orgID, userID iam.ID, hash []byte, at time.Time) (bool, error) {
	res, err := q.w.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $4
		WHERE org_id = $1 AND user_id = $2 AND hash = $3 AND used_at IS NULL`, q.org(ctx, orgID), idArg(userID), hash, micros(at))
	if err != nil {
		return false, translate(err, "recovery codes")
	}
	n, err := res.RowsAffected()
	return n > 0, translate(err, "recovery codes")
}

// CountRecoveryCodes counts the user's unused codes.
func (q *queries) CountRecoveryCodes(ctx context.Context, orgID, userID iam.ID) (int, error) {
	var n int
	err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE org_id = $1 AND user_id = $2 AND used_at IS NULL`,
		q.org(ctx, orgID), idArg(userID)).Scan(&n)
	return n, translate(err, "recovery codes")
}
