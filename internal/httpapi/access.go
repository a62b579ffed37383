package httpapi

import (
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

type permissionJSON struct {
	ID           int    `json:"id"`
	Name         string `json:"name"`
	Label        string `json:"label"`
	IsManagement bool   `json:"is_management"`
}

func (s *Server) listPermissions(w http.ResponseWriter, r *http.Request) error {
	catalog, err := s.svc.Access.Catalog(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Permissions []permissionJSON `json:"permissions"`
	}{}
	for _, p := range catalog {
		out.Permissions = append(out.Permissions, permissionJSON{ID: p.ID, Name: p.Name, Label: p.Label, IsManagement: p.IsManagement})
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

type refJSON struct {
	Type string `json:"type"`
	ID   iam.ID `json:"id"`
}

type bindingJSON struct {
	ID        iam.ID    `json:"id"`
	Subject   refJSON   `json:"subject"`
	Role      string    `json:"role"`
	Scope     refJSON   `json:"scope"`
	CreatedAt time.Time `json:"created_at"`
}

func toBindingJSON(b *iam.RoleBinding) bindingJSON {
	return bindingJSON{ID: b.ID, Subject: refJSON{Type: b.SubjectType, ID: b.SubjectID}, Role: b.Role,
		Scope: refJSON{Type: b.ScopeType, ID: b.ScopeID}, CreatedAt: b.CreatedAt}
}

func toBindingsJSON(bs []*iam.RoleBinding) []bindingJSON {
	out := make([]bindingJSON, len(bs))
	for i, b := range bs {
		out[i] = toBindingJSON(b)
	}
	return out
}

type bindingList struct {
	RoleBindings []bindingJSON `json:"role_bindings"`
	NextCursor   *string       `json:"next_cursor"`
}

func (s *Server) listBindings(w http.ResponseWriter, r *http.Request) error {
	q := query{r: r}
	f := iam.BindingFilter{SubjectID: q.id("subject"), Role: q.str("role")}
	f.Limit, f.After = q.limit(), q.cursor()
	if sc := q.str("scope"); sc != "" {
		typ, id, err := service.ParseScope(sc, iam.NilID)
		if err != nil {
			return err
		}
		f.ScopeType, f.ScopeID = typ, id
	}
	if q.err != nil {
		return q.err
	}
	bs, err := s.svc.Bindings.List(r.Context(), f)
	if err != nil {
		return err
	}
	out := bindingList{RoleBindings: toBindingsJSON(bs)}
	if len(bs) > 0 {
		out.NextCursor = nextCursor(len(bs), f.Limit, bs[len(bs)-1].ID)
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

type newBindingRequest struct {
	Subject struct {
		Type string `json:"type"`
		ID   iam.ID `json:"id"`
	} `json:"subject"`
	Role  string `json:"role"`
	Scope struct {
		Type string `json:"type"`
		ID   iam.ID `json:"id"`
	} `json:"scope"`
}

func (s *Server) createBinding(w http.ResponseWriter, r *http.Request) error {
	var in newBindingRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	b, err := s.svc.Bindings.Create(r.Context(), service.NewBinding{SubjectType: in.Subject.Type, SubjectID: in.Subject.ID,
		Role: in.Role, ScopeType: in.Scope.Type, ScopeID: in.Scope.ID})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/role-bindings/"+b.ID.String())
	writeJSON(w, http.StatusCreated, typeJSON, toBindingJSON(b))
	return nil
}

func (s *Server) deleteBinding(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.Bindings.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type checkResponse struct {
	Allowed bool        `json:"allowed"`
	Because []grantJSON `json:"because"`
}

// grantJSON is a binding that grants a checked permission.
type grantJSON struct {
	BindingID iam.ID  `json:"binding_id"`
	Subject   refJSON `json:"subject"`
	Role      string  `json:"role"`
	Scope     refJSON `json:"scope"`
}

// authzCheck answers GET /v1/authz/check?principal=&permission=&scope=type:id.
func (s *Server) authzCheck(w http.ResponseWriter, r *http.Request) error {
	q := query{r: r}
	principal, perm, scope := q.id("principal"), q.str("permission"), q.str("scope")
	if principal.IsZero() {
		q.fail("principal", "is required: a user ID")
	}
	if perm == "" {
		q.fail("permission", "is required, such as projects.read")
	}
	if q.err != nil {
		return q.err
	}
	p := iam.PrincipalFrom(r.Context())
	if scope == "" {
		scope = "org"
	}
	typ, id, err := service.ParseScope(scope, p.OrgID)
	if err != nil {
		return err
	}
	d, err := s.svc.Access.Check(r.Context(), principal, perm, typ, id)
	if err != nil {
		return err
	}
	out := checkResponse{Allowed: d.Allowed, Because: []grantJSON{}}
	for _, b := range d.Because {
		out.Because = append(out.Because, grantJSON{BindingID: b.ID, Subject: refJSON{Type: b.SubjectType, ID: b.SubjectID},
			Role: b.Role, Scope: refJSON{Type: b.Scope.Type.String(), ID: b.Scope.ID}})
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}
