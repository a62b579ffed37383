package httpapi

import (
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// apiKeyJSON describes a key; never its secret.
type apiKeyJSON struct {
	ID           iam.ID     `json:"id"`
	Prefix       string     `json:"prefix"`
	Description  string     `json:"description"`
	ValidSources []string   `json:"valid_sources"`
	Permissions  []string   `json:"permissions"`
	CreatedAt    time.Time  `json:"created_at"`
	ExpiresAt    *time.Time `json:"expires_at"`
	LastUsedAt   *time.Time `json:"last_used_at"`
	LastUsedFrom *string    `json:"last_used_from"`
	RevokedAt    *time.Time `json:"revoked_at"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func toAPIKeyJSON(k *iam.APIKey) apiKeyJSON {
	out := apiKeyJSON{ID: k.ID, Prefix: service.KeyPrefix(k.ID), Description: k.Description,
		ValidSources: nonNil(k.ValidSources), Permissions: nonNil(k.Permissions), CreatedAt: k.CreatedAt,
		ExpiresAt: k.ExpiresAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
	if k.LastUsedFrom != "" {
		from := k.LastUsedFrom
		out.LastUsedFrom = &from
	}
	return out
}

// newAPIKeyJSON is a key just minted, with its plain text, shown once.
type newAPIKeyJSON struct {
	ID           iam.ID     `json:"id"`
	Key          string     `json:"key"`
	Prefix       string     `json:"prefix"`
	Description  string     `json:"description"`
	ValidSources []string   `json:"valid_sources"`
	Permissions  []string   `json:"permissions"`
	CreatedAt    time.Time  `json:"created_at"`
	ExpiresAt    *time.Time `json:"expires_at"`
}

type apiKeyRequest struct {
	Description    string   `json:"description"`
	ValidSources   []string `json:"valid_sources"`
	ExpirationDays *int     `json:"expiration_days"`
	Permissions    []string `json:"permissions"`
}

type renewRequest struct {
	ExpirationDays *int `json:"expiration_days"`
}

// apiKeyRoutes serves the keys of one kind of principal, named by the
// {id} of its path.
type apiKeyRoutes struct {
	s    *Server
	kind iam.PrincipalKind
}

func (s *Server) userKeys() apiKeyRoutes { return apiKeyRoutes{s, iam.KindUser} }
func (s *Server) serviceAccountKeys() apiKeyRoutes {
	return apiKeyRoutes{s, iam.KindServiceAccount}
}

func (h apiKeyRoutes) owner(r *http.Request) (service.KeyOwner, error) {
	id, err := pathID(r, "id")
	return service.KeyOwner{Kind: h.kind, ID: id}, err
}

func (h apiKeyRoutes) create(w http.ResponseWriter, r *http.Request) error {
	o, err := h.owner(r)
	if err != nil {
		return err
	}
	var in apiKeyRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := h.s.svc.APIKeys.Create(r.Context(), o, service.NewAPIKey(in))
	if err != nil {
		return err
	}
	k := m.Key
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, typeJSON, newAPIKeyJSON{ID: k.ID, Key: m.Plain, Prefix: service.KeyPrefix(k.ID),
		Description: k.Description, ValidSources: nonNil(k.ValidSources), Permissions: nonNil(k.Permissions),
		CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt})
	return nil
}

func (h apiKeyRoutes) list(w http.ResponseWriter, r *http.Request) error {
	o, err := h.owner(r)
	if err != nil {
		return err
	}
	keys, err := h.s.svc.APIKeys.List(r.Context(), o)
	if err != nil {
		return err
	}
	out := struct {
		APIKeys []apiKeyJSON `json:"api_keys"`
	}{APIKeys: make([]apiKeyJSON, len(keys))}
	for i, k := range keys {
		out.APIKeys[i] = toAPIKeyJSON(k)
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

func (h apiKeyRoutes) renew(w http.ResponseWriter, r *http.Request) error {
	o, err := h.owner(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "key_id")
	if err != nil {
		return err
	}
	var in renewRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	k, err := h.s.svc.APIKeys.Renew(r.Context(), o, id, in.ExpirationDays)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, toAPIKeyJSON(k))
	return nil
}

func (h apiKeyRoutes) revoke(w http.ResponseWriter, r *http.Request) error {
	o, err := h.owner(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "key_id")
	if err != nil {
		return err
	}
	if err := h.s.svc.APIKeys.Revoke(r.Context(), o, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
