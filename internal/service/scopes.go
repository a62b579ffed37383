package service

import (
	"context"
	"strings"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// caller is the principal of ctx, or Unauthenticated.
func caller(ctx context.Context) (*iam.Principal, error) {
	p := iam.PrincipalFrom(ctx)
	if p == nil {
		return nil, errUnauthenticated
	}
	return p, nil
}

// resolveTarget turns a scope of the caller's organization into the target
// the engine checks, loading a project to learn its workspace. Scopes of
// other organizations are not found.
func resolveTarget(ctx context.Context, q iam.Queries, org iam.ID, scopeType string, id iam.ID) (authz.Target, error) {
	switch scopeType {
	case iam.ScopeOrg:
		if id != org {
			return orgLevel, iam.ErrNotFound("organization")
		}
		return orgLevel, nil
	case iam.ScopeWorkspace:
		if _, err := q.GetWorkspace(ctx, org, id); err != nil {
			return orgLevel, err
		}
		return authz.Target{Workspace: id}, nil
	case iam.ScopeProject:
		p, err := q.GetProject(ctx, org, id)
		if err != nil {
			return orgLevel, err
		}
		return authz.Target{Workspace: p.WorkspaceID, Project: id}, nil
	}
	return orgLevel, iam.InvalidFields(iam.FieldError{Field: "scope.type", Message: "must be org, workspace or project"})
}

// ParseScope reads "type:id" (or just "org"), the scope syntax of query
// parameters; a bare "org" means the caller's organization.
func ParseScope(s string, org iam.ID) (string, iam.ID, error) {
	typ, rest, _ := strings.Cut(s, ":")
	if typ == iam.ScopeOrg && rest == "" {
		return typ, org, nil
	}
	id, err := iam.ParseID(rest)
	if err != nil || (typ != iam.ScopeOrg && typ != iam.ScopeWorkspace && typ != iam.ScopeProject) {
		return "", iam.NilID, iam.InvalidFields(iam.FieldError{Field: "scope", Message: "must be org, workspace:<id> or project:<id>"})
	}
	return typ, id, nil
}

// Resource role names as members APIs speak them, and their role keys.
var resourceRoles = map[string]string{
	"reader": "project.reader",
	"member": "project.member",
	"admin":  "project.admin",
	"owner":  "project.owner",
}

// resourceRoleKey maps a member role name (or a resource role key) to its key.
func resourceRoleKey(name string) (string, bool) {
	if key, ok := resourceRoles[name]; ok {
		return key, true
	}
	for _, key := range resourceRoles {
		if key == name {
			return key, true
		}
	}
	return "", false
}

// resourceRoleName is the member role name of a role key ("" if none).
func resourceRoleName(key string) string {
	for name, k := range resourceRoles {
		if k == key {
			return name
		}
	}
	return ""
}

// roleRank orders resource roles so a member's strongest one can be shown.
func roleRank(key string) int {
	switch key {
	case "project.owner":
		return 4
	case "project.admin":
		return 3
	case "project.member":
		return 2
	case "project.reader":
		return 1
	}
	return 0
}
