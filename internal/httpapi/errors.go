package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/wardenhq/warden/internal/iam"
)

// statusOf is the one map from error kind to HTTP status.
var statusOf = map[iam.Kind]int{
	iam.Internal:           http.StatusInternalServerError,
	iam.Invalid:            http.StatusBadRequest,
	iam.Unauthenticated:    http.StatusUnauthorized,
	iam.PermissionDenied:   http.StatusForbidden,
	iam.NotFound:           http.StatusNotFound,
	iam.Conflict:           http.StatusConflict,
	iam.FailedPrecondition: http.StatusPreconditionFailed,
	iam.RateLimited:        http.StatusTooManyRequests,
	iam.TooLarge:           http.StatusRequestEntityTooLarge,
	iam.Unsupported:        http.StatusUnsupportedMediaType,
	iam.Unavailable:        http.StatusServiceUnavailable,
}

// StatusOf returns the HTTP status for err.
func StatusOf(err error) int {
	if s, ok := statusOf[iam.KindOf(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// problem is an RFC 9457 problem detail with Warden's stable code.
type problem struct {
	Type   string           `json:"type"`
	Title  string           `json:"title"`
	Status int              `json:"status"`
	Detail string           `json:"detail"`
	Code   string           `json:"code"`
	Errors []iam.FieldError `json:"errors,omitempty"`
}

// writeError answers with err as problem+json. Internal errors are logged
// once, here, with their cause, and shown to the client only as a generic
// message.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var e *iam.Error
	if !errors.As(err, &e) {
		e = iam.Wrap(err, "internal error")
	}
	p := problem{Status: StatusOf(e), Detail: e.Message, Code: e.Code, Errors: e.Fields}
	if e.Kind == iam.Internal {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p.Detail, p.Code = "an internal error occurred", "internal"
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="warden"`)
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds()+0.999)))
	}
	writeProblem(w, p)
}

// writeProblem fills in the RFC 9457 type and title and writes p.
func writeProblem(w http.ResponseWriter, p problem) {
	p.Type, p.Title = "about:blank", http.StatusText(p.Status)
	writeJSON(w, p.Status, "application/problem+json", p)
}
