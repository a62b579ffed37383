package squirro

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/compat/web"
	"github.com/wardenhq/warden/internal/iam"
)

// handler is a route: it writes its answer, or returns an error for fail.
type handler func(w http.ResponseWriter, r *http.Request) error

// public serves route ("METHOD /path" under /api/user) without a tenant.
func (s *surface) public(route string, h handler) {
	method, path, _ := strings.Cut(route, " ")
	pattern := method + " " + prefix + path
	s.mux.Handle(pattern, s.env.Handle(surfaceName, pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}, internalError))
}

// tenant serves route under /api/user/{version}/{tenant}: the caller
// authenticates and names their own organization.
func (s *surface) tenant(route string, h handler) {
	method, path, _ := strings.Cut(route, " ")
	s.public(method+" /{version}/{tenant}"+path, s.authenticated(func(w http.ResponseWriter, r *http.Request) error {
		if v := r.PathValue("version"); v != "v0" && v != "v1" {
			return iam.ErrNotFound("API version")
		}
		org, err := iam.ParseID(r.PathValue("tenant"))
		if err != nil || org != iam.PrincipalFrom(r.Context()).OrgID {
			return iam.ErrNotFound("tenant")
		}
		return h(w, r)
	}))
}

// authenticated reads the bearer token, charges the rate limit and puts
// the principal in the request's context.
func (s *surface) authenticated(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		token := web.Token(r)
		if token == "" {
			if q := s.env.Limit(r, nil); !q.OK {
				return rateLimited(q.RetryAfter)
			}
			return iam.E(iam.Unauthenticated, "unauthenticated", "an access token is required")
		}
		p, err := s.env.Svc.Auth.Authenticate(r.Context(), token)
		if err != nil {
			if q := s.env.Limit(r, nil); !q.OK {
				return rateLimited(q.RetryAfter)
			}
			return err
		}
		if q := s.env.Limit(r, p); !q.OK {
			return rateLimited(q.RetryAfter)
		}
		return h(w, r.WithContext(iam.WithPrincipal(r.Context(), p)))
	}
}

func rateLimited(after time.Duration) error {
	return &iam.Error{Kind: iam.RateLimited, Code: "rate_limited", Message: "too many requests", RetryAfter: after}
}

// principal is the caller of an authenticated route.
func principal(ctx context.Context) *iam.Principal { return iam.PrincipalFrom(ctx) }

// statusOf maps an error kind to the status SquirroClient reads: 400
// ClientError, 401 (it refreshes its token and retries), 403
// AuthorizationError, 404 NotFoundError, 409 ConflictError.
func statusOf(k iam.Kind) int {
	switch k {
	case iam.Invalid, iam.FailedPrecondition:
		return http.StatusBadRequest
	case iam.Unauthenticated:
		return http.StatusUnauthorized
	case iam.PermissionDenied:
		return http.StatusForbidden
	case iam.NotFound:
		return http.StatusNotFound
	case iam.Conflict:
		return http.StatusConflict
	case iam.RateLimited:
		return http.StatusTooManyRequests
	case iam.TooLarge:
		return http.StatusRequestEntityTooLarge
	case iam.Unsupported:
		return http.StatusUnsupportedMediaType
	case iam.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail writes err as Squirro's {"error": "..."}.
func (s *surface) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.failWith(w, r, err, statusOf(iam.KindOf(err)))
}

func (s *surface) failWith(w http.ResponseWriter, r *http.Request, err error, status int) {
	var e *iam.Error
	if !errors.As(err, &e) || status >= 500 && status != http.StatusServiceUnavailable {
		s.env.Log.ErrorContext(r.Context(), "squirro request failed", "route", r.Pattern, "err", err)
		writeError(w, http.StatusInternalServerError, "internal server error")
		return
	}
	if e.Kind == iam.RateLimited && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
	writeError(w, status, message(e))
}

// message is an error's message with its field errors.
func message(e *iam.Error) string {
	msg := e.Message
	var parts []string
	for _, f := range e.Fields {
		parts = append(parts, f.Field+" "+f.Message)
	}
	if len(parts) > 0 {
		if msg == "" || strings.EqualFold(msg, "validation failed") || strings.HasPrefix(strings.ToLower(msg), "the request is invalid") {
			return strings.Join(parts, "; ")
		}
		return msg + ": " + strings.Join(parts, "; ")
	}
	if msg == "" {
		msg = e.Kind.String()
	}
	return msg
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func internalError(w http.ResponseWriter) {
	writeError(w, http.StatusInternalServerError, "internal server error")
}
