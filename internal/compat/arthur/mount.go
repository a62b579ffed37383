// Package arthur speaks the wire format of Arthur's v3 admin API, as the
// Python ArthurAdminClient (arthur_bench.client.rest.admin) uses it: login
// with a JWT in a cookie, the current user, the caller's authentication
// info, and the v3 users API. It only translates; every rule lives in
// package service.
//
// Wire rules (shared/specs/WIRE.md §1): snake_case JSON, dashed UUIDs, the
// credential in a bare "Authorization: <token>" header ("Bearer <token>" is
// accepted too), the current context named by "Arthur-Organization-ID".
package arthur

import (
	"net/http"

	"github.com/wardenhq/warden/internal/compat/web"
	"github.com/wardenhq/warden/internal/httpapi"
	"github.com/wardenhq/warden/internal/iam"
)

// surface is the name the audit log records for changes made through here.
const surface = "arthur"

// orgHeader names the caller's current context (a workspace, or the
// organization).
const orgHeader = "Arthur-Organization-ID"

// cookieName is the login cookie the client reads its token from.
const cookieName = "Authorization"

type server struct {
	env *web.Env
}

// Mount serves the Arthur surface under /api/v3/.
func Mount(api *httpapi.Server, env *web.Env) {
	s := &server{env: env}
	mux := http.NewServeMux()
	route := func(pattern string, h http.HandlerFunc) {
		mux.Handle(pattern, env.Handle(surface, pattern, h, writeInternal))
	}
	route("POST /api/v3/login", s.login)
	route("GET /api/v3/users/me", s.authed(s.getMe))
	route("PATCH /api/v3/users/me", s.authed(s.patchMe))
	route("GET /api/v3/users/me/auth_info", s.authed(s.authInfo))
	route("GET /api/v3/users", s.authed(s.listUsers))
	route("POST /api/v3/users", s.authed(s.createUser))
	route("GET /api/v3/users/{user_id}", s.authed(s.getUser))
	route("PATCH /api/v3/users/{user_id}", s.authed(s.patchUser))
	route("DELETE /api/v3/users/{user_id}", s.authed(s.deleteUser))
	route("/api/v3/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, env, iam.E(iam.NotFound, "not_found", "no such endpoint: "+r.Method+" "+r.URL.Path))
	})
	api.Mount("/api/v3/", mux)
}

// authed authenticates the request's token and charges the principal's
// rate limit before h runs with the principal in its context.
func (s *server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token := web.Token(r)
		if token == "" {
			if !s.limit(w, r, nil) {
				return
			}
			writeError(w, r, s.env, iam.E(iam.Unauthenticated, "unauthenticated",
				"this request needs a token: Authorization: <token>"))
			return
		}
		p, err := s.env.Svc.Auth.Authenticate(r.Context(), token)
		if err != nil {
			// A failed authentication still costs the address a token.
			if !s.limit(w, r, nil) {
				return
			}
			writeError(w, r, s.env, err)
			return
		}
		if !s.limit(w, r, p) {
			return
		}
		h(w, r.WithContext(iam.WithPrincipal(r.Context(), p)))
	}
}

// limit charges the request to the API rate limit (the principal's bucket,
// or the address's when p is nil) and answers 429 when it is spent.
func (s *server) limit(w http.ResponseWriter, r *http.Request, p *iam.Principal) bool {
	q := s.env.Limit(r, p)
	if q.OK {
		return true
	}
	writeError(w, r, s.env, &iam.Error{Kind: iam.RateLimited, Code: "rate_limited",
		Message: "too many requests; slow down", RetryAfter: q.RetryAfter})
	return false
}
