package authn

import (
	"strings"
	"testing"

	"github.com/wardenhq/warden/internal/iam"
)

func TestPasswordPolicyCheck(t *testing.T) {
	p := DefaultPasswordPolicy
	email, username, local := "Alice.Smith@example.com", "alicesmith99", "alice.smith"
	tests := []struct {
		name     string
		password string
		ok       bool
		rule     string // a word the error message must contain
	}{
		{"7 characters rejected", "kj4#Lm2", false, "at least 8"},
		{"8 characters accepted", "kj4#Lm2q", true, ""},
		{"7 emoji are 7 characters", strings.Repeat("🐎", 7), false, "at least 8"},
		{"8 emoji accepted", strings.Repeat("🐎", 8), true, ""},
		{"64 characters accepted", strings.Repeat("x7", 32), true, ""},
		{"256 characters accepted", strings.Repeat("x7", 128), true, ""},
		{"256 multibyte characters accepted", strings.Repeat("é", 256), true, ""},
		{"257 characters rejected", strings.Repeat("x7", 128) + "x", false, "at most 256"},
		{"blocklisted password1 rejected", "password1", false, "common"},
		{"blocklisted qwertyuiop rejected", "qwertyuiop", false, "common"},
		{"blocklist ignores case", "PassWord1", false, "common"},
		{"passphrase with spaces and emoji accepted", "correct horse 🐎 battery staple", true, ""},
		{"no composition rules", "lowercaseonlypassphrase", true, ""},
		{"equal to email rejected", email, false, "email"},
		{"equal to email, other case, rejected", strings.ToUpper(email), false, "email"},
		{"equal to username rejected", "AliceSmith99", false, "username"},
		{"equal to the email's local part rejected", "alice.SMITH", false, "username"},
		{"containing the username is fine", "alicesmith99-likes-tea", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Check(tt.password, email, username, local, "")
			if tt.ok {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			e := wantError(t, err, iam.Invalid, "validation_failed")
			if len(e.Fields) != 1 || e.Fields[0].Field != "password" {
				t.Fatalf("Fields = %+v, want one for password", e.Fields)
			}
			if !strings.Contains(e.Message, tt.rule) || !strings.Contains(e.Fields[0].Message, tt.rule) {
				t.Fatalf("messages %q / %q do not name the rule %q", e.Message, e.Fields[0].Message, tt.rule)
			}
			if strings.Contains(e.Error(), tt.password) {
				t.Fatalf("error %q echoes the password", e.Error())
			}
		})
	}
}

func TestPasswordPolicyBlocklistOff(t *testing.T) {
	p := PasswordPolicy{MinLength: 8, MaxLength: 64}
	if err := p.Check("password1"); err != nil {
		t.Fatalf("Check with the blocklist off = %v", err)
	}
}

func TestPasswordPolicyValidate(t *testing.T) {
	tests := []struct {
		p     PasswordPolicy
		field string // "" when valid
	}{
		{DefaultPasswordPolicy, ""},
		{PasswordPolicy{MinLength: 12, MaxLength: 0}, ""},
		{PasswordPolicy{MinLength: 7, MaxLength: 256}, "min_length"},
		{PasswordPolicy{MinLength: 8, MaxLength: 63}, "max_length"},
		{PasswordPolicy{MinLength: 100, MaxLength: 64}, "max_length"},
	}
	for _, tt := range tests {
		err := tt.p.Validate()
		if tt.field == "" {
			if err != nil {
				t.Errorf("%+v: Validate = %v", tt.p, err)
			}
			continue
		}
		e := wantError(t, err, iam.Invalid, "validation_failed")
		if len(e.Fields) != 1 || e.Fields[0].Field != tt.field {
			t.Errorf("%+v: Fields = %+v, want %s", tt.p, e.Fields, tt.field)
		}
	}
}

func TestBlocklist(t *testing.T) {
	if n := len(commonPasswords()); n < 9900 {
		t.Fatalf("blocklist holds %d passwords, want the top 10,000", n)
	}
	for _, pw := range []string{"123456", "password", "iloveyou", "trustno1", "brady"} {
		if !isCommonPassword(pw) {
			t.Errorf("%q is not in the blocklist", pw)
		}
	}
	if isCommonPassword("") || isCommonPassword("kj4#Lm2q") {
		t.Error("blocklist holds an uncommon password")
	}
}
