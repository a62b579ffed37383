// Package sailpoint speaks SailPoint Identity Security Cloud's v3 Auth Users
// API (GET and PATCH /v3/auth-users/{id}) so that SailPoint's published
// clients work against Warden. Its clients obtain their tokens from
// Warden's own /oauth/token (client_credentials, refresh_token), which the
// native API serves. The surface only translates: the rules live in
// internal/service.
package sailpoint

import (
	"net/http"

	"github.com/wardenhq/warden/internal/compat/web"
	"github.com/wardenhq/warden/internal/httpapi"
)

// Surface is the name the audit log records for changes made through it.
const Surface = "sailpoint"

// Mount serves the surface under /v3/ on api.
func Mount(api *httpapi.Server, env *web.Env) {
	api.Mount("/v3/", Handler(env))
}

// Handler is the surface's router: the auth-users routes, a 405 for other
// methods on them and a 404 for every other /v3 path, all in SailPoint's
// error bodies.
func Handler(env *web.Env) http.Handler {
	s := &surface{env: env}
	mux := http.NewServeMux()
	route := func(pattern, name string, h http.HandlerFunc) {
		mux.Handle(pattern, env.Handle(Surface, name, h, s.internalError))
	}
	route("GET /v3/auth-users/{id}", "GET /v3/auth-users/{id}", s.getAuthUser)
	route("PATCH /v3/auth-users/{id}", "PATCH /v3/auth-users/{id}", s.patchAuthUser)
	route("/v3/auth-users/{id}", "/v3/auth-users/{id}", s.methodNotAllowed)
	route("/v3/", "/v3/", s.notFound)
	return mux
}

type surface struct {
	env *web.Env
}
