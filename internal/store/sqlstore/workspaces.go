package sqlstore

import (
	"context"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
)

const workspaceCols = `id, org_id, seq, title, domain, created_at, updated_at`

func (q *queries) scanWorkspace(row interface{ Scan(...any) error }) (*iam.Workspace, error) {
	var w iam.Workspace
	var created, updated int64
	if err := row.Scan(idScan{&w.ID}, q.orgScan(&w.OrgID), &w.Seq, &w.Title, &w.Domain, &created, &updated); err != nil {
		return nil, err
	}
	w.CreatedAt, w.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &w, nil
}

func (q *queries) CreateWorkspace(ctx context.Context, w *iam.Workspace) error {
	err := q.w.QueryRowContext(ctx, `INSERT INTO workspaces (id, org_id, title, domain, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`, idArg(w.ID), q.org(ctx, w.OrgID), w.Title, w.Domain,
		micros(w.CreatedAt), micros(w.UpdatedAt)).Scan(&w.Seq)
	return translate(err, "organization")
}

func (q *queries) GetWorkspace(ctx context.Context, orgID, id iam.ID) (*iam.Workspace, error) {
	w, err := q.scanWorkspace(q.r.QueryRowContext(ctx, `SELECT `+workspaceCols+` FROM workspaces WHERE org_id = $1 AND id = $2`,
		q.org(ctx, orgID), idArg(id)))
	return w, translate(err, "workspace")
}

func (q *queries) UpdateWorkspace(ctx context.Context, w *iam.Workspace) error {
	res, err := q.w.ExecContext(ctx, `UPDATE workspaces SET title = $3, domain = $4, updated_at = $5 WHERE org_id = $1 AND id = $2`,
		q.org(ctx, w.OrgID), idArg(w.ID), w.Title, w.Domain, micros(w.UpdatedAt))
	return q.touched(res, err, "workspace")
}

// DeleteWorkspace removes the workspace (its projects cascade) and every
// binding scoped to it or to one of its projects.
func (q *queries) DeleteWorkspace(ctx context.Context, orgID, id iam.ID) error {
	return q.atomic(ctx, func(q *queries) error {
		// One IN list, not scope_id = $2 OR …: with the OR, SQLite walks
		// every binding of the organization.
		_, err := q.w.ExecContext(ctx, deleteBindings(`org_id = $1 AND `+bindingScoped+` AND scope_id IN
			(SELECT $2 UNION ALL SELECT id FROM projects WHERE org_id = $1 AND workspace_id = $2)`), q.org(ctx, orgID), idArg(id))
		if err != nil {
			return translate(err, "role bindings")
		}
		res, err := q.w.ExecContext(ctx, `DELETE FROM workspaces WHERE org_id = $1 AND id = $2`, q.org(ctx, orgID), idArg(id))
		return q.touched(res, err, "workspace")
	})
}

func (q *queries) ListWorkspaces(ctx context.Context, orgID iam.ID, p iam.Page) ([]*iam.Workspace, error) {
	lim, args := q.pageLimit(p.Limit, []any{q.org(ctx, orgID), idArg(p.After)})
	rows, err := q.r.QueryContext(ctx, `SELECT `+workspaceCols+` FROM workspaces WHERE org_id = $1 AND id > $2 ORDER BY id`+lim, args...)
	if err != nil {
		return nil, translate(err, "workspaces")
	}
	return collect(rows, q.scanWorkspace, "workspaces")
}

const projectCols = `id, org_id, workspace_id, seq, name, description, created_at, updated_at`

func (q *queries) scanProject(row interface{ Scan(...any) error }) (*iam.Project, error) {
	var p iam.Project
	var created, updated int64
	if err := row.Scan(idScan{&p.ID}, q.orgScan(&p.OrgID), idScan{&p.WorkspaceID}, &p.Seq, &p.Name, &p.Description, &created, &updated); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

// CreateProject stores p; the SELECT makes sure its workspace belongs to
// its organization.
func (q *queries) CreateProject(ctx context.Context, p *iam.Project) error {
	err := q.w.QueryRowContext(ctx, `INSERT INTO projects (id, org_id, workspace_id, name, name_norm, description, created_at, updated_at)
		SELECT $1, org_id, id, $4, $5, $6, $7, $8 FROM workspaces WHERE org_id = $2 AND id = $3 RETURNING seq`,
		idArg(p.ID), q.org(ctx, p.OrgID), idArg(p.WorkspaceID), p.Name, strings.ToLower(p.Name), p.Description,
		micros(p.CreatedAt), micros(p.UpdatedAt)).Scan(&p.Seq)
	return translate(err, "workspace")
}

func (q *queries) GetProject(ctx context.Context, orgID, id iam.ID) (*iam.Project, error) {
	p, err := q.scanProject(q.r.QueryRowContext(ctx, `SELECT `+projectCols+` FROM projects WHERE org_id = $1 AND id = $2`,
		q.org(ctx, orgID), idArg(id)))
	return p, translate(err, "project")
}

func (q *queries) UpdateProject(ctx context.Context, p *iam.Project) error {
	res, err := q.w.ExecContext(ctx, `UPDATE projects SET name = $3, name_norm = $4, description = $5, updated_at = $6
		WHERE org_id = $1 AND id = $2`, q.org(ctx, p.OrgID), idArg(p.ID), p.Name, strings.ToLower(p.Name), p.Description, micros(p.UpdatedAt))
	return q.touched(res, err, "project")
}

func (q *queries) DeleteProject(ctx context.Context, orgID, id iam.ID) error {
	return q.atomic(ctx, func(q *queries) error {
		res, err := q.w.ExecContext(ctx, `DELETE FROM projects WHERE org_id = $1 AND id = $2`, q.org(ctx, orgID), idArg(id))
		if err := q.touched(res, err, "project"); err != nil {
			return err
		}
		_, err = q.w.ExecContext(ctx, deleteBindings(`org_id = $1 AND scope_id = $2 AND `+bindingScoped), q.org(ctx, orgID), idArg(id))
		return translate(err, "role bindings")
	})
}

func (q *queries) ListProjects(ctx context.Context, orgID iam.ID, f iam.ProjectFilter) ([]*iam.Project, error) {
	query := `SELECT ` + projectCols + ` FROM projects WHERE org_id = $1 AND id > $2`
	args := []any{q.org(ctx, orgID), idArg(f.After)}
	if !f.WorkspaceID.IsZero() {
		query += ` AND workspace_id = $3`
		args = append(args, idArg(f.WorkspaceID))
	}
	lim, args := q.pageLimit(f.Limit, args)
	rows, err := q.r.QueryContext(ctx, query+` ORDER BY id`+lim, args...)
	if err != nil {
		return nil, translate(err, "projects")
	}
	return collect(rows, q.scanProject, "projects")
}
