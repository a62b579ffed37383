package httpapi

import (
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// userGrantJSON is a user's grant; its refresh tokens are never shown.
type userGrantJSON struct {
	ID                 iam.ID     `json:"id"`
	Type               string     `json:"type"`
	ForClientID        *string    `json:"for_client_id"`
	ProjectPermissions []string   `json:"project_permissions"`
	CreatedAt          time.Time  `json:"created_at"`
	ValidTo            *time.Time `json:"valid_to"`
	LastUsedAt         *time.Time `json:"last_used_at"`
}

func toUserGrantJSON(g *iam.Grant) userGrantJSON {
	out := userGrantJSON{ID: g.ID, Type: g.Type, ProjectPermissions: g.Permissions, CreatedAt: g.CreatedAt,
		ValidTo: g.ExpiresAt, LastUsedAt: g.LastUsedAt}
	if out.ProjectPermissions == nil {
		out.ProjectPermissions = []string{}
	}
	if g.ForClientID != "" {
		out.ForClientID = &g.ForClientID
	}
	return out
}

func (s *Server) listGrants(w http.ResponseWriter, r *http.Request) error {
	userID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	grants, err := s.svc.Grants.List(r.Context(), userID)
	if err != nil {
		return err
	}
	out := struct {
		Grants []userGrantJSON `json:"grants"`
	}{Grants: make([]userGrantJSON, len(grants))}
	for i, g := range grants {
		out.Grants[i] = toUserGrantJSON(g)
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

type grantRequest struct {
	Type               string   `json:"type"`
	ForClientID        string   `json:"for_client_id"`
	ProjectPermissions []string `json:"project_permissions"`
}

type newGrantResponse struct {
	ID           iam.ID `json:"id"`
	RefreshToken string `json:"refresh_token"`
}

func (s *Server) createGrant(w http.ResponseWriter, r *http.Request) error {
	userID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in grantRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	g, refresh, err := s.svc.Grants.Create(r.Context(), userID, service.NewGrant{Type: in.Type, ForClientID: in.ForClientID,
		Permissions: in.ProjectPermissions})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, typeJSON, newGrantResponse{ID: g.ID, RefreshToken: refresh})
	return nil
}

func (s *Server) deleteGrant(w http.ResponseWriter, r *http.Request) error {
	userID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	grantID, err := pathID(r, "grant_id")
	if err != nil {
		return err
	}
	if err := s.svc.Grants.Revoke(r.Context(), userID, grantID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
