package httpapi

import (
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// apiTokenJSON is one of the caller's API tokens: never its secret.
type apiTokenJSON struct {
	ID         iam.ID     `json:"id"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	ValidUntil *time.Time `json:"valid_until"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

func toAPITokenJSON(k *iam.APIKey) apiTokenJSON {
	return apiTokenJSON{ID: k.ID, Prefix: service.KeyPrefix(k.ID), CreatedAt: k.CreatedAt, ValidUntil: k.ExpiresAt,
		LastUsedAt: k.LastUsedAt}
}

// newAPITokenJSON is a token just minted, shown once.
type newAPITokenJSON struct {
	ID          iam.ID     `json:"id"`
	BearerToken string     `json:"bearer_token"`
	Prefix      string     `json:"prefix"`
	CreatedAt   time.Time  `json:"created_at"`
	ValidUntil  *time.Time `json:"valid_until"`
}

func (s *Server) rotateAPIToken(w http.ResponseWriter, r *http.Request) error {
	m, err := s.svc.APITokens.Rotate(r.Context())
	if err != nil {
		return err
	}
	k := m.Key
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, typeJSON, newAPITokenJSON{ID: k.ID, BearerToken: m.Plain, Prefix: service.KeyPrefix(k.ID),
		CreatedAt: k.CreatedAt, ValidUntil: k.ExpiresAt})
	return nil
}

func (s *Server) listAPITokens(w http.ResponseWriter, r *http.Request) error {
	keys, err := s.svc.APITokens.List(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		APITokens []apiTokenJSON `json:"api_tokens"`
	}{APITokens: make([]apiTokenJSON, len(keys))}
	for i, k := range keys {
		out.APITokens[i] = toAPITokenJSON(k)
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}
