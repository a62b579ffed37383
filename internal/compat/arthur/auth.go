package arthur

import (
	"net/http"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

type loginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

// login checks a password (through Auth.Login: throttling, lockout,
// disabled accounts, MFA) and answers the User with the session token in
// the cookie the client reads. Every refused credential is a 403, the
// only status the client reads as "username or password incorrect"; a
// user with a second factor is refused too (the Arthur login has no second
// step: such users log in at /v1/login). A locked login is a 429.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	if !s.limit(w, r, nil) {
		return
	}
	var in loginRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, s.env, err)
		return
	}
	sess, err := s.env.Svc.Auth.Login(r.Context(), service.Login{Login: in.Login, Password: in.Password})
	if err != nil {
		if iam.IsKind(err, iam.Unauthenticated) {
			if iam.CodeOf(err) == "mfa_required" {
				err = iam.E(iam.Unauthenticated, "mfa_required",
					"this account needs a second factor, which this login cannot take: log in through POST /v1/login")
			}
			writeErrorStatus(w, r, s.env, err, http.StatusForbidden)
			return
		}
		writeError(w, r, s.env, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: s.env.SecureCookies, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, toUserJSON(sess.User))
}

// authInfo describes the caller: a user or a service account.
func (s *server) authInfo(w http.ResponseWriter, r *http.Request) {
	who, err := s.env.Svc.Auth.WhoAmI(r.Context())
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	out := authInfoJSON{OrganizationIDs: []iam.ID{who.OrgID}, Issuer: who.Issuer,
		InternalUserID: optionalID(who.InternalUserID), ServiceAccountID: optionalID(who.ServiceAccountID),
		Username: who.Username, FirstName: who.FirstName, LastName: who.LastName, Email: who.Email, Roles: who.Roles}
	if out.Roles == nil {
		out.Roles = []string{}
	}
	if !who.InternalUserID.IsZero() && out.FirstName == "" && out.LastName == "" {
		// A user with only a full name: the names /users/me gives.
		u, err := s.env.Svc.Users.Current(r.Context())
		if err != nil {
			writeError(w, r, s.env, err)
			return
		}
		out.FirstName, out.LastName = names(u)
	}
	if out.Username == "" {
		out.Username = who.Email // a user without a username logs in with the email
	}
	writeJSON(w, http.StatusOK, out)
}
