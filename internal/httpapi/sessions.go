package httpapi

import (
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

type sessionJSON struct {
	ID         iam.ID    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
	Method     string    `json:"method"`
	Current    bool      `json:"current"` // the session of this very request
}

func toSessionJSON(r *http.Request, s *iam.Session) sessionJSON {
	current := false
	if p := iam.PrincipalFrom(r.Context()); p != nil {
		current = p.SessionID == s.ID
	}
	return sessionJSON{ID: s.ID, CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, ExpiresAt: s.ExpiresAt,
		IP: s.IP, UserAgent: s.UserAgent, Method: s.Method, Current: current}
}

func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) error {
	user, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.Sessions.List(r.Context(), user)
	if err != nil {
		return err
	}
	out := struct {
		Sessions []sessionJSON `json:"sessions"`
	}{Sessions: make([]sessionJSON, len(list))}
	for i, sess := range list {
		out.Sessions[i] = toSessionJSON(r, sess)
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

func (s *Server) getSession(w http.ResponseWriter, r *http.Request) error {
	user, err := pathID(r, "id")
	if err != nil {
		return err
	}
	id, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	sess, err := s.svc.Sessions.Get(r.Context(), user, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, toSessionJSON(r, sess))
	return nil
}

func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request) error {
	user, err := pathID(r, "id")
	if err != nil {
		return err
	}
	id, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	if err := s.svc.Sessions.Revoke(r.Context(), user, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteSessions signs a user out everywhere.
func (s *Server) deleteSessions(w http.ResponseWriter, r *http.Request) error {
	user, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.Sessions.RevokeAll(r.Context(), user); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
