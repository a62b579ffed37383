package client

import (
	"context"
	"net/url"

	"github.com/wardenhq/warden/internal/iam"
)

// Workspace is a workspace as the API returns it.
type Workspace struct {
	ID       iam.ID    `json:"id"`
	Title    string    `json:"title"`
	Domain   string    `json:"domain"`
	Projects []Project `json:"projects,omitempty"`
}

// Project is a project as the API returns it.
type Project struct {
	ID          iam.ID `json:"id"`
	WorkspaceID iam.ID `json:"workspace_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Group is a group as the API returns it.
type Group struct {
	ID          iam.ID `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Member is a user or group holding a role at a workspace or project.
type Member struct {
	MemberType  string   `json:"member_type"`
	MemberID    iam.ID   `json:"member_id"`
	Role        string   `json:"role"`
	Permissions []string `json:"permissions"`
}

// Binding is a role binding.
type Binding struct {
	ID      iam.ID `json:"id"`
	Subject Ref    `json:"subject"`
	Role    string `json:"role"`
	Scope   Ref    `json:"scope"`
}

// Decision is the answer of Check: whether it is allowed, and which
// bindings grant it.
type Decision struct {
	Allowed bool `json:"allowed"`
	Because []struct {
		BindingID iam.ID `json:"binding_id"`
		Subject   Ref    `json:"subject"`
		Role      string `json:"role"`
		Scope     Ref    `json:"scope"`
	} `json:"because"`
}

func (c *Client) CreateWorkspace(ctx context.Context, title string) (*Workspace, error) {
	var out Workspace
	return &out, c.do(ctx, "POST", "/v1/workspaces", nil, jsonType, map[string]string{"title": title}, &out)
}

func (c *Client) ListWorkspaces(ctx context.Context) ([]Workspace, error) {
	var out struct {
		Workspaces []Workspace `json:"workspaces"`
	}
	return out.Workspaces, c.do(ctx, "GET", "/v1/workspaces", url.Values{"include": {"projects"}}, "", nil, &out)
}

func (c *Client) CreateProject(ctx context.Context, workspace iam.ID, name string) (*Project, error) {
	var out Project
	in := map[string]any{"workspace_id": workspace, "name": name}
	return &out, c.do(ctx, "POST", "/v1/projects", nil, jsonType, in, &out)
}

func (c *Client) GetProject(ctx context.Context, id iam.ID) (*Project, error) {
	var out Project
	return &out, c.do(ctx, "GET", "/v1/projects/"+id.String(), nil, "", nil, &out)
}

// PatchProject changes a project with a JSON Merge Patch.
func (c *Client) PatchProject(ctx context.Context, id iam.ID, patch map[string]any) (*Project, error) {
	var out Project
	return &out, c.do(ctx, "PATCH", "/v1/projects/"+id.String(), nil, MergePatch, patch, &out)
}

// PutProjectMember gives a user or group (by ID, or a user by email) a
// project role: reader, member, admin or owner.
func (c *Client) PutProjectMember(ctx context.Context, project iam.ID, principal, role string) (*Member, error) {
	var out Member
	path := "/v1/projects/" + project.String() + "/members/" + url.PathEscape(principal)
	return &out, c.do(ctx, "PUT", path, nil, jsonType, map[string]string{"role": role}, &out)
}

func (c *Client) RemoveProjectMember(ctx context.Context, project iam.ID, principal string) error {
	return c.do(ctx, "DELETE", "/v1/projects/"+project.String()+"/members/"+url.PathEscape(principal), nil, "", nil, nil)
}

func (c *Client) CreateGroup(ctx context.Context, name string) (*Group, error) {
	var out Group
	return &out, c.do(ctx, "POST", "/v1/groups", nil, jsonType, map[string]string{"name": name}, &out)
}

func (c *Client) AddGroupMember(ctx context.Context, group, principal iam.ID) error {
	return c.do(ctx, "PUT", "/v1/groups/"+group.String()+"/members/"+principal.String(), nil, "", nil, nil)
}

// Bind grants role to subject at scope.
func (c *Client) Bind(ctx context.Context, subject Ref, role string, scope Ref) (*Binding, error) {
	var out Binding
	in := map[string]any{"subject": subject, "role": role, "scope": scope}
	return &out, c.do(ctx, "POST", "/v1/role-bindings", nil, jsonType, in, &out)
}

func (c *Client) Unbind(ctx context.Context, id iam.ID) error {
	return c.do(ctx, "DELETE", "/v1/role-bindings/"+id.String(), nil, "", nil, nil)
}

// Check asks whether principal holds permission at scope ("org",
// "workspace:<id>" or "project:<id>").
func (c *Client) Check(ctx context.Context, principal iam.ID, permission, scope string) (*Decision, error) {
	var out Decision
	q := url.Values{"principal": {principal.String()}, "permission": {permission}, "scope": {scope}}
	return &out, c.do(ctx, "GET", "/v1/authz/check", q, "", nil, &out)
}
