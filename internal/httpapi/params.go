package httpapi

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

const maxLimit = 1000

// pathID parses the {name} path segment as an ID.
func pathID(r *http.Request, name string) (iam.ID, error) {
	id, err := iam.ParseID(r.PathValue(name))
	if err != nil {
		return iam.NilID, badParam(name, "is not a valid ID")
	}
	return id, nil
}

func badParam(name, msg string) error {
	return &iam.Error{Kind: iam.Invalid, Code: "invalid_parameter", Message: "a parameter is invalid",
		Fields: []iam.FieldError{{Field: name, Message: msg}}}
}

// query reads typed query parameters, remembering the first error.
type query struct {
	r    *http.Request
	err  error
	vals url.Values // parsed on first use: URL.Query parses the whole string each call
}

func (q *query) fail(name, msg string) {
	if q.err == nil {
		q.err = badParam(name, msg)
	}
}

func (q *query) str(name string) string {
	if q.vals == nil {
		q.vals = q.r.URL.Query()
	}
	return q.vals.Get(name)
}

// bool reads an optional true/false parameter.
func (q *query) bool(name string) bool {
	switch q.str(name) {
	case "", "false", "0":
		return false
	case "true", "1":
		return true
	}
	q.fail(name, "must be true or false")
	return false
}

// includes reads include=a,b, allowing only the names given.
func (q *query) includes(allowed ...string) map[string]bool {
	out := map[string]bool{}
	v := q.str("include")
	if v == "" {
		return out
	}
	for _, name := range strings.Split(v, ",") {
		if !slices.Contains(allowed, name) {
			q.fail("include", "may name only "+strings.Join(allowed, ", "))
			return out
		}
		out[name] = true
	}
	return out
}

// limit is the page size: default 50, at most 1000.
func (q *query) limit() int {
	v := q.str("limit")
	if v == "" {
		return 50
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxLimit {
		q.fail("limit", "must be a whole number from 1 to 1000")
		return 0
	}
	return n
}

// id reads an optional ID parameter.
func (q *query) id(name string) iam.ID {
	v := q.str(name)
	if v == "" {
		return iam.NilID
	}
	id, err := iam.ParseID(v)
	if err != nil {
		q.fail(name, "is not a valid ID")
	}
	return id
}

// time reads an optional RFC 3339 timestamp.
func (q *query) time(name string) time.Time {
	v := q.str(name)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		q.fail(name, "must be an RFC 3339 timestamp such as 2026-01-02T15:04:05Z")
	}
	return t
}

// cursor reads an optional opaque cursor that encodes an ID.
func (q *query) cursor() iam.ID {
	v := q.str("cursor")
	if v == "" {
		return iam.NilID
	}
	id, err := iam.ParseID(v)
	if err != nil {
		q.fail("cursor", "is not a cursor this API returned")
	}
	return id
}

// nextCursor is the cursor of the page after items, or nil when the page
// was not full and so was the last.
func nextCursor(n, limit int, last iam.ID) *string {
	if n < limit || n == 0 {
		return nil
	}
	c := last.Base64()
	return &c
}
