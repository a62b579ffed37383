package httpapi

import (
	"net/http"

	"github.com/wardenhq/warden/internal/authz"
)

// Route is one entry of the route table.
type Route struct {
	Method string
	Path   string // a net/http pattern path: /v1/users/{id}
	// Permission is what the caller needs. Routes marked Self also let users
	// act on their own record without it; "" means any authenticated caller.
	Permission string
	Self       bool
	Public     bool // no authentication at all
	handle     func(http.ResponseWriter, *http.Request) error
}

// routeTable lists every route of the native API.
func (s *Server) routeTable() []Route {
	return []Route{
		{Method: "GET", Path: "/healthz", Public: true, handle: s.healthz},
		{Method: "GET", Path: "/readyz", Public: true, handle: s.readyz},
		{Method: "GET", Path: "/metrics", Public: true, handle: s.metricsHandler},
		{Method: "GET", Path: "/openapi.json", Public: true, handle: s.openAPI},
		{Method: "GET", Path: "/.well-known/jwks.json", Public: true, handle: s.jwks},

		{Method: "POST", Path: "/v1/signup", Public: true, handle: s.signup},
		{Method: "POST", Path: "/v1/login", Public: true, handle: s.login},
		{Method: "POST", Path: "/v1/logout", handle: s.logout},
		{Method: "GET", Path: "/v1/whoami", handle: s.whoami},

		{Method: "GET", Path: "/v1/users", Permission: authz.UsersRead, handle: s.listUsers},
		{Method: "POST", Path: "/v1/users", Permission: authz.UsersCreate, handle: s.createUser},
		{Method: "GET", Path: "/v1/users/current", handle: s.currentUser},
		{Method: "GET", Path: "/v1/users/{id}", Permission: authz.UsersRead, Self: true, handle: s.getUser},
		{Method: "PATCH", Path: "/v1/users/{id}", Permission: authz.UsersUpdate, Self: true, handle: s.patchUser},
		{Method: "DELETE", Path: "/v1/users/{id}", Permission: authz.UsersDelete, handle: s.deleteUser},

		{Method: "GET", Path: "/v1/orgs", Permission: authz.InstanceOrgs, handle: s.listOrgs},
		{Method: "POST", Path: "/v1/orgs", Permission: authz.InstanceOrgs, handle: s.createOrg},
		{Method: "GET", Path: "/v1/orgs/{id}", Permission: authz.OrgsRead, handle: s.getOrg},
		{Method: "PATCH", Path: "/v1/orgs/{id}", Permission: authz.OrgsUpdate, handle: s.patchOrg},
		{Method: "DELETE", Path: "/v1/orgs/{id}", Permission: authz.InstanceOrgs, handle: s.deleteOrg},

		{Method: "GET", Path: "/v1/audit-events", Permission: authz.AuditRead, handle: s.listAudit},
		{Method: "GET", Path: "/v1/audit-events/verify", Permission: authz.AuditRead, handle: s.verifyAudit},
	}
}
