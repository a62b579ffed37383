package authn

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/wardenhq/warden/internal/iam"
)

// PasswordPolicy follows NIST SP 800-63B: length over composition, a
// blocklist of common passwords, and no password equal to the account's
// own identifiers. There are deliberately no character-class rules.
type PasswordPolicy struct {
	MinLength int  // in Unicode code points
	MaxLength int  // in Unicode code points; 0 means no limit
	Blocklist bool // reject commonly used or breached passwords
}

// DefaultPasswordPolicy is the policy of an organization that set none.
var DefaultPasswordPolicy = PasswordPolicy{MinLength: 8, MaxLength: 256, Blocklist: true}

// NIST's floors: at least 8 characters required, at least 64 permitted.
const (
	minMinLength = 8
	minMaxLength = 64
)

// Validate reports whether p is an acceptable policy for an administrator
// to set: a policy may be stricter than NIST's floors, never laxer.
func (p PasswordPolicy) Validate() error {
	switch {
	case p.MinLength < minMinLength:
		return policyError("min_length", fmt.Sprintf("must be at least %d", minMinLength))
	case p.MaxLength != 0 && p.MaxLength < minMaxLength:
		return policyError("max_length", fmt.Sprintf("must be at least %d", minMaxLength))
	case p.MaxLength != 0 && p.MaxLength < p.MinLength:
		return policyError("max_length", "must not be less than min_length")
	}
	return nil
}

// Check reports whether password is acceptable under p. context holds the
// account's identifiers (email, username, the email's local part…); a
// password equal to any of them, ignoring case, is rejected. The error is
// Invalid with code validation_failed and never contains the password.
func (p PasswordPolicy) Check(password string, context ...string) error {
	n := utf8.RuneCountInString(password)
	if n < p.MinLength {
		return passwordError(fmt.Sprintf("must be at least %d characters long", p.MinLength))
	}
	if p.MaxLength > 0 && n > p.MaxLength {
		return passwordError(fmt.Sprintf("must be at most %d characters long", p.MaxLength))
	}
	for _, c := range context {
		if c != "" && strings.EqualFold(password, c) {
			return passwordError("must not be your email address or username")
		}
	}
	if p.Blocklist && isCommonPassword(password) {
		return passwordError("is too common; choose one that is harder to guess")
	}
	return nil
}

func passwordError(rule string) error {
	return &iam.Error{Kind: iam.Invalid, Code: "validation_failed", Message: "the password " + rule,
		Fields: []iam.FieldError{{Field: "password", Message: rule}}}
}

func policyError(field, rule string) error {
	return &iam.Error{Kind: iam.Invalid, Code: "validation_failed", Message: field + " " + rule,
		Fields: []iam.FieldError{{Field: field, Message: rule}}}
}
