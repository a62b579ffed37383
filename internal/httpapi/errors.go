package httpapi

import (
	"encoding/json"
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
	iam.Unprocessable:      http.StatusUnprocessableEntity,
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
	// Extra are extension members (RFC 9457 §3.2) from iam.Error.Extra,
	// such as mfa_token or retry_after.
	Extra map[string]any `json:"-"`
}

// MarshalJSON writes the problem with its extension members beside the
// standard ones (which an extension member may not replace).
func (p problem) MarshalJSON() ([]byte, error) {
	type plain problem
	b, err := json.Marshal(plain(p))
	if err != nil || len(p.Extra) == 0 {
		return b, err
	}
	ext := make(map[string]any, len(p.Extra))
	for k, v := range p.Extra {
		switch k {
		case "type", "title", "status", "detail", "code", "errors", "instance":
		default:
			ext[k] = v
		}
	}
	if len(ext) == 0 {
		return b, nil
	}
	e, err := json.Marshal(ext)
	if err != nil {
		return nil, err
	}
	return append(append(b[:len(b)-1], ','), e[1:]...), nil
}

// writeError answers with err as problem+json. Internal errors are logged
// once, here, with their cause, and shown to the client only as a generic
// message.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var e *iam.Error
	if !errors.As(err, &e) {
		e = iam.Wrap(err, "internal error")
	}
	p := problem{Status: StatusOf(e), Detail: e.Message, Code: e.Code, Errors: e.Fields, Extra: e.Extra}
	if e.Kind == iam.Internal {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p.Detail, p.Code, p.Extra = "an internal error occurred", "internal", nil
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="warden"`)
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds()+0.999)))
	}
	if e.Kind == iam.RateLimited {
		rateLimitHeaders(w.Header(), e)
	}
	writeProblem(w, p)
}

// writeProblem fills in the RFC 9457 type and title and writes p.
func writeProblem(w http.ResponseWriter, p problem) {
	p.Type, p.Title = "about:blank", http.StatusText(p.Status)
	writeJSON(w, p.Status, "application/problem+json", p)
}
