package sqlstore

import (
	"context"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

const passwordPolicyCols = `org_id, min_length, max_length, blocklist, history, max_age_days, updated_at`

// GetPasswordPolicy returns the organization's policy; NotFound means it
// keeps the defaults.
func (q *queries) GetPasswordPolicy(ctx context.Context, orgID iam.ID) (*iam.PasswordPolicy, error) {
	var p iam.PasswordPolicy
	var updated int64
	err := q.r.QueryRowContext(ctx, `SELECT `+passwordPolicyCols+` FROM password_policies WHERE org_id = $1`, q.org(ctx, orgID)).
		Scan(q.orgScan(&p.OrgID), &p.MinLength, &p.MaxLength, &p.Blocklist, &p.History, &p.MaxAgeDays, &updated)
	if err != nil {
		return nil, translate(err, "password policy")
	}
	p.UpdatedAt = fromMicros(updated)
	return &p, nil
}

// PutPasswordPolicy inserts or replaces the organization's policy.
func (q *queries) PutPasswordPolicy(ctx context.Context, p *iam.PasswordPolicy) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO password_policies (`+passwordPolicyCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (org_id) DO UPDATE SET min_length = excluded.min_length, max_length = excluded.max_length,
			blocklist = excluded.blocklist, history = excluded.history, max_age_days = excluded.max_age_days,
			updated_at = excluded.updated_at`,
		q.org(ctx, p.OrgID), p.MinLength, p.MaxLength, p.Blocklist, p.History, p.MaxAgeDays, micros(p.UpdatedAt))
	if iam.IsKind(translate(err, ""), iam.NotFound) {
		return iam.ErrNotFound("organization")
	}
	return translate(err, "password policy")
}

// SetPassword stores a newly chosen password: the hash and when it was
// chosen, and one more entry of history, in one transaction. The SELECT
// makes sure the user belongs to the organization.
func (q *queries) SetPassword(ctx context.Context, orgID, userID iam.ID, hash string, at time.Time) error {
	return q.atomic(ctx, func(q *queries) error {
		res, err := q.w.ExecContext(ctx, `INSERT INTO passwords (user_id, org_id, hash, changed_at)
			SELECT id, org_id, $3, $4 FROM users WHERE org_id = $1 AND id = $2
			ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, changed_at = excluded.changed_at`,
			q.org(ctx, orgID), idArg(userID), hash, micros(at))
		if err := q.touched(res, err, "user"); err != nil {
			return err
		}
		_, err = q.w.ExecContext(ctx, `INSERT INTO password_history (org_id, user_id, hash, set_at) VALUES ($1, $2, $3, $4)`,
			q.org(ctx, orgID), idArg(userID), hash, micros(at))
		return translate(err, "password history")
	})
}

// PasswordHistory returns the user's last n chosen hashes, newest first.
func (q *queries) PasswordHistory(ctx context.Context, orgID, userID iam.ID, n int) ([]string, error) {
	if n <= 0 {
		return []string{}, nil
	}
	rows, err := q.r.QueryContext(ctx, `SELECT hash FROM password_history WHERE org_id = $1 AND user_id = $2
		ORDER BY seq DESC LIMIT $3`, q.org(ctx, orgID), idArg(userID), n)
	if err != nil {
		return nil, translate(err, "password history")
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (string, error) {
		var h string
		return h, row.Scan(&h)
	}, "password history")
}

// PasswordChangedAt is when the user last chose a password; NotFound if
// never (no password, or only an imported or rehashed one).
func (q *queries) PasswordChangedAt(ctx context.Context, orgID, userID iam.ID) (time.Time, error) {
	var at int64
	err := q.r.QueryRowContext(ctx, `SELECT changed_at FROM passwords WHERE org_id = $1 AND user_id = $2`,
		q.org(ctx, orgID), idArg(userID)).Scan(&at)
	if err != nil {
		return time.Time{}, translate(err, "password")
	}
	if at == 0 {
		return time.Time{}, iam.ErrNotFound("password")
	}
	return fromMicros(at), nil
}
