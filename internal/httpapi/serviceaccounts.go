package httpapi

import (
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

type serviceAccountJSON struct {
	ID          iam.ID    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toServiceAccountJSON(sa *iam.ServiceAccount) serviceAccountJSON {
	return serviceAccountJSON{ID: sa.ID, Name: sa.Name, Description: sa.Description, Disabled: sa.Disabled,
		CreatedAt: sa.CreatedAt, UpdatedAt: sa.UpdatedAt}
}

type serviceAccountRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// serviceAccountPatch is the editable document of a service account.
type serviceAccountPatch struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Disabled    bool   `json:"disabled"`
}

func (s *Server) createServiceAccount(w http.ResponseWriter, r *http.Request) error {
	var in serviceAccountRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	sa, err := s.svc.ServiceAccounts.Create(r.Context(), in.Name, in.Description)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/service-accounts/"+sa.ID.String())
	writeJSON(w, http.StatusCreated, typeJSON, toServiceAccountJSON(sa))
	return nil
}

type oauthClientJSON struct {
	ClientID  iam.ID    `json:"client_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

type newOAuthClientJSON struct {
	ClientID     iam.ID    `json:"client_id"`
	ClientSecret string    `json:"client_secret"`
	Name         string    `json:"name"`
	CreatedAt    time.Time `json:"created_at"`
}

type oauthClientRequest struct {
	Name string `json:"name"`
}

func (s *Server) createServiceAccountClient(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in oauthClientRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.svc.ServiceAccounts.CreateClient(r.Context(), id, in.Name)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, typeJSON, newOAuthClientJSON{ClientID: m.Client.ID, ClientSecret: m.Secret,
		Name: m.Client.Name, CreatedAt: m.Client.CreatedAt})
	return nil
}

// listServiceAccountClients lists a service account's active clients.
func (s *Server) listServiceAccountClients(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.ServiceAccounts.Clients(r.Context(), id)
	if err != nil {
		return err
	}
	out := struct {
		Clients []oauthClientJSON `json:"clients"`
	}{Clients: []oauthClientJSON{}}
	for _, c := range list {
		if c.RevokedAt == nil {
			out.Clients = append(out.Clients, oauthClientJSON{ClientID: c.ID, Name: c.Name, CreatedAt: c.CreatedAt})
		}
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

func (s *Server) deleteServiceAccountClient(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	clientID, err := pathID(r, "client_id")
	if err != nil {
		return err
	}
	if err := s.svc.ServiceAccounts.RevokeClient(r.Context(), id, clientID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listServiceAccounts(w http.ResponseWriter, r *http.Request) error {
	q := query{r: r}
	page := iam.Page{Limit: q.limit(), After: q.cursor()}
	if q.err != nil {
		return q.err
	}
	list, err := s.svc.ServiceAccounts.List(r.Context(), page)
	if err != nil {
		return err
	}
	writePage(w, "service_accounts", list, page.Limit, func(sa *iam.ServiceAccount) iam.ID { return sa.ID }, toServiceAccountJSON)
	return nil
}
