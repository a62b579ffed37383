package httpapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

type signupRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	FullName string `json:"full_name"`
	OrgName  string `json:"org_name"`
}

type signupResponse struct {
	UserID iam.ID `json:"user_id"`
	OrgID  iam.ID `json:"org_id"`
}

func (s *Server) signup(w http.ResponseWriter, r *http.Request) error {
	var in signupRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	orgID, userID, err := s.svc.Auth.Signup(r.Context(), service.Signup(in))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, typeJSON, signupResponse{UserID: userID, OrgID: orgID})
	return nil
}

type loginRequest struct {
	Login       string `json:"login"`
	Password    string `json:"password"`
	OrgID       iam.ID `json:"org_id"`
	NewPassword string `json:"new_password"` // replaces an expired password
}

type loginResponse struct {
	User        userJSON  `json:"user"`
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type"`
	ExpiresAt   time.Time `json:"expires_at"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var in loginRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	sess, err := s.svc.Auth.Login(r.Context(), service.Login{Login: in.Login, Password: in.Password, OrgID: in.OrgID,
		NewPassword: in.NewPassword})
	if err != nil {
		return err
	}
	s.writeSession(w, sess)
	return nil
}

// writeSession answers a completed login (POST /v1/login, /v1/login/mfa):
// the session cookie and the token in the body.
func (s *Server) writeSession(w http.ResponseWriter, sess *service.Session) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, typeJSON, loginResponse{User: toUserJSON(sess.User), AccessToken: sess.Token,
		TokenType: "Bearer", ExpiresAt: sess.ExpiresAt})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Auth.Logout(r.Context()); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type whoamiResponse struct {
	OrganizationIDs  []iam.ID `json:"organization_ids"`
	Issuer           string   `json:"issuer"`
	InternalUserID   *iam.ID  `json:"internal_user_id"`
	ServiceAccountID *iam.ID  `json:"service_account_id"`
	Username         string   `json:"username"`
	FirstName        string   `json:"first_name"`
	LastName         string   `json:"last_name"`
	Email            string   `json:"email"`
	Roles            []string `json:"roles"`
}

// renderedWhoAmI is the encoded body of a caller's whoami, and the answer
// it encodes.
type renderedWhoAmI struct {
	who  service.WhoAmI
	body []byte
}

// whoami describes the caller. The answer changes only when the caller's
// user or roles do, so the body encoded last time is sent again while the
// answer equals the one it encodes: encoding was a tenth of the request.
func (s *Server) whoami(w http.ResponseWriter, r *http.Request) error {
	who, err := s.svc.Auth.WhoAmI(r.Context())
	if err != nil {
		return err
	}
	key := who.InternalUserID
	if key.IsZero() {
		key = who.ServiceAccountID
	}
	if c, ok := s.whoamis.Get(key); ok && sameWhoAmI(&c.who, &who) {
		writeBody(w, http.StatusOK, typeJSON, c.body)
		return nil
	}
	roles := who.Roles
	if roles == nil {
		roles = []string{}
	}
	body, err := json.Marshal(whoamiResponse{OrganizationIDs: []iam.ID{who.OrgID}, Issuer: who.Issuer,
		InternalUserID: optionalID(who.InternalUserID), ServiceAccountID: optionalID(who.ServiceAccountID),
		Username: who.Username, FirstName: who.FirstName, LastName: who.LastName, Email: who.Email, Roles: roles})
	if err != nil {
		return err
	}
	body = append(body, '\n') // as writeJSON's encoder ends every body
	s.whoamis.Put(key, renderedWhoAmI{who: who, body: body})
	writeBody(w, http.StatusOK, typeJSON, body)
	return nil
}

func sameWhoAmI(a, b *service.WhoAmI) bool {
	return a.Issuer == b.Issuer && a.InternalUserID == b.InternalUserID && a.ServiceAccountID == b.ServiceAccountID &&
		a.Username == b.Username && a.FirstName == b.FirstName && a.LastName == b.LastName && a.Email == b.Email &&
		a.OrgID == b.OrgID && slices.Equal(a.Roles, b.Roles)
}

func optionalID(id iam.ID) *iam.ID {
	if id.IsZero() {
		return nil
	}
	return &id
}

func (s *Server) jwks(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(s.svc.Keys.JWKS())
	return nil
}
