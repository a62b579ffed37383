// Package squirro speaks the Squirro user API (SquirroClient's
// UserApiMixin) under /api/user: the token endpoint, users, grants,
// project members, groups and external authentications. It translates
// only; every rule is the service layer's.
//
// Decisions where Squirro's documentation is silent:
//   - {tenant} is the caller's organization ID (22-character base64url, as
//     the token response's "tenant" gives it; any encoding iam.ParseID
//     accepts works). Any other tenant is 404, so another organization's
//     objects are never reached through the path.
//   - {version} is v0 or v1; both serve every route, except that PUT on a
//     user takes a JSON body in v1 and a form body otherwise.
//   - IDs are 22-character base64url (iam.ID.Base64()); all encodings are
//     accepted on input.
package squirro

import (
	"net/http"

	"github.com/wardenhq/warden/internal/compat/web"
	"github.com/wardenhq/warden/internal/httpapi"
)

// surfaceName is what audit events and logs record.
const surfaceName = "squirro"

// prefix is where SquirroClient's user_api_url points: {cluster}/api/user.
const prefix = "/api/user"

type surface struct {
	env *web.Env
	mux *http.ServeMux
}

// Mount serves the Squirro user API on api.
func Mount(api *httpapi.Server, env *web.Env) {
	s := &surface{env: env, mux: http.NewServeMux()}

	s.public("POST /oauth2/token", s.token)
	s.public("GET /msexchange/oauth2_token", s.authenticated(s.msexchangeToken))

	s.tenant("GET /users", s.listUsers)
	s.tenant("POST /users", s.addUser)
	s.tenant("GET /users/password_policy", s.passwordPolicy)
	s.tenant("GET /users/{user}", s.getUser)
	s.tenant("PUT /users/{user}", s.updateUser)
	s.tenant("DELETE /users/{user}", s.deleteUser)
	s.tenant("PUT /users/{user}/password", s.changePassword)
	s.tenant("GET /users/{user}/grants", s.listGrants)
	s.tenant("POST /users/{user}/grants", s.newGrant)
	s.tenant("DELETE /users/{user}/sessions/{id}", s.deleteSession)

	s.tenant("GET /authentications/{service}/{user}", s.getAuthentication)
	s.tenant("POST /authentications/{service}/{user}", s.putAuthentication)
	s.tenant("DELETE /authentications/{service}/{user}", s.deleteAuthentication)

	s.tenant("GET /projects/{project}/members", s.listMembers)
	s.tenant("POST /projects/{project}/members", s.addMember)
	s.tenant("PUT /projects/{project}/members/{member}", s.updateMember)
	s.tenant("DELETE /projects/{project}/members/{member}", s.deleteMember)

	s.tenant("GET /groups", s.listGroups)
	s.tenant("POST /groups", s.createGroup)
	s.tenant("GET /groups/{group}", s.getGroup)
	s.tenant("PUT /groups/{group}", s.updateGroup)
	s.tenant("POST /groups/{group}", s.addGroupMember)
	s.tenant("DELETE /groups/{group}", s.deleteGroup)
	s.tenant("DELETE /groups/{group}/members/{user}", s.deleteGroupMember)

	s.mux.Handle(prefix+"/", env.Handle(surfaceName, prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such resource")
	}, internalError))
	api.Mount(prefix+"/", s.mux)
}
