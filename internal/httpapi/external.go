package httpapi

import (
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// externalAuthJSON is a stored authentication as lists show it: never its
// tokens.
type externalAuthJSON struct {
	Service             string     `json:"service"`
	ServiceUser         string     `json:"service_user"`
	DisplayName         string     `json:"display_name"`
	AccessTokenExpires  *time.Time `json:"access_token_expires"`
	AccessSecretExpires *time.Time `json:"access_secret_expires"`
	CreatedAt           time.Time  `json:"created_at"`
	UpdatedAt           time.Time  `json:"updated_at"`
}

func toExternalAuthJSON(a *iam.ExternalAuth) externalAuthJSON {
	return externalAuthJSON{Service: a.Service, ServiceUser: a.ServiceUser, DisplayName: a.DisplayName,
		AccessTokenExpires: a.TokenExpires, AccessSecretExpires: a.SecretExpires, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

// externalAuthSecretJSON is one authentication with its tokens, for its
// owner or a holder of authentications.read.
type externalAuthSecretJSON struct {
	externalAuthJSON
	AccessToken  string  `json:"access_token"`
	AccessSecret *string `json:"access_secret"`
}

// externalAuthRequest is PUT's body. The expiries are RFC 3339 times, or
// Squirro's 2006-01-02T15:04:05 read as UTC.
type externalAuthRequest struct {
	ServiceUser         string  `json:"service_user"`
	AccessToken         string  `json:"access_token"`
	AccessSecret        string  `json:"access_secret"`
	DisplayName         string  `json:"display_name"`
	AccessTokenExpires  *string `json:"access_token_expires"`
	AccessSecretExpires *string `json:"access_secret_expires"`
}

// parseExpiry reads an optional time field of a body.
func parseExpiry(field string, v *string) (*time.Time, error) {
	if v == nil || *v == "" {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, *v); err == nil {
			t = t.UTC()
			return &t, nil
		}
	}
	return nil, &iam.Error{Kind: iam.Invalid, Code: "validation_failed", Message: "a field is invalid",
		Fields: []iam.FieldError{{Field: field, Message: "must be an RFC 3339 time such as 2030-01-02T15:04:05Z"}}}
}

func (s *Server) listAuthentications(w http.ResponseWriter, r *http.Request) error {
	userID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.External.ListAuthentications(r.Context(), userID)
	if err != nil {
		return err
	}
	out := struct {
		Authentications []externalAuthJSON `json:"authentications"`
	}{Authentications: make([]externalAuthJSON, len(list))}
	for i, a := range list {
		out.Authentications[i] = toExternalAuthJSON(a)
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

func (s *Server) getAuthentication(w http.ResponseWriter, r *http.Request) error {
	userID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.svc.External.GetAuthentication(r.Context(), userID, r.PathValue("service"))
	if err != nil {
		return err
	}
	out := externalAuthSecretJSON{externalAuthJSON: toExternalAuthJSON(a.ExternalAuth), AccessToken: a.AccessToken}
	if a.AccessSecret != "" {
		out.AccessSecret = &a.AccessSecret
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

func (s *Server) putAuthentication(w http.ResponseWriter, r *http.Request) error {
	userID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in externalAuthRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	tokenExp, err := parseExpiry("access_token_expires", in.AccessTokenExpires)
	if err != nil {
		return err
	}
	secretExp, err := parseExpiry("access_secret_expires", in.AccessSecretExpires)
	if err != nil {
		return err
	}
	a, created, err := s.svc.External.PutAuthentication(r.Context(), userID, r.PathValue("service"), service.ExternalAuthInput{
		ServiceUser: in.ServiceUser, AccessToken: in.AccessToken, AccessSecret: in.AccessSecret, DisplayName: in.DisplayName,
		TokenExpires: tokenExp, SecretExpires: secretExp})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, typeJSON, toExternalAuthJSON(a))
	return nil
}

func (s *Server) deleteAuthentication(w http.ResponseWriter, r *http.Request) error {
	userID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.External.DeleteAuthentication(r.Context(), userID, r.PathValue("service")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// identityJSON is an identity link.
type identityJSON struct {
	Issuer    string    `json:"issuer"`
	Subject   string    `json:"subject"`
	CreatedAt time.Time `json:"created_at"`
}

func toIdentityJSON(l *iam.IdentityLink) identityJSON {
	return identityJSON{Issuer: l.Issuer, Subject: l.Subject, CreatedAt: l.CreatedAt}
}

type identityRequest struct {
	Subject string `json:"subject"`
}

func (s *Server) listIdentities(w http.ResponseWriter, r *http.Request) error {
	userID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.External.ListIdentities(r.Context(), userID)
	if err != nil {
		return err
	}
	out := struct {
		Identities []identityJSON `json:"identities"`
	}{Identities: make([]identityJSON, len(list))}
	for i, l := range list {
		out.Identities[i] = toIdentityJSON(l)
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

func (s *Server) getIdentity(w http.ResponseWriter, r *http.Request) error {
	userID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := s.svc.External.GetIdentity(r.Context(), userID, r.PathValue("issuer"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, toIdentityJSON(l))
	return nil
}

func (s *Server) putIdentity(w http.ResponseWriter, r *http.Request) error {
	userID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in identityRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	l, created, err := s.svc.External.LinkIdentity(r.Context(), userID, r.PathValue("issuer"), in.Subject)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, typeJSON, toIdentityJSON(l))
	return nil
}

func (s *Server) deleteIdentity(w http.ResponseWriter, r *http.Request) error {
	userID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.External.UnlinkIdentity(r.Context(), userID, r.PathValue("issuer")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
