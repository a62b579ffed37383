package httpapi

import (
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

type workspaceJSON struct {
	ID        iam.ID        `json:"id"`
	Title     string        `json:"title"`
	Domain    string        `json:"domain"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
	Projects  []projectJSON `json:"projects,omitempty"`
}

func toWorkspaceJSON(w *iam.Workspace) workspaceJSON {
	return workspaceJSON{ID: w.ID, Title: w.Title, Domain: w.Domain, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
}

func (s *Server) createWorkspace(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Title string `json:"title"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	ws, err := s.svc.Workspaces.Create(r.Context(), in.Title)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/workspaces/"+ws.ID.String())
	writeJSON(w, http.StatusCreated, typeJSON, toWorkspaceJSON(ws))
	return nil
}

func (s *Server) listWorkspaces(w http.ResponseWriter, r *http.Request) error {
	q := query{r: r}
	adminOnly, include := q.bool("admin_only"), q.includes("projects")
	if q.err != nil {
		return q.err
	}
	list, err := s.svc.Workspaces.List(r.Context(), adminOnly, include["projects"])
	if err != nil {
		return err
	}
	out := struct {
		Workspaces []workspaceJSON `json:"workspaces"`
		NextCursor *string         `json:"next_cursor"`
	}{Workspaces: make([]workspaceJSON, len(list))}
	for i, v := range list {
		out.Workspaces[i] = toWorkspaceJSON(v.Workspace)
		if include["projects"] {
			out.Workspaces[i].Projects = make([]projectJSON, len(v.Projects))
			for j, p := range v.Projects {
				out.Workspaces[i].Projects[j] = toProjectJSON(p)
			}
		}
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

func (s *Server) getWorkspace(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ws, err := s.svc.Workspaces.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, toWorkspaceJSON(ws))
	return nil
}

type workspacePatch struct {
	Title  string `json:"title"`
	Domain string `json:"domain"`
}

// memberJSON is a workspace or project member.
type memberJSON struct {
	MemberType  string   `json:"member_type"`
	MemberID    iam.ID   `json:"member_id"`
	Email       string   `json:"email"`
	Name        string   `json:"name"`
	OrgRole     string   `json:"org_role"`
	Role        string   `json:"role"`
	Permissions []string `json:"permissions"`
}

func toMemberJSON(m *service.Member) memberJSON {
	out := memberJSON{MemberType: m.SubjectType, MemberID: m.SubjectID, Role: m.Role, Permissions: m.Permissions}
	if out.Permissions == nil {
		out.Permissions = []string{}
	}
	if m.User != nil {
		out.Email, out.Name = m.User.Email, m.User.FullName
		if len(m.User.Roles) > 0 {
			out.OrgRole = m.User.Roles[0]
		}
	}
	if m.Group != nil {
		out.Name = m.Group.Name
	}
	return out
}

type memberList struct {
	Members []memberJSON `json:"members"`
}

func writeMembers(w http.ResponseWriter, ms []*service.Member) {
	out := memberList{Members: make([]memberJSON, len(ms))}
	for i, m := range ms {
		out.Members[i] = toMemberJSON(m)
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
}

type memberRequest struct {
	Role string `json:"role"`
}

// memberOps are the member endpoints of workspaces and projects alike.
type memberOps struct {
	list   func(r *http.Request, scope iam.ID) ([]*service.Member, error)
	put    func(r *http.Request, scope iam.ID, subject, role string) (*service.Member, error)
	remove func(r *http.Request, scope, subject iam.ID) error
}

func (s *Server) workspaceMembers() memberOps {
	return memberOps{
		list: func(r *http.Request, id iam.ID) ([]*service.Member, error) {
			return s.svc.Workspaces.Members(r.Context(), id)
		},
		put: func(r *http.Request, id iam.ID, subject, role string) (*service.Member, error) {
			return s.svc.Workspaces.PutMember(r.Context(), id, subject, role)
		},
		remove: func(r *http.Request, id, subject iam.ID) error {
			return s.svc.Workspaces.RemoveMember(r.Context(), id, subject)
		},
	}
}

func (ops memberOps) listHandler(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ms, err := ops.list(r, id)
	if err != nil {
		return err
	}
	writeMembers(w, ms)
	return nil
}

// putHandler sets a member's role; {principal_id} may also be an email.
func (ops memberOps) putHandler(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in memberRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := ops.put(r, id, r.PathValue("principal_id"), in.Role)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, toMemberJSON(m))
	return nil
}

func (ops memberOps) deleteHandler(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	subject, err := pathID(r, "principal_id")
	if err != nil {
		return err
	}
	if err := ops.remove(r, id, subject); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
