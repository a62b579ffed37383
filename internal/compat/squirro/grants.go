package squirro

import (
	"net/http"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// newGrant is POST /{v}/{t}/users/{user}/grants, form-encoded: type (user
// or service), for_client_id (service grants), project_permissions
// (comma-joined) → 201 {"id", "refresh_token"}. The form's client_id and
// client_secret name SquirroClient's own application; the bearer token
// already authenticates the call, so they are not read.
func (s *surface) newGrant(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "user", "user")
	if err != nil {
		return err
	}
	if err := form(r); err != nil {
		return err
	}
	var perms []string
	for _, p := range strings.Split(r.PostForm.Get("project_permissions"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			perms = append(perms, p)
		}
	}
	g, refresh, err := s.env.Svc.Grants.Create(r.Context(), id, service.NewGrant{Type: r.PostForm.Get("type"),
		ForClientID: r.PostForm.Get("for_client_id"), Permissions: perms})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": g.ID.Base64(), "refresh_token": refresh})
	return nil
}

// listGrants is GET /{v}/{t}/users/{user}/grants → {"grants": [...]},
// dates as "2012-12-21 16:00:01"; valid_to null for grants that do not
// expire. The query's client_id and client_secret are not read.
func (s *surface) listGrants(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "user", "user")
	if err != nil {
		return err
	}
	grants, err := s.env.Svc.Grants.List(r.Context(), id)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(grants))
	for _, g := range grants {
		j := map[string]any{"id": g.ID.Base64(), "type": g.Type, "created_at": formatTime(&g.CreatedAt, grantTime),
			"valid_to": formatTime(g.ExpiresAt, grantTime), "project_permissions": nonNil(g.Permissions)}
		if g.ForClientID != "" {
			j["for_client_id"] = g.ForClientID
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"grants": out})
	return nil
}

// deleteSession is DELETE /{v}/{t}/users/{user}/sessions/{id}
// (delete_grant and delete_session): the user's grant of that ID, or else
// their login session of that ID, is revoked → 204.
func (s *surface) deleteSession(w http.ResponseWriter, r *http.Request) error {
	user, err := pathID(r, "user", "user")
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "session")
	if err != nil {
		return err
	}
	err = s.env.Svc.Grants.Revoke(r.Context(), user, id)
	if iam.IsKind(err, iam.NotFound) {
		err = s.env.Svc.Sessions.Revoke(r.Context(), user, id)
	}
	if err != nil {
		return err
	}
	return noContent(w)
}
