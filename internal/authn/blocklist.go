package authn

import (
	_ "embed"
	"strings"
	"sync"
)

// commonPasswordsText is the 10,000 most common passwords of a 10-million
// password corpus, one per line: repository danielmiessler/SecLists, file
// Passwords/Common-Credentials/10-million-password-list-top-10000.txt
// (commit 74d9d3259d82c441c1217104cb7debd5912178b6).
//
//go:embed common-passwords.txt
var commonPasswordsText string

// commonPasswords is built on first use, not at start-up: a process that
// never checks a password never pays for the map.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 10000)
	for line := range strings.Lines(commonPasswordsText) {
		if w := strings.TrimSpace(line); w != "" {
			set[strings.ToLower(w)] = struct{}{}
		}
	}
	return set
})

// isCommonPassword reports whether password, case-insensitively, is in the
// blocklist.
func isCommonPassword(password string) bool {
	_, ok := commonPasswords()[strings.ToLower(password)]
	return ok
}
