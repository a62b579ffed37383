package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

const sessionCols = `id, org_id, user_id, method, ip, user_agent, created_at, last_seen_at, expires_at, revoked_at`

func (q *queries) scanSession(row interface{ Scan(...any) error }) (*iam.Session, error) {
	var s iam.Session
	var created, seen, expires int64
	var revoked sql.NullInt64
	err := row.Scan(idScan{&s.ID}, q.orgScan(&s.OrgID), idScan{&s.UserID}, &s.Method, &s.IP, &s.UserAgent,
		&created, &seen, &expires, &revoked)
	if err != nil {
		return nil, err
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromMicros(created), fromMicros(seen), fromMicros(expires)
	s.RevokedAt = fromOptMicros(revoked)
	return &s, nil
}

// CreateSession stores s; the SELECT makes sure its user belongs to its
// organization.
func (q *queries) CreateSession(ctx context.Context, s *iam.Session) error {
	res, err := q.w.ExecContext(ctx, `INSERT INTO sessions (`+sessionCols+`)
		SELECT $1, org_id, id, $4, $5, $6, $7, $8, $9, $10 FROM users WHERE org_id = $2 AND id = $3`,
		idArg(s.ID), q.org(ctx, s.OrgID), idArg(s.UserID), s.Method, s.IP, s.UserAgent,
		micros(s.CreatedAt), micros(s.LastSeenAt), micros(s.ExpiresAt), optMicros(s.RevokedAt))
	return q.touched(res, err, "user")
}

func (q *queries) GetSession(ctx context.Context, orgID, id iam.ID) (*iam.Session, error) {
	s, err := q.scanSession(q.r.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE org_id = $1 AND id = $2`,
		q.org(ctx, orgID), idArg(id)))
	return s, translate(err, "session")
}

func (q *queries) ListSessions(ctx context.Context, orgID, userID iam.ID) ([]*iam.Session, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE org_id = $1 AND user_id = $2 ORDER BY id`,
		q.org(ctx, orgID), idArg(userID))
	if err != nil {
		return nil, translate(err, "sessions")
	}
	return collect(rows, q.scanSession, "sessions")
}

func (q *queries) TouchSession(ctx context.Context, orgID, id iam.ID, at time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $3 WHERE org_id = $1 AND id = $2`,
		q.org(ctx, orgID), idArg(id), micros(at))
	return q.touched(res, err, "session")
}

// RevokeSession marks the session revoked; revoking it again is no error.
func (q *queries) RevokeSession(ctx context.Context, orgID, id iam.ID, at time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE sessions SET revoked_at = $3 WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL`,
		q.org(ctx, orgID), idArg(id), micros(at))
	if err = q.touched(res, err, "session"); !iam.IsKind(err, iam.NotFound) {
		return err
	}
	found, err := q.exists(ctx, `SELECT 1 FROM sessions WHERE org_id = $1 AND id = $2`, q.org(ctx, orgID), idArg(id))
	if err != nil {
		return translate(err, "session")
	}
	if !found {
		return iam.ErrNotFound("session")
	}
	return nil
}

func (q *queries) RevokeUserSessions(ctx context.Context, orgID, userID iam.ID, at time.Time) ([]iam.ID, error) {
	rows, err := q.w.QueryContext(ctx, `UPDATE sessions SET revoked_at = $3
		WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`, q.org(ctx, orgID), idArg(userID), micros(at))
	if err != nil {
		return nil, translate(err, "sessions")
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (iam.ID, error) {
		var id iam.ID
		return id, row.Scan(idScan{&id})
	}, "sessions")
}
