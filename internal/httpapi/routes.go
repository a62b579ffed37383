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
	// Scope is where Permission is checked: "" for the organization,
	// "workspace"/"project" for the one the path names, "body" for the one
	// the request body names, "binding" for the binding's own scope.
	Scope  string
	Public bool // no authentication at all
	// Queued marks a costly read: at most Config.ListConcurrency of them
	// run at once, and the rest wait in order of arrival. Under load, with
	// every page running at once, the Go scheduler shares the cores among
	// them in 10 ms slices in no set order; one page per core, in turn,
	// finishes in about its own time plus the queue ahead of it.
	Queued bool
	handle func(http.ResponseWriter, *http.Request) error
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

		// OAuth 2.0: public, since they authenticate clients themselves (oauth.go).
		{Method: "POST", Path: "/oauth/token", Public: true, handle: s.oauthToken},
		{Method: "POST", Path: "/oauth/revoke", Public: true, handle: s.oauthRevoke},
		{Method: "POST", Path: "/oauth/introspect", Public: true, handle: s.oauthIntrospect},
		{Method: "GET", Path: "/v1/users/{id}/grants", Permission: authz.SessionsRead, Self: true, handle: s.listGrants},
		{Method: "POST", Path: "/v1/users/{id}/grants", Permission: authz.PasswordsSet, Self: true, handle: s.createGrant},
		{Method: "DELETE", Path: "/v1/users/{id}/grants/{grant_id}", Permission: authz.SessionsDelete, Self: true, handle: s.deleteGrant},
		{Method: "GET", Path: "/v1/oauth-clients", Permission: authz.OrgsUpdate, handle: s.listOAuthClients},
		{Method: "POST", Path: "/v1/oauth-clients", Permission: authz.OrgsUpdate, handle: s.createOAuthClient},
		{Method: "DELETE", Path: "/v1/oauth-clients/{client_id}", Permission: authz.OrgsUpdate, handle: s.deleteOAuthClient},

		{Method: "GET", Path: "/v1/users", Permission: authz.UsersRead, Queued: true, handle: s.listUsers},
		{Method: "POST", Path: "/v1/users", Permission: authz.UsersCreate, handle: s.createUser},
		{Method: "GET", Path: "/v1/users/current", handle: s.currentUser},
		{Method: "GET", Path: "/v1/users/{id}", Permission: authz.UsersRead, Self: true, handle: s.getUser},
		{Method: "PATCH", Path: "/v1/users/{id}", Permission: authz.UsersUpdate, Self: true, handle: patchByID[userPatch](s.svc.Users.Update, toUserJSON)},
		{Method: "DELETE", Path: "/v1/users/{id}", Permission: authz.UsersDelete, handle: deleteByID(s.svc.Users.Delete)},

		{Method: "GET", Path: "/v1/orgs", Permission: authz.InstanceOrgs, handle: s.listOrgs},
		{Method: "POST", Path: "/v1/orgs", Permission: authz.InstanceOrgs, handle: s.createOrg},
		{Method: "GET", Path: "/v1/orgs/{id}", Permission: authz.OrgsRead, handle: getByID(s.svc.Orgs.Get, toOrgJSON)},
		{Method: "PATCH", Path: "/v1/orgs/{id}", Permission: authz.OrgsUpdate, handle: patchByID[orgPatch](s.svc.Orgs.Update, toOrgJSON)},
		{Method: "DELETE", Path: "/v1/orgs/{id}", Permission: authz.InstanceOrgs, handle: deleteByID(s.svc.Orgs.Delete)},

		{Method: "GET", Path: "/v1/audit-events", Permission: authz.AuditRead, handle: s.listAudit},
		{Method: "GET", Path: "/v1/audit-events/verify", Permission: authz.AuditRead, handle: s.verifyAudit},

		{Method: "GET", Path: "/v1/users/{id}/capabilities", Permission: authz.UsersRead, Self: true, handle: s.getCapabilities},
		{Method: "PATCH", Path: "/v1/users/{id}/capabilities", Permission: authz.UsersCapabilities, handle: s.patchCapabilities},
		{Method: "GET", Path: "/v1/users/{id}/permissions", Permission: authz.UsersRead, Self: true, handle: s.userPermissions},
		{Method: "GET", Path: "/v1/users/{id}/projects", Permission: authz.UsersRead, Self: true, handle: s.userProjects},

		{Method: "GET", Path: "/v1/permissions", Permission: authz.PermissionsRead, handle: s.listPermissions},
		{Method: "GET", Path: "/v1/roles", Permission: authz.RolesRead, handle: s.listRoles},
		{Method: "POST", Path: "/v1/roles", Permission: authz.RolesCreate, handle: s.createRole},
		{Method: "GET", Path: "/v1/roles/{key}", Permission: authz.RolesRead, handle: s.getRole},
		{Method: "PUT", Path: "/v1/roles/{key}", Permission: authz.RolesUpdate, handle: s.replaceRole},
		{Method: "PATCH", Path: "/v1/roles/{key}", Permission: authz.RolesUpdate, handle: s.patchRole},
		{Method: "DELETE", Path: "/v1/roles/{key}", Permission: authz.RolesDelete, handle: s.deleteRole},
		{Method: "GET", Path: "/v1/role-bindings", Permission: authz.RoleBindingsRead, handle: s.listBindings},
		{Method: "POST", Path: "/v1/role-bindings", Permission: authz.RoleBindingsCreate, Scope: "body", handle: s.createBinding},
		{Method: "DELETE", Path: "/v1/role-bindings/{id}", Permission: authz.RoleBindingsDelete, Scope: "binding", handle: s.deleteBinding},
		{Method: "GET", Path: "/v1/authz/check", Permission: authz.AuthzCheck, handle: s.authzCheck},

		{Method: "GET", Path: "/v1/groups", Permission: authz.GroupsRead, handle: s.listGroups},
		{Method: "POST", Path: "/v1/groups", Permission: authz.GroupsCreate, handle: s.createGroup},
		{Method: "GET", Path: "/v1/groups/{id}", Permission: authz.GroupsRead, handle: s.getGroup},
		{Method: "PATCH", Path: "/v1/groups/{id}", Permission: authz.GroupsUpdate, handle: patchByID[groupRequest](s.svc.Groups.Update, toGroupJSON)},
		{Method: "DELETE", Path: "/v1/groups/{id}", Permission: authz.GroupsDelete, handle: deleteByID(s.svc.Groups.Delete)},
		{Method: "GET", Path: "/v1/groups/{id}/members", Permission: authz.GroupsRead, handle: s.listGroupMembers},
		{Method: "PUT", Path: "/v1/groups/{id}/members/{principal_id}", Permission: authz.GroupsMembers, handle: s.putGroupMember},
		{Method: "DELETE", Path: "/v1/groups/{id}/members/{principal_id}", Permission: authz.GroupsMembers, handle: s.deleteGroupMember},

		{Method: "GET", Path: "/v1/workspaces", handle: s.listWorkspaces},
		{Method: "POST", Path: "/v1/workspaces", Permission: authz.WorkspacesCreate, handle: s.createWorkspace},
		{Method: "GET", Path: "/v1/workspaces/{id}", Permission: authz.WorkspacesRead, Scope: "workspace", handle: s.getWorkspace},
		{Method: "PATCH", Path: "/v1/workspaces/{id}", Permission: authz.WorkspacesUpdate, Scope: "workspace", handle: patchByID[workspacePatch](s.svc.Workspaces.Update, toWorkspaceJSON)},
		{Method: "DELETE", Path: "/v1/workspaces/{id}", Permission: authz.WorkspacesDelete, Scope: "workspace", handle: deleteByID(s.svc.Workspaces.Delete)},
		{Method: "GET", Path: "/v1/workspaces/{id}/members", Permission: authz.WorkspacesRead, Scope: "workspace", handle: s.workspaceMembers().listHandler},
		{Method: "PUT", Path: "/v1/workspaces/{id}/members/{principal_id}", Permission: authz.WorkspacesMembers, Scope: "workspace", handle: s.workspaceMembers().putHandler},
		{Method: "DELETE", Path: "/v1/workspaces/{id}/members/{principal_id}", Permission: authz.WorkspacesMembers, Scope: "workspace", handle: s.workspaceMembers().deleteHandler},

		{Method: "GET", Path: "/v1/projects", handle: s.listProjects},
		{Method: "POST", Path: "/v1/projects", Permission: authz.ProjectsCreate, Scope: "body", handle: s.createProject},
		{Method: "GET", Path: "/v1/projects/{id}", Permission: authz.ProjectsRead, Scope: "project", handle: getByID(s.svc.Projects.Get, toProjectJSON)},
		{Method: "PATCH", Path: "/v1/projects/{id}", Permission: authz.ProjectsUpdate, Scope: "project", handle: patchByID[projectPatch](s.svc.Projects.Update, toProjectJSON)},
		{Method: "DELETE", Path: "/v1/projects/{id}", Permission: authz.ProjectsDelete, Scope: "project", handle: deleteByID(s.svc.Projects.Delete)},
		{Method: "GET", Path: "/v1/projects/{id}/members", Permission: authz.ProjectsRead, Scope: "project", handle: s.projectMembers().listHandler},
		{Method: "PUT", Path: "/v1/projects/{id}/members/{principal_id}", Permission: authz.ProjectsMembers, Scope: "project", handle: s.projectMembers().putHandler},
		{Method: "DELETE", Path: "/v1/projects/{id}/members/{principal_id}", Permission: authz.ProjectsMembers, Scope: "project", handle: s.projectMembers().deleteHandler},

		{Method: "GET", Path: "/v1/users/{id}/api-keys", Permission: authz.APIKeysRead, Self: true, handle: s.userKeys().list},
		{Method: "POST", Path: "/v1/users/{id}/api-keys", Permission: authz.APIKeysCreate, Self: true, handle: s.userKeys().create},
		{Method: "POST", Path: "/v1/users/{id}/api-keys/{key_id}/renew", Permission: authz.APIKeysCreate, Self: true, handle: s.userKeys().renew},
		{Method: "DELETE", Path: "/v1/users/{id}/api-keys/{key_id}", Permission: authz.APIKeysCreate, Self: true, handle: s.userKeys().revoke},
		{Method: "GET", Path: "/v1/users/{id}/sessions", Permission: authz.SessionsRead, Self: true, handle: s.listSessions},
		{Method: "DELETE", Path: "/v1/users/{id}/sessions", Permission: authz.SessionsDelete, Self: true, handle: s.deleteSessions},
		{Method: "GET", Path: "/v1/users/{id}/sessions/{sid}", Permission: authz.SessionsRead, Self: true, handle: s.getSession},
		{Method: "DELETE", Path: "/v1/users/{id}/sessions/{sid}", Permission: authz.SessionsDelete, Self: true, handle: s.deleteSession},
		{Method: "GET", Path: "/v1/service-accounts", Permission: authz.ServiceAccountsRead, handle: s.listServiceAccounts},
		{Method: "POST", Path: "/v1/service-accounts", Permission: authz.ServiceAccountsCreate, handle: s.createServiceAccount},
		{Method: "GET", Path: "/v1/service-accounts/{id}", Permission: authz.ServiceAccountsRead, handle: getByID(s.svc.ServiceAccounts.Get, toServiceAccountJSON)},
		{Method: "PATCH", Path: "/v1/service-accounts/{id}", Permission: authz.ServiceAccountsUpdate, handle: patchByID[serviceAccountPatch](s.svc.ServiceAccounts.Update, toServiceAccountJSON)},
		{Method: "DELETE", Path: "/v1/service-accounts/{id}", Permission: authz.ServiceAccountsDelete, handle: deleteByID(s.svc.ServiceAccounts.Delete)},
		{Method: "GET", Path: "/v1/service-accounts/{id}/api-keys", Permission: authz.APIKeysRead, handle: s.serviceAccountKeys().list},
		{Method: "POST", Path: "/v1/service-accounts/{id}/api-keys", Permission: authz.APIKeysCreate, handle: s.serviceAccountKeys().create},
		{Method: "POST", Path: "/v1/service-accounts/{id}/api-keys/{key_id}/renew", Permission: authz.APIKeysCreate, handle: s.serviceAccountKeys().renew},
		{Method: "DELETE", Path: "/v1/service-accounts/{id}/api-keys/{key_id}", Permission: authz.APIKeysCreate, handle: s.serviceAccountKeys().revoke},
		{Method: "GET", Path: "/v1/service-accounts/{id}/clients", Permission: authz.ServiceAccountsRead, handle: s.listServiceAccountClients},
		{Method: "POST", Path: "/v1/service-accounts/{id}/clients", Permission: authz.ServiceAccountsUpdate, handle: s.createServiceAccountClient},
		{Method: "DELETE", Path: "/v1/service-accounts/{id}/clients/{client_id}", Permission: authz.ServiceAccountsUpdate, handle: s.deleteServiceAccountClient},

		// Authentication methods, MFA and passwords (mfa.go, passwords.go).
		{Method: "POST", Path: "/v1/login/mfa", Public: true, handle: s.loginMFA},
		{Method: "POST", Path: "/v1/login/mfa/sms", Public: true, handle: s.loginSMS},
		{Method: "GET", Path: "/v1/users/{id}/auth-methods", Permission: authz.MFAManage, Self: true, handle: s.listAuthMethods},
		{Method: "PUT", Path: "/v1/users/{id}/auth-methods/{method}", Permission: authz.MFAManage, Self: true, handle: s.enableAuthMethod},
		{Method: "DELETE", Path: "/v1/users/{id}/auth-methods/{method}", Permission: authz.MFAManage, Self: true, handle: s.disableAuthMethod},
		{Method: "POST", Path: "/v1/users/{id}/auth-methods/totp", Permission: authz.MFAManage, Self: true, handle: s.enrollTOTP},
		{Method: "POST", Path: "/v1/users/{id}/auth-methods/totp/verify", Permission: authz.MFAManage, Self: true, handle: s.verifyTOTP},
		{Method: "POST", Path: "/v1/users/{id}/auth-methods/sms", Permission: authz.MFAManage, Self: true, handle: s.enrollSMS},
		{Method: "POST", Path: "/v1/users/{id}/auth-methods/sms/verify", Permission: authz.MFAManage, Self: true, handle: s.verifySMS},
		{Method: "DELETE", Path: "/v1/users/{id}/auth-methods/sms", Permission: authz.MFAManage, Self: true, handle: s.disableSMS},
		{Method: "GET", Path: "/v1/users/{id}/sms-codes/{token_suffix}", Permission: authz.MFAManage, handle: s.getSMSCode},
		{Method: "POST", Path: "/v1/users/{id}/recovery-codes", Permission: authz.MFAManage, Self: true, handle: s.regenerateRecoveryCodes},
		{Method: "PUT", Path: "/v1/users/{id}/password", Permission: authz.PasswordsSet, Self: true, handle: s.changePassword},
		{Method: "GET", Path: "/v1/password-policy", Permission: authz.PasswordPolicyRead, handle: s.getPasswordPolicy},
		{Method: "PUT", Path: "/v1/password-policy", Permission: authz.PasswordPolicyUpdate, handle: s.putPasswordPolicy},

		// External authentications, identity links and API tokens (external.go, apitokens.go).
		{Method: "GET", Path: "/v1/users/{id}/authentications", Permission: authz.AuthenticationsRead, Self: true, handle: s.listAuthentications},
		{Method: "GET", Path: "/v1/users/{id}/authentications/{service}", Permission: authz.AuthenticationsRead, Self: true, handle: s.getAuthentication},
		{Method: "PUT", Path: "/v1/users/{id}/authentications/{service}", Permission: authz.AuthenticationsWrite, Self: true, handle: s.putAuthentication},
		{Method: "DELETE", Path: "/v1/users/{id}/authentications/{service}", Permission: authz.AuthenticationsWrite, Self: true, handle: s.deleteAuthentication},
		{Method: "GET", Path: "/v1/users/{id}/identities", Permission: authz.AuthenticationsRead, Self: true, handle: s.listIdentities},
		{Method: "GET", Path: "/v1/users/{id}/identities/{issuer}", Permission: authz.AuthenticationsRead, Self: true, handle: s.getIdentity},
		{Method: "PUT", Path: "/v1/users/{id}/identities/{issuer}", Permission: authz.AuthenticationsWrite, handle: s.putIdentity},
		{Method: "DELETE", Path: "/v1/users/{id}/identities/{issuer}", Permission: authz.AuthenticationsWrite, Self: true, handle: s.deleteIdentity},
		{Method: "GET", Path: "/v1/api-tokens", handle: s.listAPITokens},
		{Method: "POST", Path: "/v1/api-tokens/rotate", handle: s.rotateAPIToken},
	}
}
