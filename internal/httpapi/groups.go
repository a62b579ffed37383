package httpapi

import (
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

type groupJSON struct {
	ID          iam.ID              `json:"id"`
	Name        string              `json:"name"`
	Description string              `json:"description"`
	CreatedAt   time.Time           `json:"created_at"`
	UpdatedAt   time.Time           `json:"updated_at"`
	Projects    []projectAccessJSON `json:"projects,omitempty"`
}

func toGroupJSON(g *iam.Group) groupJSON {
	return groupJSON{ID: g.ID, Name: g.Name, Description: g.Description, CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt}
}

type projectAccessJSON struct {
	projectJSON
	Role string `json:"role"`
}

func toProjectAccessJSON(list []service.ProjectAccess) []projectAccessJSON {
	out := make([]projectAccessJSON, len(list))
	for i, pa := range list {
		out[i] = projectAccessJSON{projectJSON: toProjectJSON(pa.Project), Role: pa.Role}
	}
	return out
}

type groupRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

func (s *Server) createGroup(w http.ResponseWriter, r *http.Request) error {
	var in groupRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	g, err := s.svc.Groups.Create(r.Context(), in.Name, in.Description)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/groups/"+g.ID.String())
	writeJSON(w, http.StatusCreated, typeJSON, toGroupJSON(g))
	return nil
}

func (s *Server) getGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := query{r: r}
	include := q.includes("projects")
	if q.err != nil {
		return q.err
	}
	g, err := s.svc.Groups.Get(r.Context(), id)
	if err != nil {
		return err
	}
	out := toGroupJSON(g)
	if include["projects"] {
		projects, err := s.svc.Groups.Projects(r.Context(), id)
		if err != nil {
			return err
		}
		out.Projects = toProjectAccessJSON(projects)
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

type groupMemberJSON struct {
	PrincipalType string    `json:"principal_type"`
	PrincipalID   iam.ID    `json:"principal_id"`
	AddedAt       time.Time `json:"added_at"`
}

func (s *Server) listGroupMembers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := query{r: r}
	page := iam.Page{Limit: q.limit(), After: q.cursor()}
	if q.err != nil {
		return q.err
	}
	ms, err := s.svc.Groups.Members(r.Context(), id, page)
	if err != nil {
		return err
	}
	out := struct {
		Members    []groupMemberJSON `json:"members"`
		NextCursor *string           `json:"next_cursor"`
	}{Members: make([]groupMemberJSON, len(ms))}
	for i, m := range ms {
		out.Members[i] = groupMemberJSON{PrincipalType: m.PrincipalType, PrincipalID: m.PrincipalID, AddedAt: m.CreatedAt}
	}
	if len(ms) > 0 {
		out.NextCursor = nextCursor(len(ms), page.Limit, ms[len(ms)-1].PrincipalID)
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

// putGroupMember adds a member: 201 when new, 204 when it was one already.
func (s *Server) putGroupMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	principal, err := pathID(r, "principal_id")
	if err != nil {
		return err
	}
	added, err := s.svc.Groups.AddMember(r.Context(), id, principal)
	if err != nil {
		return err
	}
	if added {
		w.WriteHeader(http.StatusCreated)
	} else {
		w.WriteHeader(http.StatusNoContent)
	}
	return nil
}

func (s *Server) deleteGroupMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	principal, err := pathID(r, "principal_id")
	if err != nil {
		return err
	}
	if err := s.svc.Groups.RemoveMember(r.Context(), id, principal); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) error {
	q := query{r: r}
	page := iam.Page{Limit: q.limit(), After: q.cursor()}
	if q.err != nil {
		return q.err
	}
	groups, err := s.svc.Groups.List(r.Context(), page)
	if err != nil {
		return err
	}
	writePage(w, "groups", groups, page.Limit, func(g *iam.Group) iam.ID { return g.ID }, toGroupJSON)
	return nil
}
