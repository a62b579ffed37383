package service

import (
	"context"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// Projects manages the resource containers inside workspaces and their
// members.
type Projects struct {
	env     *Env
	members *members
}

func newProjects(env *Env) *Projects {
	return &Projects{env: env, members: &members{env: env, scopeType: iam.ScopeProject,
		readPerm: authz.ProjectsRead, writePerm: authz.ProjectsMembers}}
}

// ProjectUpdate is the editable part of a project.
type ProjectUpdate struct {
	Name        string
	Description string
}

func checkProject(name, description string) error {
	var c checks
	c.text("name", name, true, 200)
	c.text("description", description, false, 2000)
	return c.err()
}

func target(p *iam.Project) authz.Target {
	return authz.Target{Workspace: p.WorkspaceID, Project: p.ID}
}

// Create adds a project to a workspace; a user who creates one becomes its
// owner.
func (s *Projects) Create(ctx context.Context, workspace iam.ID, name, description string) (*iam.Project, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.env.Store.GetWorkspace(ctx, p.OrgID, workspace); err != nil {
		if iam.IsKind(err, iam.NotFound) {
			return nil, iam.InvalidFields(iam.FieldError{Field: "workspace_id", Message: "no such workspace"})
		}
		return nil, err
	}
	if _, err := s.env.authorize(ctx, authz.ProjectsCreate, authz.Target{Workspace: workspace}); err != nil {
		return nil, err
	}
	if err := checkProject(name, description); err != nil {
		return nil, err
	}
	now := s.env.now()
	id, err := s.env.newID(now)
	if err != nil {
		return nil, err
	}
	pr := &iam.Project{ID: id, OrgID: p.OrgID, WorkspaceID: workspace, Name: name, Description: description, CreatedAt: now, UpdatedAt: now}
	err = s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		if err := q.CreateProject(ctx, pr); err != nil {
			return err
		}
		if err := bindOwner(ctx, s.env, q, p, iam.ScopeProject, id); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"project.created", "project", id.String(),
			map[string]any{"name": name, "workspace_id": workspace}})
	})
	if err != nil {
		return nil, err
	}
	return pr, nil
}

// Get returns a project the caller may read.
func (s *Projects) Get(ctx context.Context, id iam.ID) (*iam.Project, error) {
	return s.authorized(ctx, id, authz.ProjectsRead)
}

// authorized loads a project (not found first) and checks perm on it.
func (s *Projects) authorized(ctx context.Context, id iam.ID, perm string) (*iam.Project, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	pr, err := s.env.Store.GetProject(ctx, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.env.authorize(ctx, perm, target(pr)); err != nil {
		return nil, err
	}
	return pr, nil
}

// List returns the projects the caller may read, of one workspace if given.
func (s *Projects) List(ctx context.Context, workspace iam.ID) ([]*iam.Project, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	snap, err := s.env.access.snapshotOf(ctx, p)
	if err != nil {
		return nil, err
	}
	all, err := allProjects(ctx, s.env.Store, p.OrgID, workspace)
	if err != nil {
		return nil, err
	}
	out := []*iam.Project{}
	for _, pr := range all {
		if snap.snap.Allowed(authz.ProjectsRead, target(pr)) {
			out = append(out, pr)
		}
	}
	return out, nil
}

// Update applies edit to a project.
func (s *Projects) Update(ctx context.Context, id iam.ID, edit func(*ProjectUpdate) error) (*iam.Project, error) {
	pr, err := s.authorized(ctx, id, authz.ProjectsUpdate)
	if err != nil {
		return nil, err
	}
	doc := ProjectUpdate{Name: pr.Name, Description: pr.Description}
	if err := edit(&doc); err != nil {
		return nil, err
	}
	if err := checkProject(doc.Name, doc.Description); err != nil {
		return nil, err
	}
	if doc == (ProjectUpdate{Name: pr.Name, Description: pr.Description}) {
		return pr, nil
	}
	now := s.env.now()
	changes := map[string]any{"name": map[string]any{"from": pr.Name, "to": doc.Name}}
	pr.Name, pr.Description, pr.UpdatedAt = doc.Name, doc.Description, now
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.UpdateProject(ctx, pr); err != nil {
			return err
		}
		return s.env.record(ctx, q, pr.OrgID, now, event{"project.updated", "project", id.String(), changes})
	})
	if err != nil {
		return nil, err
	}
	return pr, nil
}

// Delete removes a project and every binding to it.
func (s *Projects) Delete(ctx context.Context, id iam.ID) error {
	pr, err := s.authorized(ctx, id, authz.ProjectsDelete)
	if err != nil {
		return err
	}
	now := s.env.now()
	return s.env.access.tx(ctx, pr.OrgID, func(q iam.Queries) error {
		if err := q.DeleteProject(ctx, pr.OrgID, id); err != nil {
			return err
		}
		return s.env.record(ctx, q, pr.OrgID, now, event{"project.deleted", "project", id.String(), map[string]any{"name": pr.Name}})
	})
}

// Members returns a project's members with their effective permissions.
func (s *Projects) Members(ctx context.Context, id iam.ID) ([]*Member, error) {
	return s.members.list(ctx, id)
}

// PutMember gives a user (by ID or email) or group a project role.
func (s *Projects) PutMember(ctx context.Context, id iam.ID, subject, role string) (*Member, error) {
	return s.members.put(ctx, id, subject, role)
}

func (s *Projects) RemoveMember(ctx context.Context, id, subject iam.ID) error {
	return s.members.remove(ctx, id, subject)
}

// ProjectAccess is a project some principal can reach, and how.
type ProjectAccess struct {
	Project *iam.Project
	Role    string // the strongest member role that applies, if any
}

// reachable lists the projects snap may read, with the strongest member
// role among the bindings that grant it.
func reachable(ctx context.Context, env *Env, org iam.ID, snap *authz.Snapshot) ([]ProjectAccess, error) {
	all, err := allProjects(ctx, env.Store, org, iam.NilID)
	if err != nil {
		return nil, err
	}
	out := []ProjectAccess{}
	for _, pr := range all {
		because := snap.Explain(authz.ProjectsRead, target(pr))
		if len(because) == 0 {
			continue
		}
		best := because[0].Role // an org role, unless a member role applies
		for _, b := range because {
			if roleRank(b.Role) > roleRank(best) {
				best = b.Role
			}
		}
		if name := resourceRoleName(best); name != "" {
			best = name
		}
		out = append(out, ProjectAccess{Project: pr, Role: best})
	}
	return out, nil
}
