package httpapi

import (
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// firstPartyClientJSON is a first-party OAuth client; its secret is shown only
// when it is created.
type firstPartyClientJSON struct {
	ClientID      iam.ID    `json:"client_id"`
	ClientSecret  string    `json:"client_secret,omitempty"`
	Name          string    `json:"name"`
	AllowPassword bool      `json:"allow_password"`
	CreatedAt     time.Time `json:"created_at"`
}

func toFirstPartyClientJSON(c *iam.OAuthClient) firstPartyClientJSON {
	return firstPartyClientJSON{ClientID: c.ID, Name: c.Name, AllowPassword: c.AllowPassword, CreatedAt: c.CreatedAt}
}

func (s *Server) listOAuthClients(w http.ResponseWriter, r *http.Request) error {
	clients, err := s.svc.OAuthClients.List(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Clients []firstPartyClientJSON `json:"clients"`
	}{Clients: make([]firstPartyClientJSON, len(clients))}
	for i, c := range clients {
		out.Clients[i] = toFirstPartyClientJSON(c)
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

type firstPartyClientRequest struct {
	Name          string `json:"name"`
	AllowPassword bool   `json:"allow_password"`
}

func (s *Server) createOAuthClient(w http.ResponseWriter, r *http.Request) error {
	var in firstPartyClientRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	c, secret, err := s.svc.OAuthClients.Create(r.Context(), in.Name, in.AllowPassword)
	if err != nil {
		return err
	}
	out := toFirstPartyClientJSON(c)
	out.ClientSecret = secret
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, typeJSON, out)
	return nil
}

func (s *Server) deleteOAuthClient(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "client_id")
	if err != nil {
		return err
	}
	if err := s.svc.OAuthClients.Revoke(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
