// Package thousandeyes speaks the ThousandEyes Administrative API v7
// (account groups, users, roles, permissions, activity log) and its API
// token rotation on /v7/…, so that ThousandEyes' published clients work
// against Warden. It translates only: every rule lives in internal/service.
//
// The translation, where the vendor's model and Warden's differ:
//
//   - An account group is a Warden workspace; its aid is the workspace's
//     number (Seq). Users, roles and permissions belong to the organization,
//     so the aid parameter only selects the context and is refused (403)
//     for account groups the caller cannot see.
//   - A user's uid is the user's number. accountGroupRoles are the user's
//     own workspace-scope role bindings, allAccountGroupRoles its org-scope
//     ones (roles that apply in every account group); both are replaced,
//     never merged, when a request carries them. The login account group is
//     kept in the user's metadata under "thousandeyes"; without one it is
//     the first account group the user holds a role in.
//   - Role IDs: the built-in roles Warden binds to users keep fixed numbers
//     1 to 8 (builtinRoles below: the org roles admin, user, reader, demo,
//     then the workspace roles project.reader, project.member,
//     project.admin, project.owner); a custom role is 1000 + its number.
//     SailPoint's capabilities are not ThousandEyes roles and are not shown.
//   - Permission IDs are the catalog's (authz.Catalog); "permission" is the
//     catalog name upper-cased with dots as underscores (users.read →
//     USERS_READ).
//   - The activity log is the organization's audit log, newest first,
//     paged by an opaque cursor that keeps the first page's time range.
package thousandeyes

import (
	"net/http"

	"github.com/wardenhq/warden/internal/compat/web"
	"github.com/wardenhq/warden/internal/httpapi"
)

const surface = "thousandeyes"

// defaultPageSize is how many activity-log events one page holds.
const defaultPageSize = 100

// Mount serves the surface on /v7/.
func Mount(api *httpapi.Server, env *web.Env) {
	mount(api, env, defaultPageSize)
}

type server struct {
	env      *web.Env
	pageSize int
}

func mount(api *httpapi.Server, env *web.Env, pageSize int) {
	s := &server{env: env, pageSize: pageSize}
	mux := http.NewServeMux()
	routes := []struct {
		pattern string
		h       handler
	}{
		{"GET /v7/account-groups", s.listAccountGroups},
		{"POST /v7/account-groups", s.createAccountGroup},
		{"GET /v7/account-groups/{id}", s.getAccountGroup},
		{"PUT /v7/account-groups/{id}", s.updateAccountGroup},
		{"DELETE /v7/account-groups/{id}", s.deleteAccountGroup},
		{"GET /v7/users", s.listUsers},
		{"POST /v7/users", s.createUser},
		{"GET /v7/users/current", s.currentUser},
		{"GET /v7/users/{id}", s.getUser},
		{"PUT /v7/users/{id}", s.updateUser},
		{"DELETE /v7/users/{id}", s.deleteUser},
		{"GET /v7/roles", s.listRoles},
		{"POST /v7/roles", s.createRole},
		{"GET /v7/roles/{id}", s.getRole},
		{"PUT /v7/roles/{id}", s.updateRole},
		{"DELETE /v7/roles/{id}", s.deleteRole},
		{"GET /v7/permissions", s.listPermissions},
		{"GET /v7/audit-user-events", s.listUserEvents},
		{"POST /v7/api-tokens", s.rotateAPIToken},
	}
	for _, rt := range routes {
		mux.Handle(rt.pattern, s.handle(rt.pattern, rt.h, true))
	}
	mux.Handle("/v7/", s.handle("/v7/", func(w http.ResponseWriter, r *http.Request, c *call) error {
		return errNoRoute
	}, false))
	api.Mount("/v7/", mux)
}
