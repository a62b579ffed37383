package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

const smsCodeCols = `id, org_id, user_id, purpose, token_suffix, sealed_code, attempts, created_at, expires_at, used_at`

func (q *queries) scanSMSCode(row interface{ Scan(...any) error }) (*iam.SMSCode, error) {
	var c iam.SMSCode
	var created, expires int64
	var used sql.NullInt64
	if err := row.Scan(idScan{&c.ID}, q.orgScan(&c.OrgID), idScan{&c.UserID}, &c.Purpose, &c.TokenSuffix, &c.SealedCode,
		&c.Attempts, &created, &expires, &used); err != nil {
		return nil, err
	}
	c.CreatedAt, c.ExpiresAt, c.UsedAt = fromMicros(created), fromMicros(expires), fromOptMicros(used)
	return &c, nil
}

// CreateSMSCode stores c; the SELECT makes sure the user belongs to the
// organization.
func (q *queries) CreateSMSCode(ctx context.Context, c *iam.SMSCode) error {
	res, err := q.w.ExecContext(ctx, `INSERT INTO sms_codes (`+smsCodeCols+`)
		SELECT $1, org_id, id, $4, $5, $6, $7, $8, $9, $10 FROM users WHERE org_id = $2 AND id = $3`,
		idArg(c.ID), q.org(ctx, c.OrgID), idArg(c.UserID), c.Purpose, c.TokenSuffix, c.SealedCode, c.Attempts,
		micros(c.CreatedAt), micros(c.ExpiresAt), optMicros(c.UsedAt))
	return q.touched(res, err, "user")
}

func (q *queries) GetPendingSMSCode(ctx context.Context, orgID, userID iam.ID, tokenSuffix string, now time.Time) (*iam.SMSCode, error) {
	c, err := q.scanSMSCode(q.r.QueryRowContext(ctx, `SELECT `+smsCodeCols+` FROM sms_codes
		WHERE org_id = $1 AND user_id = $2 AND token_suffix = $3 AND used_at IS NULL AND expires_at > $4`,
		q.org(ctx, orgID), idArg(userID), tokenSuffix, micros(now)))
	return c, translate(err, "SMS code")
}

// LatestPendingSMSCode returns the newest pending code; IDs are time
// ordered, so the ID breaks ties of one microsecond.
func (q *queries) LatestPendingSMSCode(ctx context.Context, orgID, userID iam.ID, purpose string, now time.Time) (*iam.SMSCode, error) {
	c, err := q.scanSMSCode(q.r.QueryRowContext(ctx, `SELECT `+smsCodeCols+` FROM sms_codes
		WHERE org_id = $1 AND user_id = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $4
		ORDER BY created_at DESC, id DESC LIMIT 1`,
		q.org(ctx, orgID), idArg(userID), purpose, micros(now)))
	return c, translate(err, "SMS code")
}

// RecordSMSCodeAttempt counts an attempt with a compare-and-set on the
// count, so that concurrent attempts cannot exceed max together.
func (q *queries) RecordSMSCodeAttempt(ctx context.Context, orgID, id iam.ID, max int) (bool, error) {
	res, err := q.w.ExecContext(ctx, `UPDATE sms_codes SET attempts = attempts + 1
		WHERE org_id = $1 AND id = $2 AND used_at IS NULL AND attempts < $3`, q.org(ctx, orgID), idArg(id), max)
	return q.changedSMSCode(ctx, res, err, orgID, id)
}

// UseSMSCode sets used_at once: of two concurrent uses exactly one wins.
func (q *queries) UseSMSCode(ctx context.Context, orgID, id iam.ID, at time.Time) (bool, error) {
	res, err := q.w.ExecContext(ctx, `UPDATE sms_codes SET used_at = $3
		WHERE org_id = $1 AND id = $2 AND used_at IS NULL`, q.org(ctx, orgID), idArg(id), micros(at))
	return q.changedSMSCode(ctx, res, err, orgID, id)
}

// changedSMSCode tells a lost compare-and-set (false) from a code that
// does not exist in the organization (NotFound).
func (q *queries) changedSMSCode(ctx context.Context, res sql.Result, err error, orgID, id iam.ID) (bool, error) {
	if err = q.touched(res, err, "SMS code"); !iam.IsKind(err, iam.NotFound) {
		return err == nil, err
	}
	found, err := q.exists(ctx, `SELECT 1 FROM sms_codes WHERE org_id = $1 AND id = $2`, q.org(ctx, orgID), idArg(id))
	if err != nil {
		return false, translate(err, "SMS code")
	}
	if !found {
		return false, iam.ErrNotFound("SMS code")
	}
	return false, nil
}
