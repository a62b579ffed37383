package squirro

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// Squirro's two date formats: grants list "2012-12-21 16:00:01",
// authentications "2012-12-21T16:00:01" (both UTC).
const (
	grantTime = "2006-01-02 15:04:05"
	authTime  = "2006-01-02T15:04:05"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		json.NewEncoder(w).Encode(v)
	}
}

func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// bodyErr translates a body read failure.
func bodyErr(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return iam.E(iam.TooLarge, "too_large", "the request body is too large")
	}
	return iam.E(iam.Invalid, "invalid_body", "cannot read the request body")
}

// form parses a form-encoded body (SquirroClient's data=dict).
func form(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return bodyErr(err)
		}
		return iam.E(iam.Invalid, "invalid_body", "the request body is not a valid form")
	}
	return nil
}

// decodeObject reads a JSON object body (SquirroClient's
// data=json.dumps(...)) into raw members.
func decodeObject(r *http.Request) (map[string]json.RawMessage, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data" {
			return nil, iam.E(iam.Invalid, "invalid_body", "the request body must be a JSON object")
		}
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, bodyErr(err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return map[string]json.RawMessage{}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		return nil, iam.E(iam.Invalid, "invalid_body", "the request body must be a JSON object")
	}
	return m, nil
}

// str reads an optional string member; null counts as absent.
func str(m map[string]json.RawMessage, key string) (string, bool, error) {
	raw, ok := m[key]
	if !ok || string(raw) == "null" {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false, iam.InvalidFields(iam.FieldError{Field: key, Message: "must be a string"})
	}
	return s, true, nil
}

// pathID parses an ID from the path; a malformed one names nothing.
func pathID(r *http.Request, name, what string) (iam.ID, error) {
	id, err := iam.ParseID(r.PathValue(name))
	if err != nil {
		return iam.NilID, iam.ErrNotFound(what)
	}
	return id, nil
}

// formatTime renders an optional time in layout, UTC; nil is null.
func formatTime(t *time.Time, layout string) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(layout)
	return &s
}

// parseTime reads Squirro's "2006-01-02T15:04:05" (UTC), or RFC 3339.
func parseTime(m map[string]json.RawMessage, key string) (*time.Time, error) {
	s, ok, err := str(m, key)
	if err != nil || !ok || strings.TrimSpace(s) == "" {
		return nil, err
	}
	for _, layout := range []string{authTime, time.RFC3339Nano, "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return &t, nil
		}
	}
	return nil, iam.InvalidFields(iam.FieldError{Field: key, Message: "must be a date as 2006-01-02T15:04:05"})
}
