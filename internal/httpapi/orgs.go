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
	writePage(w, "orgs", orgs, page.Limit, func(o *iam.Org) iam.ID { return o.ID }, toOrgJSON)
	return nil
}

type orgPatch struct {
	Name string `json:"name"`
}
