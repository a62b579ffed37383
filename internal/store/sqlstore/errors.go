package sqlstore

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/wardenhq/warden/internal/iam"
)

// translate turns a driver error into an iam error: a missing row is
// NotFound, a uniqueness violation Conflict (naming the field), a missing
// referenced row NotFound, text PostgreSQL cannot hold Invalid, and
// anything else Internal.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	var iamErr *iam.Error
	if errors.As(err, &iamErr) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return iam.ErrNotFound(what)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return conflict(pgErr.ConstraintName)
		case "23503":
			return iam.ErrNotFound(referenced(pgErr.ConstraintName))
		case "22021", "22P05": // invalid UTF-8; a NUL, which text and jsonb cannot hold
			return iam.E(iam.Invalid, "invalid_text", "the text holds invalid UTF-8 or a NUL character, which cannot be stored")
		}
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return conflict(liteErr.Error())
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return iam.ErrNotFound("a referenced record")
		}
	}
	return iam.Wrap(err, "database error ("+what+")")
}

// conflict names the field a uniqueness violation is about, from the
// PostgreSQL constraint name or the SQLite message ("UNIQUE constraint
// failed: users.org_id, users.email_norm").
func conflict(detail string) error {
	field := "id"
	switch {
	case strings.Contains(detail, "email"):
		field = "email"
	case strings.Contains(detail, "username"):
		field = "username"
	case strings.Contains(detail, "domain"):
		field = "domain"
	case strings.Contains(detail, "name"):
		field = "name"
	}
	return &iam.Error{Kind: iam.Conflict, Code: "conflict", Message: field + " already in use",
		Fields: []iam.FieldError{{Field: field, Message: "is already in use"}}}
}

func referenced(constraint string) string {
	if strings.Contains(constraint, "org") {
		return "organization"
	}
	if strings.Contains(constraint, "user") {
		return "user"
	}
	return "a referenced record"
}
