package httpapi

import (
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

type orgJSON struct {
	ID        iam.ID    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toOrgJSON(o *iam.Org) orgJSON {
	return orgJSON{ID: o.ID, Name: o.Name, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

type createOrgRequest struct {
	Name  string             `json:"name"`
	Admin *createUserRequest `json:"admin"`
}

func (s *Server) createOrg(w http.ResponseWriter, r *http.Request) error {
	var in createOrgRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	n := service.NewOrg{Name: in.Name}
	if in.Admin != nil {
		admin := in.Admin.toService()
		n.Admin = &admin
	}
	o, err := s.svc.Orgs.Create(r.Context(), n)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/orgs/"+o.ID.String())
	writeJSON(w, http.StatusCreated, typeJSON, toOrgJSON(o))
	return nil
}

func (s *Server) getOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := s.svc.Orgs.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, toOrgJSON(o))
	return nil
}

type orgList struct {
	Orgs       []orgJSON `json:"orgs"`
	NextCursor *string   `json:"next_cursor"`
}

func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request) error {
	q := query{r: r}
	page := iam.Page{Limit: q.limit(), After: q.cursor()}
	if q.err != nil {
		return q.err
	}
	orgs, err := s.svc.Orgs.List(r.Context(), page)
	if err != nil {
		return err
	}
	out := orgList{Orgs: make([]orgJSON, len(orgs))}
	for i, o := range orgs {
		out.Orgs[i] = toOrgJSON(o)
	}
	if len(orgs) > 0 {
		out.NextCursor = nextCursor(len(orgs), page.Limit, orgs[len(orgs)-1].ID)
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

type orgPatch struct {
	Name string `json:"name"`
}

func (s *Server) patchOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	patch, err := readPatch(r)
	if err != nil {
		return err
	}
	o, err := s.svc.Orgs.Update(r.Context(), id, func(doc *service.OrgUpdate) error {
		p := orgPatch(*doc)
		if err := patch(&p); err != nil {
			return err
		}
		*doc = service.OrgUpdate(p)
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, toOrgJSON(o))
	return nil
}

func (s *Server) deleteOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.Orgs.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
