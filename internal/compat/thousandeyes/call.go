package thousandeyes

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// handler serves one route for an authenticated caller; an error it
// returns is written as the surface's problem document.
type handler func(w http.ResponseWriter, r *http.Request, c *call) error

// call is what one request knows: its caller and what it loaded already.
type call struct {
	s   *server
	r   *http.Request
	ctx context.Context
	p   *iam.Principal
	// conflictStatus is the status of a Conflict: 400 on the
	// administrative operations (which document no 409), 409 on tokens.
	conflictStatus int

	workspaces []*service.WorkspaceView // visible to the caller, loaded once
	roles      []*service.RoleView      // loaded once
	rolesErr   error
}

var errNoRoute = &wireError{status: http.StatusNotFound, title: "URI Resource Not Found",
	detail: "no such resource"}

// handle wraps h in the envelope, authentication and the rate limit.
func (s *server) handle(route string, h handler, auth bool) http.Handler {
	return s.env.Handle(surface, route, func(w http.ResponseWriter, r *http.Request) {
		c := &call{s: s, r: r, ctx: r.Context(), conflictStatus: http.StatusBadRequest}
		if strings.HasSuffix(route, "/api-tokens") {
			c.conflictStatus = http.StatusConflict
		}
		var err error
		if tok := tokenOf(r); tok != "" {
			c.p, err = s.env.Svc.Auth.Authenticate(r.Context(), tok)
			if err != nil {
				c.p = nil
			}
		}
		q := s.env.Limit(r, c.p)
		if q.Limit > 0 {
			reset := q.Reset
			if !q.OK {
				reset = q.RetryAfter
			}
			h := w.Header()
			h.Set("X-Organization-Rate-Limit-Limit", strconv.Itoa(q.Limit))
			h.Set("X-Organization-Rate-Limit-Remaining", strconv.Itoa(max(q.Remaining, 0)))
			h.Set("X-Organization-Rate-Limit-Reset", strconv.FormatInt(time.Now().Add(reset+time.Second-1).Unix(), 10))
		}
		if !q.OK {
			c.writeError(w, &wireError{status: http.StatusTooManyRequests, title: "Too Many Requests",
				detail: "the organization's rate limit is exhausted; retry after the reset"})
			return
		}
		if auth && c.p == nil {
			c.writeError(w, errUnauthorized)
			return
		}
		if c.p != nil {
			c.ctx = iam.WithPrincipal(r.Context(), c.p)
		}
		if err := h(w, r, c); err != nil {
			c.writeError(w, err)
		}
	}, func(w http.ResponseWriter) {
		c := &call{conflictStatus: http.StatusBadRequest}
		c.writeError(w, iam.E(iam.Internal, "internal", "internal error"))
	})
}

// tokenOf reads "Authorization: Bearer <token>".
func tokenOf(r *http.Request) string {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// wireError is an error already in the surface's terms.
type wireError struct {
	status int
	title  string
	detail string
	fields []fieldError
}

func (e *wireError) Error() string { return e.title + ": " + e.detail }

var errUnauthorized = &wireError{status: http.StatusUnauthorized}

func invalid(field, msg string) error {
	return &wireError{status: http.StatusBadRequest, title: titleInvalid, detail: msg,
		fields: []fieldError{{Code: "INVALID_FIELD", Field: field, Message: msg}}}
}

const titleInvalid = "Request validation failed. There are invalid or missing fields"

// problem is the Error schema; errors makes it a ValidationError.
type problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance"`
	Errors   []fieldError `json:"errors,omitempty"`
}

type fieldError struct {
	Code    string `json:"code,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// wireFields names Warden's validation fields as ThousandEyes does.
var wireFields = map[string]string{
	"full_name": "name", "first_name": "name", "last_name": "name", "username": "email",
	"title": "accountGroupName", "domain": "accountGroupName",
	"role": "roleIds", "scope": "accountGroupRoles", "scope.type": "accountGroupRoles",
}

// toWire turns any error into the surface's terms.
func (c *call) toWire(err error) *wireError {
	var we *wireError
	if errors.As(err, &we) {
		return we
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return invalid("body", "the request body is too large").(*wireError)
	}
	var e *iam.Error
	if !errors.As(err, &e) {
		e = iam.Wrap(err, "internal error")
	}
	out := &wireError{detail: e.Message}
	switch e.Kind {
	case iam.Invalid, iam.FailedPrecondition, iam.TooLarge, iam.Unsupported:
		out.status, out.title = http.StatusBadRequest, titleInvalid
		for _, f := range e.Fields {
			name := f.Field
			if n, ok := wireFields[name]; ok {
				name = n
			}
			out.fields = append(out.fields, fieldError{Code: strings.ToUpper(e.Code), Field: name, Message: f.Message})
		}
		if len(out.fields) == 0 {
			out.fields = []fieldError{{Code: strings.ToUpper(e.Code), Message: e.Message}}
		}
	case iam.Unauthenticated:
		out.status = http.StatusUnauthorized
	case iam.PermissionDenied:
		out.status, out.title = http.StatusForbidden, "Insufficient permissions to query endpoint"
	case iam.NotFound:
		out.status, out.title = http.StatusNotFound, "URI Resource Not Found"
	case iam.Conflict:
		out.status, out.title = c.conflictStatus, "Conflict"
		if out.status == http.StatusBadRequest {
			out.title = titleInvalid
			out.fields = []fieldError{{Code: strings.ToUpper(e.Code), Message: e.Message}}
		}
	case iam.RateLimited:
		out.status, out.title = http.StatusTooManyRequests, "Too Many Requests"
	default:
		if c.s != nil {
			c.s.env.Log.ErrorContext(c.ctx, "thousandeyes: internal error", "err", err)
		}
		out.status, out.title, out.detail = http.StatusInternalServerError, "Internal server error", "internal error"
	}
	return out
}

func (c *call) writeError(w http.ResponseWriter, err error) {
	we := c.toWire(err)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	if we.status == http.StatusUnauthorized {
		w.WriteHeader(we.status)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_token", "error_description": "Invalid access token"})
		return
	}
	instance := "/v7"
	if c.r != nil {
		instance = c.r.URL.Path
	}
	w.WriteHeader(we.status)
	json.NewEncoder(w).Encode(problem{Type: "about:blank", Title: we.title, Status: we.status, Detail: we.detail,
		Instance: instance, Errors: we.fields})
}

// write sends v as application/hal+json.
func write(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/hal+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// decode reads a JSON request body into v.
func decode(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return invalid("body", "cannot read the request body")
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return invalid("body", "a JSON request body is required")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return invalid(te.Field, "must be of type "+te.Type.String())
		}
		return invalid("body", "the request body is not valid JSON")
	}
	return nil
}

// baseURL is the absolute origin of the request.
func (c *call) baseURL() string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.r.Host
}

// link is an absolute link to path (with query q if any).
func (c *call) link(path string, q url.Values) *linkDoc {
	u := c.baseURL() + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return &linkDoc{Href: u}
}

// self links to the request itself.
func (c *call) self() selfLinks {
	return selfLinks{Self: c.link(c.r.URL.Path, c.r.URL.Query())}
}

// number parses a wire ID: digits only.
func number(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// resolve finds the ID of object kind numbered by the path parameter;
// anything unknown, malformed or another organization's is not found.
func (c *call) resolve(kind, s string) (iam.ID, error) {
	n, ok := number(s)
	if !ok {
		return iam.NilID, iam.ErrNotFound(kind)
	}
	return c.s.env.Svc.IDByNumber(c.ctx, kind, n)
}
