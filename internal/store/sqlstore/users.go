package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// A user is read as its ID (and organization), userInts, then userTexts.
// SQLite returns the texts as one column, joined by NUL (userTextsJoined):
// through the driver each column costs calls into SQLite that each take the
// connection's mutex, and a page reads 100 rows. No stored text holds a NUL:
// the service refuses control characters in names and addresses, metadata
// is JSON and role keys are identifiers. PostgreSQL cannot store a NUL in
// text at all, and reads the columns apart.
const (
	userInts = `seq, disabled, instance_admin, version, created_at, updated_at, last_login_at`
	// org_roles holds the keys of the user's org-scope role bindings,
	// comma-joined: a projection of role_bindings that triggers keep
	// (migration 0007).
	userTexts = `email, username, first_name, last_name, full_name, metadata, org_roles`
	// concat_ws builds the joined text in one allocation, where a chain of
	// || makes a new string at each step. It skips NULLs; none of these
	// columns may hold one.
	userTextsJoined = `concat_ws(char(0), ` + userTexts + `)`
	userIntCount    = 7
	userTextCount   = 7
)

var errStoredInt = iam.E(iam.Internal, "internal", "a stored user's number has an unexpected type")

var errJoinedTexts = iam.E(iam.Internal, "internal", "a stored user's texts have an unexpected form")

// The select lists after a user's ID and organization: texts apart, or
// joined (SQLite).
const (
	userColsOwnApart  = userInts + `, ` + userTexts
	userColsOwnJoined = userInts + `, ` + userTextsJoined
)

// joinsTexts reports whether this engine returns a user's texts joined.
func (q *queries) joinsTexts() bool { return q.s.dialect == "sqlite" }

// userCols is the select list userScanner reads.
func (q *queries) userCols() string {
	if q.joinsTexts() {
		return `id, org_id, ` + userColsOwnJoined
	}
	return `id, org_id, ` + userColsOwnApart
}

// userColsOwn is the select list of scanOrgUser after the ID: all but the
// organization, which the caller knows.
func (q *queries) userColsOwn() string {
	if q.joinsTexts() {
		return userColsOwnJoined
	}
	return userColsOwnApart
}

// userScanner reads users from userCols, with extra read into after each
// user's columns. It keeps one set of stored forms for all the rows it
// reads, so a page allocates only its users: the forms would otherwise
// triple what each user costs, and stay alive with it (in the caches too).
func (q *queries) userScanner(extra ...any) func(row interface{ Scan(...any) error }) (*iam.User, error) {
	r, joined := new(userScan), q.joinsTexts()
	return func(row interface{ Scan(...any) error }) (*iam.User, error) {
		u := new(iam.User)
		dest := r.own(append(r.dest[:0], idScan{&u.ID}, q.orgScan(&u.OrgID)), joined)
		if err := row.Scan(append(dest, extra...)...); err != nil {
			return nil, err
		}
		if err := r.fill(u); err != nil {
			return nil, err
		}
		return u, nil
	}
}

// scanOrgUser reads users of organization org from userColsOwn after the
// ID, like userScanner.
func (q *queries) scanOrgUser(org iam.ID) func(row interface{ Scan(...any) error }) (*iam.User, error) {
	r, joined := new(userScan), q.joinsTexts()
	return func(row interface{ Scan(...any) error }) (*iam.User, error) {
		u := &iam.User{OrgID: org}
		if err := row.Scan(r.own(append(r.dest[:0], idScan{&u.ID}), joined)...); err != nil {
			return nil, err
		}
		if err := r.fill(u); err != nil {
			return nil, err
		}
		return u, nil
	}
}

// userScan holds the stored forms of a user that Scan writes into: one
// allocation, where each would otherwise escape on its own through Scan's
// arguments, reused from row to row.
type userScan struct {
	// ints are userInts as the driver gives them: database/sql fills an
	// *int64 through reflection, an *any by a copy.
	ints   [userIntCount]any
	texts  [userTextCount]string // in userTexts' order
	joined string                // or joined by NUL
	dest   [17]any
}

// own appends the destinations of userColsOwn to dest: the texts apart, or
// joined.
func (r *userScan) own(dest []any, joined bool) []any {
	for i := range r.ints {
		dest = append(dest, &r.ints[i])
	}
	if joined {
		return append(dest, &r.joined)
	}
	for i := range r.texts {
		dest = append(dest, &r.texts[i])
	}
	return dest
}

// fill sets u's fields from the stored forms of the row just scanned.
func (r *userScan) fill(u *iam.User) error {
	if r.joined != "" {
		rest := r.joined
		for i := range r.texts[:userTextCount-1] {
			var ok bool
			if r.texts[i], rest, ok = strings.Cut(rest, "\x00"); !ok {
				return errJoinedTexts
			}
		}
		if strings.Contains(rest, "\x00") {
			return errJoinedTexts // a NUL in a text would shift the rest
		}
		r.texts[userTextCount-1] = rest
	}
	var ints [userIntCount]int64
	for i, v := range r.ints {
		switch v := v.(type) {
		case int64:
			ints[i] = v
		case bool: // PostgreSQL's disabled and instance_admin
			if v {
				ints[i] = 1
			}
		case nil: // last_login_at, the one nullable column
		default:
			return errStoredInt
		}
	}
	u.Seq, u.Disabled, u.InstanceAdmin, u.Version = ints[0], ints[1] != 0, ints[2] != 0, ints[3]
	u.CreatedAt, u.UpdatedAt = fromMicros(ints[4]), fromMicros(ints[5])
	if r.ints[6] != nil {
		t := fromMicros(ints[6])
		u.LastLoginAt = &t
	}
	u.Email, u.Username, u.FirstName, u.LastName, u.FullName = r.texts[0], r.texts[1], r.texts[2], r.texts[3], r.texts[4]
	u.Metadata = json.RawMessage(r.texts[5])
	u.Roles = []string{}
	if roles := r.texts[6]; roles != "" {
		u.Roles = strings.Split(roles, ",")
		slices.Sort(u.Roles) // PostgreSQL's collation may order them otherwise
	}
	return nil
}

// userArgs are the stored forms of a user's mutable fields on dialect, in
// the column order of userWrites' statements ($3 to $15).
func userArgs(dialect string, u *iam.User) []any {
	metadata := string(u.Metadata)
	if metadata == "" {
		metadata = "{}"
	}
	texts := [len(userLowered)]string{u.Email, u.Username, u.FirstName, u.LastName, u.FullName}
	args := make([]any, 0, 2*len(texts)+3)
	for _, text := range texts {
		args = append(args, text)
	}
	for _, text := range texts {
		args = append(args, lowered(dialect, text))
	}
	return append(args, metadata, u.Disabled, u.InstanceAdmin)
}

// userWrite is a dialect's INSERT and UPDATE of a user, which name its
// loweredCols.
type userWrite struct{ insert, update string }

var userWrites = map[string]userWrite{"sqlite": newUserWrite("sqlite"), "postgres": newUserWrite("postgres")}

func newUserWrite(dialect string) userWrite {
	lc := loweredCols(dialect)
	set := make([]string, len(lc))
	for i, c := range lc {
		set[i] = fmt.Sprintf("%s = $%d", c, 8+i) // after the ID, the organization and the five texts
	}
	return userWrite{
		insert: `INSERT INTO users (id, org_id, email, username, first_name, last_name, full_name, ` + strings.Join(lc, ", ") + `,
		metadata, disabled, instance_admin, version, created_at, updated_at, last_login_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		RETURNING seq`,
		update: `UPDATE users SET email = $3, username = $4, first_name = $5, last_name = $6, full_name = $7,
		` + strings.Join(set, ", ") + `, metadata = $13, disabled = $14, instance_admin = $15, version = version + 1,
		updated_at = $17 WHERE org_id = $1 AND id = $2 AND version = $16`,
	}
}

// CreateUser stores u; its Roles are role bindings, created apart.
func (q *queries) CreateUser(ctx context.Context, u *iam.User) error {
	if len(u.Metadata) == 0 {
		u.Metadata = json.RawMessage("{}")
	}
	u.Version = 1
	args := append([]any{idArg(u.ID), q.org(ctx, u.OrgID)}, userArgs(q.s.dialect, u)...)
	args = append(args, u.Version, micros(u.CreatedAt), micros(u.UpdatedAt), optMicros(u.LastLoginAt))
	err := q.w.QueryRowContext(ctx, userWrites[q.s.dialect].insert, args...).Scan(&u.Seq)
	if iam.IsKind(translate(err, "user"), iam.NotFound) {
		return iam.ErrNotFound("organization")
	}
	return translate(err, "user")
}

func (q *queries) GetUser(ctx context.Context, orgID, id iam.ID) (*iam.User, error) {
	u, err := q.userScanner()(q.r.QueryRowContext(ctx, `SELECT `+q.userCols()+` FROM users WHERE org_id = $1 AND id = $2`,
		q.org(ctx, orgID), idArg(id)))
	if err != nil {
		return nil, translate(err, "user")
	}
	return u, nil
}

func (q *queries) FindUsersByLogin(ctx context.Context, login string, n int) ([]*iam.User, error) {
	norm := strings.ToLower(login)
	rows, err := q.r.QueryContext(ctx, `SELECT `+q.userCols()+` FROM users
		WHERE email_norm = $1 OR (username_norm = $1 AND username_norm <> '') ORDER BY id LIMIT $2`, norm, limit(n))
	if err != nil {
		return nil, translate(err, "users")
	}
	return collect(rows, q.userScanner(), "users")
}

// UpdateUser writes u if nobody changed it since it was read (Version).
func (q *queries) UpdateUser(ctx context.Context, u *iam.User) error {
	args := append([]any{q.org(ctx, u.OrgID), idArg(u.ID)}, userArgs(q.s.dialect, u)...)
	args = append(args, u.Version, micros(u.UpdatedAt))
	res, err := q.w.ExecContext(ctx, userWrites[q.s.dialect].update, args...)
	if err = q.touched(res, err, "user"); !iam.IsKind(err, iam.NotFound) {
		if err == nil {
			u.Version++
		}
		return err
	}
	found, err := q.exists(ctx, `SELECT 1 FROM users WHERE org_id = $1 AND id = $2`, q.org(ctx, u.OrgID), idArg(u.ID))
	if err != nil {
		return translate(err, "user")
	}
	if found {
		return iam.E(iam.Conflict, "modified", "the user was changed by someone else; retry")
	}
	return iam.ErrNotFound("user")
}

// DeleteUser removes the user; foreign keys take the password and its
// history, sessions, authentication methods and recovery codes, and the
// user's API keys, grants, memberships and bindings go in the same
// transaction.
func (q *queries) DeleteUser(ctx context.Context, orgID, id iam.ID) error {
	return q.atomic(ctx, func(q *queries) error {
		res, err := q.w.ExecContext(ctx, `DELETE FROM users WHERE org_id = $1 AND id = $2`, q.org(ctx, orgID), idArg(id))
		if err := q.touched(res, err, "user"); err != nil {
			return err
		}
		if err := q.forgetCredentials(ctx, orgID, id); err != nil {
			return err
		}
		return q.forgetPrincipal(ctx, orgID, id)
	})
}

// ListUsers pages through an organization's users in ID order, those
// whose email is f.Email and, with f.Q, whose lower-cased texts start with
// it (searchUsers).
func (q *queries) ListUsers(ctx context.Context, orgID iam.ID, f iam.UserFilter) ([]*iam.User, error) {
	args := []any{q.org(ctx, orgID), idArg(f.After), limit(f.Limit)}
	where := `org_id = $1 AND id > $2`
	if f.Email != "" {
		args = append(args, strings.ToLower(f.Email))
		where += fmt.Sprintf(` AND email_norm = $%d`, len(args))
	}
	switch {
	case f.Q != "":
		return q.searchUsers(ctx, where, args, f.Q)
	case f.Email != "":
		return q.listUsers(ctx, where, args)
	}
	return q.listPage(ctx, orgID, f.Page)
}

// listUsers runs the page query with a WHERE clause over args.
func (q *queries) listUsers(ctx context.Context, where string, args []any) ([]*iam.User, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+q.userCols()+` FROM users WHERE `+where+` ORDER BY id LIMIT $3`, args...)
	if err != nil {
		return nil, translate(err, "users")
	}
	return collect(rows, q.userScanner(), "users")
}

// listPage is a plain page: the next users by ID.
func (q *queries) listPage(ctx context.Context, orgID iam.ID, p iam.Page) ([]*iam.User, error) {
	lim, args := q.pageLimit(p.Limit, []any{q.org(ctx, orgID), idArg(p.After)})
	rows, err := q.r.QueryContext(ctx, `SELECT id, `+q.userColsOwn()+` FROM users
		WHERE org_id = $1 AND id > $2 ORDER BY id`+lim, args...)
	if err != nil {
		return nil, translate(err, "users")
	}
	return collect(rows, q.scanOrgUser(orgID), "users")
}

func (q *queries) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, translate(err, "users")
}

func (q *queries) SetLastLogin(ctx context.Context, orgID, userID iam.ID, at time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE users SET last_login_at = $3 WHERE org_id = $1 AND id = $2`,
		q.org(ctx, orgID), idArg(userID), micros(at))
	return q.touched(res, err, "user")
}

// SetPasswordHash stores or replaces a user's hash; the SELECT makes sure
// the user belongs to the organization.
func (q *queries) SetPasswordHash(ctx context.Context, orgID, userID iam.ID, hash string) error {
	res, err := q.w.ExecContext(ctx, `INSERT INTO passwords (user_id, org_id, hash)
		SELECT id, org_id, $3 FROM users WHERE org_id = $1 AND id = $2
		ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash`, q.org(ctx, orgID), idArg(userID), hash)
	return q.touched(res, err, "user")
}

func (q *queries) GetPasswordHash(ctx context.Context, orgID, userID iam.ID) (string, error) {
	var hash string
	err := q.r.QueryRowContext(ctx, `SELECT hash FROM passwords WHERE org_id = $1 AND user_id = $2`,
		q.org(ctx, orgID), idArg(userID)).Scan(&hash)
	return hash, translate(err, "password")
}
