package argus

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/compat/web"
	"github.com/wardenhq/warden/internal/iam"
)

// envelope is Argus's response body, on every answer, errors included.
type envelope struct {
	ResponseCode int            `json:"responseCode"`
	Limit        int            `json:"limit"`
	Offset       int            `json:"offset"`
	Count        int            `json:"count"`
	Size         int            `json:"size"`
	Data         any            `json:"data"`
	MetaData     map[string]any `json:"metaData"`
	Messages     []message      `json:"messages"`
	CurrentPage  int            `json:"currentPage"`
}

// message is one entry of an envelope's messages.
type message struct {
	Message         string `json:"message"`
	MessageTemplate string `json:"messageTemplate"`
	Type            string `json:"type"`
	Field           string `json:"field,omitempty"`
	Parameter       any    `json:"parameter,omitempty"`
	Timestamp       int64  `json:"timestamp"`
}

// writeJSON writes an envelope with status.
func writeJSON(w http.ResponseWriter, status int, e envelope) {
	e.ResponseCode = status
	if e.MetaData == nil {
		e.MetaData = map[string]any{}
	}
	if e.Messages == nil {
		e.Messages = []message{}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(e)
}

// writeOne answers a single object: size 0, as Argus does.
func writeOne(w http.ResponseWriter, status int, data any) {
	writeJSON(w, status, envelope{Data: data})
}

// writeList answers a whole list (these lists are short and not paged):
// count and size are its length, limit is the page size asked for (0: all).
func writeList[T any](w http.ResponseWriter, r *http.Request, items []T) {
	limit, offset := paging(r)
	total := len(items)
	if offset > len(items) {
		offset = len(items)
	}
	items = items[offset:]
	if limit > 0 && limit < len(items) {
		items = items[:limit]
	}
	if items == nil {
		items = []T{}
	}
	page := 0
	if limit > 0 {
		page = offset / limit
	}
	writeJSON(w, http.StatusOK, envelope{Limit: limit, Offset: offset, Count: total, Size: len(items), Data: items,
		CurrentPage: page})
}

// paging reads limit and offset; bad or negative values count as absent.
func paging(r *http.Request) (limit, offset int) {
	limit = 25
	if v, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && v >= 0 {
		limit = v
	}
	if v, err := strconv.Atoi(r.URL.Query().Get("offset")); err == nil && v >= 0 {
		offset = v
	}
	return limit, offset
}

// statusOf maps error kinds to Argus's statuses: validation and state
// errors are 412, as Argus answers every request it cannot carry out as
// asked.
var statusOf = map[iam.Kind]int{
	iam.Invalid:            http.StatusPreconditionFailed,
	iam.Unauthenticated:    http.StatusUnauthorized,
	iam.PermissionDenied:   http.StatusForbidden,
	iam.NotFound:           http.StatusNotFound,
	iam.Conflict:           http.StatusPreconditionFailed,
	iam.FailedPrecondition: http.StatusPreconditionFailed,
	iam.RateLimited:        http.StatusTooManyRequests,
	iam.TooLarge:           http.StatusRequestEntityTooLarge,
	iam.Unsupported:        http.StatusUnsupportedMediaType,
	iam.Unavailable:        http.StatusServiceUnavailable,
}

// writeError answers err in the envelope: one message per invalid field,
// else one for the error. Internal errors are logged and answered
// generically.
func writeError(w http.ResponseWriter, r *http.Request, env *web.Env, err error) {
	var e *iam.Error
	if !errors.As(err, &e) || e.Kind == iam.Internal {
		env.Log.ErrorContext(r.Context(), "internal error", "surface", surface, "path", r.URL.Path, "err", err)
		writeInternal(w)
		return
	}
	status, ok := statusOf[e.Kind]
	if !ok {
		status = http.StatusInternalServerError
	}
	if e.Kind == iam.RateLimited && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
	now := time.Now().UnixMilli()
	var msgs []message
	for _, f := range e.Fields {
		msgs = append(msgs, message{Type: "FIELD_ERROR", Field: argusField(f.Field), Message: f.Field + " " + f.Message,
			MessageTemplate: e.Code, Timestamp: now})
	}
	if len(msgs) == 0 {
		msgs = []message{{Type: "ACTION_ERROR", Message: e.Message, MessageTemplate: e.Code, Timestamp: now}}
	}
	writeJSON(w, status, envelope{Messages: msgs})
}

// argusField names a service field (snake_case) as the client sent it.
func argusField(f string) string {
	switch f {
	case "valid_sources":
		return "validSources"
	case "expiration_days":
		return "expirationDays"
	case "login":
		return "userName"
	}
	parts := strings.Split(f, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

func writeInternal(w http.ResponseWriter) {
	writeJSON(w, http.StatusInternalServerError, envelope{Messages: []message{{Type: "ACTION_ERROR",
		Message: "internal error", MessageTemplate: "internal", Timestamp: time.Now().UnixMilli()}}})
}

// decode reads a JSON object body into v. An empty body is an empty object.
func decode(r *http.Request, v any) error {
	b, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return iam.E(iam.TooLarge, "too_large", "the request body is too large")
	}
	if err != nil {
		return iam.E(iam.Invalid, "invalid_body", "cannot read the request body")
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		var ie *iam.Error
		if errors.As(err, &ie) {
			return ie // a field's own decoder said what is wrong
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return iam.InvalidFields(iam.FieldError{Field: te.Field, Message: "has the wrong type: want " + te.Type.String()})
		}
		return iam.E(iam.Invalid, "invalid_json", "the request body is not a JSON object: "+err.Error())
	}
	return nil
}

// millis renders a time as epoch milliseconds; nil is 0.
func millis(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	return t.UnixMilli()
}
