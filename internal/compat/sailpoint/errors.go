package sailpoint

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// SailPoint's detail codes, as its ErrorResponseDto examples give them.
const (
	detailBadRequest    = "400.1 Bad Request Content"
	detailIllegalUpdate = "400.1.1 Illegal update attempt"
	detailForbidden     = "403 Forbidden"
	detailNotFound      = "404 Not found"
	detailNotAllowed    = "405 Method Not Allowed"
	detailInternal      = "500.0 Internal Fault"
)

// errorMessage is SailPoint's ErrorMessageDto.
type errorMessage struct {
	Locale       string `json:"locale"`
	LocaleOrigin string `json:"localeOrigin"`
	Text         string `json:"text"`
}

func message(text string) errorMessage {
	return errorMessage{Locale: "en-US", LocaleOrigin: "DEFAULT", Text: text}
}

// errorResponse is SailPoint's ErrorResponseDto, the body of its 400, 403,
// 404 and 500 answers.
type errorResponse struct {
	DetailCode string         `json:"detailCode"`
	TrackingID string         `json:"trackingId"`
	Messages   []errorMessage `json:"messages"`
	Causes     []errorMessage `json:"causes"`
}

// writeJSON writes v as a JSON answer.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"detailCode":"500.0 Internal Fault"}`)
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// writeDetail writes an ErrorResponseDto with a fresh tracking ID.
func writeDetail(w http.ResponseWriter, status int, detail, text string, causes ...errorMessage) {
	if causes == nil {
		causes = []errorMessage{}
	}
	writeJSON(w, status, errorResponse{DetailCode: detail, TrackingID: trackingID(),
		Messages: []errorMessage{message(text)}, Causes: causes})
}

// trackingID is 32 random hex digits, as SailPoint's are.
func trackingID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// writeUnauthenticated is SailPoint's 401: {"error": "JWT validation failed: …"}.
func writeUnauthenticated(w http.ResponseWriter, why string) {
	writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "JWT validation failed: " + why})
}

// writeRateLimited is SailPoint's 429, with Retry-After in whole seconds.
func writeRateLimited(w http.ResponseWriter, retryAfter time.Duration) {
	secs := int((retryAfter + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(max(1, secs)))
	writeJSON(w, http.StatusTooManyRequests, map[string]string{"message": " Rate Limit Exceeded "})
}

// writeError answers with err's kind in SailPoint's terms. The operations
// document 400, 401, 403, 404, 429 and 500 only, so every other client
// error (conflict, precondition, media type, size) is a 400.
func (s *surface) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *iam.Error
	if !errors.As(err, &e) {
		e = iam.Wrap(err, "internal error")
	}
	causes := make([]errorMessage, 0, len(e.Fields))
	for _, f := range e.Fields {
		causes = append(causes, message(f.Field+": "+f.Message))
	}
	switch e.Kind {
	case iam.Invalid, iam.Conflict, iam.FailedPrecondition, iam.TooLarge, iam.Unsupported:
		detail := detailBadRequest
		if e.Code == service.ErrIllegalUpdate.Code {
			detail = detailIllegalUpdate
		}
		writeDetail(w, http.StatusBadRequest, detail, e.Message, causes...)
	case iam.Unauthenticated:
		writeUnauthenticated(w, e.Message)
	case iam.PermissionDenied:
		writeDetail(w, http.StatusForbidden, detailForbidden, e.Message)
	case iam.NotFound:
		writeDetail(w, http.StatusNotFound, detailNotFound, e.Message)
	case iam.RateLimited:
		writeRateLimited(w, e.RetryAfter)
	default:
		s.env.Log.ErrorContext(r.Context(), "request failed", "surface", Surface, "method", r.Method, "path", r.URL.Path, "err", err)
		s.internalError(w)
	}
}

// internalError is the 500 answer, also after a panic.
func (s *surface) internalError(w http.ResponseWriter) {
	writeDetail(w, http.StatusInternalServerError, detailInternal, "An internal fault occurred.")
}

func (s *surface) notFound(w http.ResponseWriter, r *http.Request) {
	writeDetail(w, http.StatusNotFound, detailNotFound, "The server did not find a current representation for the target resource.")
}

func (s *surface) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "GET, HEAD, PATCH")
	writeDetail(w, http.StatusMethodNotAllowed, detailNotAllowed, "The method "+r.Method+" is not allowed here.")
}
