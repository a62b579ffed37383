package httpapi

import (
	"net/http"

	"github.com/wardenhq/warden/internal/service"
)

type roleJSON struct {
	Key         string   `json:"key"`
	ID          *string  `json:"id"`
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	Builtin     bool     `json:"builtin"`
	Permissions []string `json:"permissions"`
	Description string   `json:"description"`
}

func toRoleJSON(r *service.RoleView) roleJSON {
	out := roleJSON{Key: r.Key, Name: r.Name, Kind: string(r.Kind), Builtin: r.Builtin, Permissions: r.Permissions, Description: r.Description}
	if !r.ID.IsZero() {
		id := r.ID.String()
		out.ID = &id
	}
	if out.Permissions == nil {
		out.Permissions = []string{}
	}
	return out
}

func (s *Server) listRoles(w http.ResponseWriter, r *http.Request) error {
	roles, err := s.svc.Roles.List(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Roles []roleJSON `json:"roles"`
	}{Roles: make([]roleJSON, len(roles))}
	for i, role := range roles {
		out.Roles[i] = toRoleJSON(role)
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

// roleRequest is the body of POST and PUT, and the document PATCH edits.
type roleRequest struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Permissions []string `json:"permissions"`
}

func (s *Server) createRole(w http.ResponseWriter, r *http.Request) error {
	var in roleRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	role, err := s.svc.Roles.Create(r.Context(), service.RoleInput(in))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/roles/"+role.Key)
	writeJSON(w, http.StatusCreated, typeJSON, toRoleJSON(role))
	return nil
}

func (s *Server) getRole(w http.ResponseWriter, r *http.Request) error {
	role, err := s.svc.Roles.Get(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, toRoleJSON(role))
	return nil
}

// replaceRole is PUT: the body is the whole new role.
func (s *Server) replaceRole(w http.ResponseWriter, r *http.Request) error {
	var in roleRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	role, err := s.svc.Roles.Update(r.Context(), r.PathValue("key"), func(doc *service.RoleInput) error {
		*doc = service.RoleInput(in)
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, toRoleJSON(role))
	return nil
}

func (s *Server) patchRole(w http.ResponseWriter, r *http.Request) error {
	patch, err := readPatch(r)
	if err != nil {
		return err
	}
	role, err := s.svc.Roles.Update(r.Context(), r.PathValue("key"), func(doc *service.RoleInput) error {
		p := roleRequest(*doc)
		if err := patch(&p); err != nil {
			return err
		}
		*doc = service.RoleInput(p)
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, toRoleJSON(role))
	return nil
}

func (s *Server) deleteRole(w http.ResponseWriter, r *http.Request) error {
	q := query{r: r}
	force := q.bool("force")
	if q.err != nil {
		return q.err
	}
	if err := s.svc.Roles.Delete(r.Context(), r.PathValue("key"), force); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
