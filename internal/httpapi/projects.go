package httpapi

import (
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

type projectJSON struct {
	ID          iam.ID    `json:"id"`
	WorkspaceID iam.ID    `json:"workspace_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toProjectJSON(p *iam.Project) projectJSON {
	return projectJSON{ID: p.ID, WorkspaceID: p.WorkspaceID, Name: p.Name, Description: p.Description,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

func (s *Server) createProject(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		WorkspaceID iam.ID `json:"workspace_id"`
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.svc.Projects.Create(r.Context(), in.WorkspaceID, in.Name, in.Description)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/projects/"+p.ID.String())
	writeJSON(w, http.StatusCreated, typeJSON, toProjectJSON(p))
	return nil
}

func (s *Server) listProjects(w http.ResponseWriter, r *http.Request) error {
	q := query{r: r}
	ws := q.id("workspace_id")
	if q.err != nil {
		return q.err
	}
	list, err := s.svc.Projects.List(r.Context(), ws)
	if err != nil {
		return err
	}
	out := struct {
		Projects   []projectJSON `json:"projects"`
		NextCursor *string       `json:"next_cursor"`
	}{Projects: make([]projectJSON, len(list))}
	for i, p := range list {
		out.Projects[i] = toProjectJSON(p)
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

type projectPatch struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

func (s *Server) projectMembers() memberOps {
	return memberOps{
		list: func(r *http.Request, id iam.ID) ([]*service.Member, error) {
			return s.svc.Projects.Members(r.Context(), id)
		},
		put: func(r *http.Request, id iam.ID, subject, role string) (*service.Member, error) {
			return s.svc.Projects.PutMember(r.Context(), id, subject, role)
		},
		remove: func(r *http.Request, id, subject iam.ID) error {
			return s.svc.Projects.RemoveMember(r.Context(), id, subject)
		},
	}
}
