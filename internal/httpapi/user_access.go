package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// userDetailJSON is GET /v1/users/{id}: the user and their role bindings,
// direct and through groups, grouped by workspace.
type userDetailJSON struct {
	userJSON
	Access []workspaceAccessJSON `json:"access"`
}

type workspaceAccessJSON struct {
	Workspace *workspaceJSON `json:"workspace"` // null for org-wide bindings
	Bindings  []bindingJSON  `json:"bindings"`
}

// renderedDetailsMax bounds the encoded user details kept, as many as the
// service's user cache holds users.
const renderedDetailsMax = 10_000

// renderedDetail is a user detail's encoded body, for the read Rev.
type renderedDetail struct {
	rev  uint64
	body []byte
}

// getUser serves a user's detail, encoding it once per read of the user:
// while the service answers from its user cache (same Rev), the body
// encoded last time is sent again; the detail is most of the request's cost
// otherwise.
func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.svc.Users.Detail(r.Context(), id)
	if err != nil {
		return err
	}
	if rd, ok := s.details.Get(id); ok && rd.rev == d.Rev {
		writeBody(w, http.StatusOK, typeJSON, rd.body)
		return nil
	}
	out := userDetailJSON{userJSON: toUserJSON(d.User), Access: make([]workspaceAccessJSON, len(d.Access))}
	for i, a := range d.Access {
		out.Access[i].Bindings = toBindingsJSON(a.Bindings)
		if a.Workspace != nil {
			ws := toWorkspaceJSON(a.Workspace)
			out.Access[i].Workspace = &ws
		}
	}
	body, err := json.Marshal(out)
	if err != nil {
		return err
	}
	body = append(body, '\n') // as writeJSON's encoder ends every body
	s.details.Put(id, renderedDetail{rev: d.Rev, body: body})
	writeBody(w, http.StatusOK, typeJSON, body)
	return nil
}

type capabilitiesJSON struct {
	Capabilities []string `json:"capabilities"`
}

func (s *Server) getCapabilities(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	caps, err := s.svc.Users.Capabilities(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, capabilitiesJSON{Capabilities: caps})
	return nil
}

// patchCapabilities takes a JSON Patch whose every path is /capabilities
// or below it; any other path is an illegal update.
func (s *Server) patchCapabilities(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if mediaType(r) != typeJSONPatch {
		return iam.Errorf(iam.Unsupported, "unsupported_media_type", "capabilities take a JSON Patch (%s)", typeJSONPatch)
	}
	patch, paths, err := readJSONPatch(r)
	if err != nil {
		return err
	}
	if err := service.CheckCapabilityPatch(paths); err != nil {
		return err
	}
	caps, err := s.svc.Users.SetCapabilities(r.Context(), id, func(current []string) ([]string, error) {
		doc := capabilitiesJSON{Capabilities: current}
		if err := patch(&doc); err != nil {
			return nil, err
		}
		return doc.Capabilities, nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, capabilitiesJSON{Capabilities: caps})
	return nil
}

// readJSONPatch is readPatch for a JSON Patch body, also returning the
// path of every operation.
func readJSONPatch(r *http.Request) (func(doc any) error, []string, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, nil, err
	}
	var ops []struct {
		Path string `json:"path"`
	}
	if err := json.Unmarshal(body, &ops); err != nil {
		return nil, nil, iam.E(iam.Invalid, "invalid_patch", "the body is not a JSON Patch document (an array of operations)")
	}
	paths := make([]string, len(ops))
	for i, op := range ops {
		paths[i] = op.Path
	}
	patch, err := patchFromBody(typeJSONPatch, body)
	return patch, paths, err
}

func (s *Server) userPermissions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := iam.PrincipalFrom(r.Context())
	scope := r.URL.Query().Get("scope")
	if scope == "" {
		scope = "org"
	}
	typ, sid, err := service.ParseScope(scope, p.OrgID)
	if err != nil {
		return err
	}
	perms, err := s.svc.Users.Permissions(r.Context(), id, typ, sid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, struct {
		Scope       string   `json:"scope"`
		Permissions []string `json:"permissions"`
	}{Scope: typ + ":" + sid.String(), Permissions: perms})
	return nil
}

func (s *Server) userProjects(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.Users.Projects(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, struct {
		Projects []projectAccessJSON `json:"projects"`
	}{Projects: toProjectAccessJSON(list)})
	return nil
}
