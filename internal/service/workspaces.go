package service

import (
	"context"
	"strconv"
	"strings"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// Workspaces manages the sub-units of an organization that hold projects.
type Workspaces struct {
	env     *Env
	members *members
}

func newWorkspaces(env *Env) *Workspaces {
	return &Workspaces{env: env, members: &members{env: env, scopeType: iam.ScopeWorkspace,
		readPerm: authz.WorkspacesRead, writePerm: authz.WorkspacesMembers}}
}

// WorkspaceUpdate is the editable part of a workspace.
type WorkspaceUpdate struct {
	Title  string
	Domain string
}

// slug turns a title into a URL-safe domain: "Research Lab" → "research-lab".
func slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if len(s) > 60 {
		s = strings.TrimSuffix(s[:60], "-")
	}
	if s == "" {
		s = "workspace"
	}
	return s
}

func checkWorkspace(title, domain string) error {
	var c checks
	c.text("title", title, true, 200)
	if domain != slug(domain) {
		c.add("domain", "must be lower-case letters, digits and inner hyphens, such as research-lab")
	}
	return c.err()
}

// Create adds a workspace with a domain made from its title (numbered when
// taken); a user who creates one becomes its owner.
func (s *Workspaces) Create(ctx context.Context, title string) (*iam.Workspace, error) {
	p, err := s.env.authorize(ctx, authz.WorkspacesCreate, orgLevel)
	if err != nil {
		return nil, err
	}
	if err := checkWorkspace(title, slug(title)); err != nil {
		return nil, err
	}
	now := s.env.now()
	id, err := s.env.newID(now)
	if err != nil {
		return nil, err
	}
	w := &iam.Workspace{ID: id, OrgID: p.OrgID, Title: title, CreatedAt: now, UpdatedAt: now}
	base := slug(title)
	for n := 1; ; n++ {
		w.Domain = base
		if n > 1 {
			w.Domain = base + "-" + strconv.Itoa(n)
		}
		err = s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
			if err := q.CreateWorkspace(ctx, w); err != nil {
				return err
			}
			if err := bindOwner(ctx, s.env, q, p, iam.ScopeWorkspace, w.ID); err != nil {
				return err
			}
			return s.env.record(ctx, q, p.OrgID, now, event{"workspace.created", "workspace", id.String(),
				map[string]any{"title": title, "domain": w.Domain}})
		})
		if !iam.IsKind(err, iam.Conflict) || n >= 100 {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return w, nil
}

// bindOwner makes the user who created a workspace or project its owner.
func bindOwner(ctx context.Context, env *Env, q iam.Queries, p *iam.Principal, scopeType string, scope iam.ID) error {
	if p.Kind != iam.KindUser {
		return nil
	}
	now := env.now()
	id, err := env.newID(now)
	if err != nil {
		return err
	}
	return q.CreateRoleBinding(ctx, &iam.RoleBinding{ID: id, OrgID: p.OrgID, SubjectType: iam.SubjectUser, SubjectID: p.ID,
		Role: "project.owner", ScopeType: scopeType, ScopeID: scope, CreatedAt: now})
}

// Get returns a workspace the caller may read.
func (s *Workspaces) Get(ctx context.Context, id iam.ID) (*iam.Workspace, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	w, err := s.env.Store.GetWorkspace(ctx, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	snap, err := s.env.access.snapshotOf(ctx, p)
	if err != nil {
		return nil, err
	}
	projects, err := allProjects(ctx, s.env.Store, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	if !visible(snap.snap, id, readable(snap.snap, id, projects)) {
		return nil, errForbidden
	}
	return w, nil
}

// readable keeps the projects of workspace ws that snap may read.
func readable(snap *authz.Snapshot, ws iam.ID, projects []*iam.Project) []*iam.Project {
	out := []*iam.Project{}
	for _, pr := range projects {
		if pr.WorkspaceID == ws && snap.Allowed(authz.ProjectsRead, authz.Target{Workspace: ws, Project: pr.ID}) {
			out = append(out, pr)
		}
	}
	return out
}

// visible says whether a workspace is the caller's to see: it may read the
// workspace, or a project in it.
func visible(snap *authz.Snapshot, ws iam.ID, readable []*iam.Project) bool {
	return snap.Allowed(authz.WorkspacesRead, authz.Target{Workspace: ws}) || len(readable) > 0
}

// WorkspaceView is a workspace with, on request, the projects in it the
// caller can reach.
type WorkspaceView struct {
	*iam.Workspace
	Projects []*iam.Project
}

// List returns the workspaces the caller can access: those it may read, and
// those holding a project it may read. adminOnly keeps those it administers.
func (s *Workspaces) List(ctx context.Context, adminOnly, withProjects bool) ([]*WorkspaceView, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	snap, err := s.env.access.snapshotOf(ctx, p)
	if err != nil {
		return nil, err
	}
	projects, err := allProjects(ctx, s.env.Store, p.OrgID, iam.NilID)
	if err != nil {
		return nil, err
	}
	var out []*WorkspaceView
	page := iam.Page{Limit: 1000}
	for {
		list, err := s.env.Store.ListWorkspaces(ctx, p.OrgID, page)
		if err != nil {
			return nil, err
		}
		for _, w := range list {
			v := &WorkspaceView{Workspace: w, Projects: readable(snap.snap, w.ID, projects)}
			show := visible(snap.snap, w.ID, v.Projects)
			if adminOnly {
				show = snap.snap.Allowed(authz.WorkspacesUpdate, authz.Target{Workspace: w.ID})
			}
			if !show {
				continue
			}
			if !withProjects {
				v.Projects = nil
			}
			out = append(out, v)
		}
		if len(list) < page.Limit {
			return out, nil
		}
		page.After = list[len(list)-1].ID
	}
}

// Update applies edit to a workspace.
func (s *Workspaces) Update(ctx context.Context, id iam.ID, edit func(*WorkspaceUpdate) error) (*iam.Workspace, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return nil, err
	}
	p, err := s.env.authorize(ctx, authz.WorkspacesUpdate, authz.Target{Workspace: id})
	if err != nil {
		return nil, err
	}
	var out *iam.Workspace
	// access.tx, though no one's permissions change: cached users carry
	// their workspaces, and the version bump is what makes them stale.
	err = s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		w, err := q.GetWorkspace(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		out = w
		doc := WorkspaceUpdate{Title: w.Title, Domain: w.Domain}
		if err := edit(&doc); err != nil {
			return err
		}
		if err := checkWorkspace(doc.Title, doc.Domain); err != nil {
			return err
		}
		if doc == (WorkspaceUpdate{Title: w.Title, Domain: w.Domain}) {
			return nil
		}
		now := s.env.now()
		changes := map[string]any{"title": map[string]any{"from": w.Title, "to": doc.Title},
			"domain": map[string]any{"from": w.Domain, "to": doc.Domain}}
		w.Title, w.Domain, w.UpdatedAt = doc.Title, doc.Domain, now
		if err := q.UpdateWorkspace(ctx, w); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"workspace.updated", "workspace", id.String(), changes})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Delete removes a workspace with its projects and every binding to them.
func (s *Workspaces) Delete(ctx context.Context, id iam.ID) error {
	w, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	p, err := s.env.authorize(ctx, authz.WorkspacesDelete, authz.Target{Workspace: id})
	if err != nil {
		return err
	}
	now := s.env.now()
	return s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		if err := q.DeleteWorkspace(ctx, p.OrgID, id); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"workspace.deleted", "workspace", id.String(),
			map[string]any{"title": w.Title, "domain": w.Domain}})
	})
}

func (s *Workspaces) Members(ctx context.Context, id iam.ID) ([]*Member, error) {
	return s.members.list(ctx, id)
}

// PutMember gives a user (by ID or email) or group a workspace role.
func (s *Workspaces) PutMember(ctx context.Context, id iam.ID, subject, role string) (*Member, error) {
	return s.members.put(ctx, id, subject, role)
}

func (s *Workspaces) RemoveMember(ctx context.Context, id, subject iam.ID) error {
	return s.members.remove(ctx, id, subject)
}

// allProjects lists every project of org (of one workspace if given).
func allProjects(ctx context.Context, q iam.Queries, org, workspace iam.ID) ([]*iam.Project, error) {
	var out []*iam.Project
	f := iam.ProjectFilter{WorkspaceID: workspace, Page: iam.Page{Limit: 1000}}
	for {
		page, err := q.ListProjects(ctx, org, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < f.Limit {
			return out, nil
		}
		f.After = page[len(page)-1].ID
	}
}
