// Package sailpoint speaks SailPoint Identity Security Cloud's Auth Users
// API (GET and PATCH /v3/auth-users/{id}, and the same under /v2026) so
// that SailPoint's published clients work against Warden. Its clients
// obtain their tokens from Warden's own /oauth/token (client_credentials,
// refresh_token), which the native API serves. The surface only
// translates: the rules live in internal/service.
package sailpoint

import (
	"net/http"

	"github.com/wardenhq/warden/internal/compat/web"
	"github.com/wardenhq/warden/internal/httpapi"
)

// Surface is the name the audit log records for changes made through it.
const Surface = "sailpoint"

// version is one API version the surface serves, under its own path
// prefix. SailPoint's clients call the same auth-users operations under
// each, with the same bodies; a later version's document lists more
// capabilities.
type version struct {
	name string
	// later are the capabilities this version's document does not list:
	// its answers leave them out, and its PATCH neither sees nor sets them
	// (a user keeps those it holds).
	later []string
}

// versions are those served: v3, and v2026, whose document adds INTERNAL
// and POLICY_ADMIN.
var versions = []version{{name: "v3", later: []string{"INTERNAL", "POLICY_ADMIN"}}, {name: "v2026"}}

// Mount serves the surface under each version's prefix on api.
func Mount(api *httpapi.Server, env *web.Env) {
	h := Handler(env)
	for _, v := range versions {
		api.Mount("/"+v.name+"/", h)
	}
}

// Handler is the surface's router: the auth-users routes of each version, a
// 405 for other methods on them and a 404 for every other path under a
// version, all in SailPoint's error bodies.
func Handler(env *web.Env) http.Handler {
	s := &surface{env: env}
	mux := http.NewServeMux()
	route := func(pattern string, h http.HandlerFunc) {
		mux.Handle(pattern, env.Handle(Surface, pattern, h, s.internalError))
	}
	for _, v := range versions {
		p := "/" + v.name
		route("GET "+p+"/auth-users/{id}", s.getAuthUser(v))
		route("PATCH "+p+"/auth-users/{id}", s.patchAuthUser(v))
		route(p+"/auth-users/{id}", s.methodNotAllowed)
		route(p+"/", s.notFound)
	}
	return mux
}

type surface struct {
	env *web.Env
}
