package arthur

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/wardenhq/warden/internal/compat/web"
	"github.com/wardenhq/warden/internal/iam"
)

// errorBody is the surface's error answer. The Arthur client only echoes
// an error body, so it says what the native API's problem says, flatly.
type errorBody struct {
	Code    string           `json:"code"`
	Message string           `json:"message"`
	Fields  []iam.FieldError `json:"fields,omitempty"`
}

// statusOf maps error kinds to Arthur's statuses. 401 means no or a bad
// credential, 403 not allowed (and, at login, bad credentials: see login).
var statusOf = map[iam.Kind]int{
	iam.Internal:           http.StatusInternalServerError,
	iam.Invalid:            http.StatusBadRequest,
	iam.Unauthenticated:    http.StatusUnauthorized,
	iam.PermissionDenied:   http.StatusForbidden,
	iam.NotFound:           http.StatusNotFound,
	iam.Conflict:           http.StatusConflict,
	iam.FailedPrecondition: http.StatusBadRequest,
	iam.RateLimited:        http.StatusTooManyRequests,
	iam.TooLarge:           http.StatusRequestEntityTooLarge,
	iam.Unsupported:        http.StatusUnsupportedMediaType,
	iam.Unavailable:        http.StatusServiceUnavailable,
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeInternal(w)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// writeInternal is the answer to a bug: a generic 500.
func writeInternal(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusInternalServerError)
	w.Write([]byte(`{"code":"internal","message":"an internal error occurred"}` + "\n"))
}

// writeError answers err with its status and the surface's error body.
func writeError(w http.ResponseWriter, r *http.Request, env *web.Env, err error) {
	writeErrorStatus(w, r, env, err, 0)
}

// writeErrorStatus is writeError with the status forced when status is
// not zero.
func writeErrorStatus(w http.ResponseWriter, r *http.Request, env *web.Env, err error, status int) {
	var e *iam.Error
	if !errors.As(err, &e) {
		e = iam.Wrap(err, "internal error")
	}
	if e.Kind == iam.Internal {
		env.Log.ErrorContext(r.Context(), "request failed", "surface", surface, "method", r.Method, "path", r.URL.Path, "err", err)
		writeInternal(w)
		return
	}
	if status == 0 {
		status = statusOf[e.Kind]
		if status == 0 {
			status = http.StatusInternalServerError
		}
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds()+0.999)))
	}
	writeJSON(w, status, errorBody{Code: e.Code, Message: e.Message, Fields: e.Fields})
}

// decode reads a JSON object body into v. Unknown members are ignored (the
// client's models carry fields Warden has no use for); malformed JSON and
// wrong types are 400s naming the field.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return iam.E(iam.Unsupported, "unsupported_media_type", "the body must be application/json")
		}
	}
	b, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return iam.Errorf(iam.TooLarge, "body_too_large", "the request body is larger than %d bytes", tooBig.Limit)
	}
	if err != nil {
		return iam.E(iam.Invalid, "bad_body", "the request body could not be read")
	}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return iam.E(iam.Invalid, "malformed_json", "the request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return iam.InvalidFields(iam.FieldError{Field: te.Field, Message: "must be a JSON " + jsonType(te.Type.Kind().String())})
		}
		return iam.E(iam.Invalid, "malformed_json", "the request body is not valid JSON")
	}
	if dec.More() {
		return iam.E(iam.Invalid, "malformed_json", "the request body has data after the JSON object")
	}
	return nil
}

func jsonType(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct":
		return "object"
	case "ptr":
		return "value of another type"
	default:
		return "number"
	}
}
