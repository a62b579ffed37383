package service

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// maxMetadata bounds a user's free JSON metadata.
const maxMetadata = 64 << 10

// checks collects field errors so one response names every bad field.
type checks []iam.FieldError

func (c *checks) add(field, msg string) { *c = append(*c, iam.FieldError{Field: field, Message: msg}) }

func (c checks) err() error {
	if len(c) == 0 {
		return nil
	}
	return iam.InvalidFields(c...)
}

func (c *checks) email(field, v string) {
	switch {
	case v == "":
		c.add(field, "is required")
	case len(v) > 254:
		c.add(field, "must be at most 254 characters")
	default:
		a, err := mail.ParseAddress(v)
		if err != nil || a.Address != v || a.Name != "" || !validDomain(v[strings.LastIndexByte(v, '@')+1:]) {
			c.add(field, "must be a plain email address such as ada@example.com")
		}
	}
}

// validDomain accepts host names of letters (internationalised ones too),
// digits and inner hyphens, which net/mail alone does not insist on.
func validDomain(d string) bool {
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' {
				return false
			}
		}
	}
	return true
}

// text checks a single-line, printable string of at most max characters.
func (c *checks) text(field, v string, required bool, max int) {
	switch {
	case v == "" && required:
		c.add(field, "is required")
	case !utf8.ValidString(v):
		c.add(field, "must be valid UTF-8")
	case utf8.RuneCountInString(v) > max:
		c.add(field, "is too long")
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		c.add(field, "must not contain control characters")
	}
}

func (c *checks) username(v string) {
	c.text("username", v, false, 64)
	if strings.ContainsFunc(v, unicode.IsSpace) {
		c.add("username", "must not contain spaces")
	}
}

func (c *checks) roles(roles []string) {
	for _, r := range roles {
		if !authz.IsRole(r) {
			c.add("roles", "unknown role "+quote(r)+"; built-in roles are admin, user and reader")
		}
	}
}

func (c *checks) metadata(m json.RawMessage) {
	switch {
	case len(m) > maxMetadata:
		c.add("metadata", "must be at most 64 KiB")
	case len(m) > 0 && (!json.Valid(m) || bytes.TrimSpace(m)[0] != '{'):
		c.add("metadata", "must be a JSON object")
	}
}

// password applies the password policy, adding its complaint to c.
func (c *checks) password(p authn.PasswordPolicy, pw string, context ...string) {
	var e *iam.Error
	if err := p.Check(pw, context...); errors.As(err, &e) && len(e.Fields) > 0 {
		*c = append(*c, e.Fields...)
	} else if err != nil {
		c.add("password", err.Error())
	}
}

// uniq returns roles without duplicates, in their first order.
func uniq(roles []string) []string {
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + s + `"`
}
