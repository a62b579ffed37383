package sqlstore

import (
	"context"
	"database/sql"

	"github.com/wardenhq/warden/internal/iam"
)

const externalAuthCols = `org_id, user_id, service, service_user, access_token, access_secret, display_name,
	token_expires, secret_expires, created_at, updated_at`

func (q *queries) scanExternalAuth(row interface{ Scan(...any) error }) (*iam.ExternalAuth, error) {
	var a iam.ExternalAuth
	var created, updated int64
	var tokenExp, secretExp sql.NullInt64
	if err := row.Scan(q.orgScan(&a.OrgID), idScan{&a.UserID}, &a.Service, &a.ServiceUser, &a.SealedToken, &a.SealedSecret,
		&a.DisplayName, &tokenExp, &secretExp, &created, &updated); err != nil {
		return nil, err
	}
	if len(a.SealedSecret) == 0 {
		a.SealedSecret = nil
	}
	a.TokenExpires, a.SecretExpires = fromOptMicros(tokenExp), fromOptMicros(secretExp)
	a.CreatedAt, a.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &a, nil
}

// PutExternalAuth inserts or replaces the user's authentication of a
// service; the SELECT makes sure the user belongs to the organization, and
// a replaced row keeps its created_at, which a is given back.
func (q *queries) PutExternalAuth(ctx context.Context, a *iam.ExternalAuth) error {
	var created int64
	err := q.w.QueryRowContext(ctx, `INSERT INTO external_auths (`+externalAuthCols+`)
		SELECT org_id, id, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM users WHERE org_id = $1 AND id = $2
		ON CONFLICT (user_id, service) DO UPDATE SET service_user = excluded.service_user,
			access_token = excluded.access_token, access_secret = excluded.access_secret,
			display_name = excluded.display_name, token_expires = excluded.token_expires,
			secret_expires = excluded.secret_expires, updated_at = excluded.updated_at
		RETURNING created_at`,
		q.org(ctx, a.OrgID), idArg(a.UserID), a.Service, a.ServiceUser, a.SealedToken, secretArg(a.SealedSecret), a.DisplayName,
		optMicros(a.TokenExpires), optMicros(a.SecretExpires), micros(a.CreatedAt), micros(a.UpdatedAt)).Scan(&created)
	if err != nil {
		return translate(err, "user")
	}
	a.CreatedAt = fromMicros(created)
	return nil
}

func (q *queries) GetExternalAuth(ctx context.Context, orgID, userID iam.ID, service string) (*iam.ExternalAuth, error) {
	a, err := q.scanExternalAuth(q.r.QueryRowContext(ctx, `SELECT `+externalAuthCols+` FROM external_auths
		WHERE org_id = $1 AND user_id = $2 AND service = $3`, q.org(ctx, orgID), idArg(userID), service))
	return a, translate(err, "authentication")
}

// ListExternalAuths returns the user's authentications by service.
func (q *queries) ListExternalAuths(ctx context.Context, orgID, userID iam.ID) ([]*iam.ExternalAuth, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+externalAuthCols+` FROM external_auths WHERE org_id = $1 AND user_id = $2
		ORDER BY service`, q.org(ctx, orgID), idArg(userID))
	if err != nil {
		return nil, translate(err, "authentications")
	}
	return collect(rows, q.scanExternalAuth, "authentications")
}

func (q *queries) DeleteExternalAuth(ctx context.Context, orgID, userID iam.ID, service string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM external_auths WHERE org_id = $1 AND user_id = $2 AND service = $3`,
		q.org(ctx, orgID), idArg(userID), service)
	return q.touched(res, err, "authentication")
}

const identityLinkCols = `org_id, user_id, issuer, subject, created_at`

func (q *queries) scanIdentityLink(row interface{ Scan(...any) error }) (*iam.IdentityLink, error) {
	var l iam.IdentityLink
	var created int64
	if err := row.Scan(q.orgScan(&l.OrgID), idScan{&l.UserID}, &l.Issuer, &l.Subject, &created); err != nil {
		return nil, err
	}
	l.CreatedAt = fromMicros(created)
	return &l, nil
}

// PutIdentityLink inserts or replaces the user's link of an issuer; the
// SELECT makes sure the user belongs to the organization. Another user's
// (issuer, subject) violates identity_links_subject_uq: Conflict.
func (q *queries) PutIdentityLink(ctx context.Context, l *iam.IdentityLink) error {
	var created int64
	err := q.w.QueryRowContext(ctx, `INSERT INTO identity_links (`+identityLinkCols+`)
		SELECT org_id, id, $3, $4, $5 FROM users WHERE org_id = $1 AND id = $2
		ON CONFLICT (user_id, issuer) DO UPDATE SET subject = excluded.subject
		RETURNING created_at`,
		q.org(ctx, l.OrgID), idArg(l.UserID), l.Issuer, l.Subject, micros(l.CreatedAt)).Scan(&created)
	if err != nil {
		return translate(err, "user")
	}
	l.CreatedAt = fromMicros(created)
	return nil
}

func (q *queries) GetIdentityLink(ctx context.Context, orgID, userID iam.ID, issuer string) (*iam.IdentityLink, error) {
	l, err := q.scanIdentityLink(q.r.QueryRowContext(ctx, `SELECT `+identityLinkCols+` FROM identity_links
		WHERE org_id = $1 AND user_id = $2 AND issuer = $3`, q.org(ctx, orgID), idArg(userID), issuer))
	return l, translate(err, "identity link")
}

// ListIdentityLinks returns the user's links by issuer.
func (q *queries) ListIdentityLinks(ctx context.Context, orgID, userID iam.ID) ([]*iam.IdentityLink, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+identityLinkCols+` FROM identity_links WHERE org_id = $1 AND user_id = $2
		ORDER BY issuer`, q.org(ctx, orgID), idArg(userID))
	if err != nil {
		return nil, translate(err, "identity links")
	}
	return collect(rows, q.scanIdentityLink, "identity links")
}

func (q *queries) DeleteIdentityLink(ctx context.Context, orgID, userID iam.ID, issuer string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM identity_links WHERE org_id = $1 AND user_id = $2 AND issuer = $3`,
		q.org(ctx, orgID), idArg(userID), issuer)
	return q.touched(res, err, "identity link")
}

// FindIdentityLink looks up who (issuer, subject) is in the organization.
func (q *queries) FindIdentityLink(ctx context.Context, orgID iam.ID, issuer, subject string) (*iam.IdentityLink, error) {
	l, err := q.scanIdentityLink(q.r.QueryRowContext(ctx, `SELECT `+identityLinkCols+` FROM identity_links
		WHERE org_id = $1 AND issuer = $2 AND subject = $3`, q.org(ctx, orgID), issuer, subject))
	return l, translate(err, "identity link")
}
