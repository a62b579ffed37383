package httpapi

import (
	"encoding/json"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/wardenhq/warden/internal/iam"
)

// A page of users is written by hand: through encoding/json's reflection a
// page of 100 cost ~100 µs, most of it quoting IDs and times that never need
// escaping. A user with any field that encoding/json would escape or compact
// is encoded by encoding/json itself, so the bytes are the same either way
// (FuzzUserPageJSON compares them).

// writeUserPage sends what writeJSON sends for userList{users, next}; an
// error (only stored metadata that is not JSON) is the caller's to answer.
func writeUserPage(w http.ResponseWriter, users []*iam.User, next *string) error {
	return writePooled(w, func(b []byte) ([]byte, error) { return appendUserPage(b, users, next) })
}

// appendUserPage appends json.Encoder's encoding of userList{users, next},
// newline included.
func appendUserPage(b []byte, users []*iam.User, next *string) ([]byte, error) {
	return appendPage(b, "users", users, appendUser, next)
}

// appendUser appends json.Marshal(toUserJSON(u)).
func appendUser(b []byte, u *iam.User) ([]byte, error) {
	if out, ok := appendPlainUser(b, u); ok {
		return out, nil
	}
	enc, err := json.Marshal(toUserJSON(u))
	return append(b, enc...), err
}

// appendPlainUser writes u if no field needs escaping or compacting;
// otherwise it reports false, and what it appended is to be dropped.
func appendPlainUser(b []byte, u *iam.User) ([]byte, bool) {
	for _, s := range [...]string{u.Email, u.Username, u.FirstName, u.LastName, u.FullName} {
		if !plainString(s) {
			return b, false
		}
	}
	for _, r := range u.Roles {
		if !plainString(r) {
			return b, false
		}
	}
	if u.Metadata != nil && !compactSafe(u.Metadata) {
		return b, false
	}
	b = append(b, `{"id":"`...)
	b, _ = u.ID.AppendText(b)
	b = append(b, `","org_id":"`...)
	b, _ = u.OrgID.AppendText(b)
	b = append(b, `","email":`...)
	b = appendQuoted(b, u.Email)
	b = append(b, `,"username":`...)
	b = appendQuoted(b, u.Username)
	b = append(b, `,"first_name":`...)
	b = appendQuoted(b, u.FirstName)
	b = append(b, `,"last_name":`...)
	b = appendQuoted(b, u.LastName)
	b = append(b, `,"full_name":`...)
	b = appendQuoted(b, u.FullName)
	b = append(b, `,"roles":[`...)
	for i, r := range u.Roles {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, r)
	}
	b = append(b, `],"metadata":`...)
	if u.Metadata == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, u.Metadata...)
	}
	b = append(b, `,"disabled":`...)
	b = appendBool(b, u.Disabled)
	b = append(b, `,"instance_admin":`...)
	b = appendBool(b, u.InstanceAdmin)
	var ok bool
	b = append(b, `,"created_at":`...)
	if b, ok = appendTime(b, u.CreatedAt); !ok {
		return b, false
	}
	b = append(b, `,"updated_at":`...)
	if b, ok = appendTime(b, u.UpdatedAt); !ok {
		return b, false
	}
	b = append(b, `,"last_login_at":`...)
	if u.LastLoginAt == nil {
		b = append(b, "null"...)
	} else if b, ok = appendTime(b, *u.LastLoginAt); !ok {
		return b, false
	}
	return append(b, '}'), true
}

// plainString reports whether encoding/json writes s as it is, between
// quotes: valid UTF-8 with no control character, quote, backslash, HTML
// special character (<, >, &) or line/paragraph separator.
func plainString(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += size
	}
	return true
}

// compactSafe reports whether encoding/json passes the raw JSON m through
// unchanged: valid, with no whitespace outside strings, no HTML special
// character and no line/paragraph separator.
func compactSafe(m []byte) bool {
	inString := false
	for i := 0; i < len(m); i++ {
		switch c := m[i]; {
		case c == '<' || c == '>' || c == '&':
			return false
		case c == 0xE2 && i+2 < len(m) && m[i+1] == 0x80 && m[i+2]&^1 == 0xA8:
			return false
		case inString && c == '\\':
			i++ // the escaped character, ASCII in valid JSON
		case c == '"':
			inString = !inString
		case !inString && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			return false
		}
	}
	return json.Valid(m)
}

func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// appendTime writes t as time.Time's MarshalText does, quoted; it reports
// false where MarshalText fails (a year outside 0–9999).
func appendTime(b []byte, t time.Time) ([]byte, bool) {
	b = append(b, '"')
	b, err := t.AppendText(b)
	if err != nil {
		return b, false
	}
	return append(b, '"'), true
}
