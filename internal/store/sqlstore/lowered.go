package sqlstore

import (
	"strings"
	"unicode/utf8"
)

// userLowered pairs each text of a user with the column of its lower-cased
// form (strings.ToLower), which the filters, the search and the unique
// indexes read, and with the column SQLite keeps that form in when it cannot
// make it itself.
//
// PostgreSQL stores the *_norm columns. SQLite computes them (migration
// 0011) as coalesce(*_fold, lower(text)): its lower() lower-cases ASCII
// only, so *_fold holds the form of a text with a byte outside ASCII and is
// NULL for every other text, which spares a copy of most texts in every row.
var userLowered = [...]struct{ text, norm, fold string }{
	{"email", "email_norm", "email_fold"},
	{"username", "username_norm", "username_fold"},
	{"first_name", "first_norm", "first_fold"},
	{"last_name", "last_norm", "last_fold"},
	{"full_name", "full_norm", "full_fold"},
}

// loweredCols names the columns a write of a user's lower-cased texts sets
// on dialect, in userLowered's order.
func loweredCols(dialect string) []string {
	cols := make([]string, len(userLowered))
	for i, l := range userLowered {
		cols[i] = l.norm
		if dialect == "sqlite" {
			cols[i] = l.fold
		}
	}
	return cols
}

// lowered is what a column of loweredCols holds for text on dialect.
func lowered(dialect, text string) any {
	if dialect != "sqlite" {
		return strings.ToLower(text)
	}
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			return strings.ToLower(text)
		}
	}
	return nil // lower(text) makes it
}
