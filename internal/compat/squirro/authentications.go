package squirro

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// authJSON is Squirro's authentication object; tokens are shown (Squirro
// clients store a third party's token to fetch it back).
func authJSON(a *iam.ExternalAuth, token, secret string, now time.Time) map[string]any {
	state := "valid"
	if a.TokenExpires != nil && !now.Before(*a.TokenExpires) {
		state = "expired"
	}
	var sec any
	if secret != "" {
		sec = secret
	}
	return map[string]any{"access_token": token, "access_secret": sec,
		"access_token_expires": formatTime(a.TokenExpires, authTime), "access_secret_expires": formatTime(a.SecretExpires, authTime),
		"display_name": a.DisplayName, "service_user": a.ServiceUser, "state": state}
}

// getAuthentication is GET /{v}/{t}/authentications/{service}/{user}.
func (s *surface) getAuthentication(w http.ResponseWriter, r *http.Request) error {
	user, err := pathID(r, "user", "user")
	if err != nil {
		return err
	}
	a, err := s.env.Svc.External.GetAuthentication(r.Context(), user, r.PathValue("service"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authJSON(a.ExternalAuth, a.AccessToken, a.AccessSecret, time.Now()))
	return nil
}

// putAuthentication is POST on the same path, JSON {"service_user",
// "access_token", "display_name"?, "access_secret"?,
// "access_token_expires"?, "access_secret_expires"?} → 201 when new, 200
// when replaced. The query's client_id and client_secret are not read.
func (s *surface) putAuthentication(w http.ResponseWriter, r *http.Request) error {
	user, err := pathID(r, "user", "user")
	if err != nil {
		return err
	}
	m, err := decodeObject(r)
	if err != nil {
		return err
	}
	var in service.ExternalAuthInput
	for key, dst := range map[string]*string{"service_user": &in.ServiceUser, "access_token": &in.AccessToken,
		"access_secret": &in.AccessSecret, "display_name": &in.DisplayName} {
		if *dst, _, err = str(m, key); err != nil {
			return err
		}
	}
	if in.TokenExpires, err = parseTime(m, "access_token_expires"); err != nil {
		return err
	}
	if in.SecretExpires, err = parseTime(m, "access_secret_expires"); err != nil {
		return err
	}
	a, created, err := s.env.Svc.External.PutAuthentication(r.Context(), user, r.PathValue("service"), in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, authJSON(a, in.AccessToken, in.AccessSecret, time.Now()))
	return nil
}

// deleteAuthentication is DELETE on the same path → 204.
func (s *surface) deleteAuthentication(w http.ResponseWriter, r *http.Request) error {
	user, err := pathID(r, "user", "user")
	if err != nil {
		return err
	}
	if err := s.env.Svc.External.DeleteAuthentication(r.Context(), user, r.PathValue("service")); err != nil {
		return err
	}
	return noContent(w)
}

// Microsoft Exchange: the identity a user is linked by (issuer) and the
// service their stored Exchange token is kept under.
const (
	msexchangeIssuer  = "msexchange"
	msexchangeService = "msexchange"
)

// msexchangeToken is GET /api/user/msexchange/oauth2_token: an Outlook
// add-in presents the Exchange identity token it got from Exchange
// (msexchuid_token, a JWT whose appctx claim holds msexchuid), or older
// clients the bare msexchuid, and gets the stored Exchange OAuth 2 token
// of the user of the caller's organization linked to that identity:
// {"oauth2_token", "user_id"}.
//
// The JWT's signature is not checked: Warden has no Exchange keys, and the
// msexchuid only names which stored token to read. The bearer token
// authorizes the read as External.GetAuthentication does (that user, or
// authentications.read); an unknown identity is 404.
func (s *surface) msexchangeToken(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	uid := q.Get("msexchuid")
	if jwt := q.Get("msexchuid_token"); jwt != "" {
		var ok bool
		if uid, ok = msexchuid(jwt); !ok {
			return iam.InvalidFields(iam.FieldError{Field: "msexchuid_token", Message: "is not an Exchange identity token"})
		}
	}
	if uid == "" {
		return iam.InvalidFields(iam.FieldError{Field: "msexchuid_token", Message: "is required"})
	}
	a, err := s.env.Svc.External.AuthenticationByIdentity(r.Context(), msexchangeIssuer, uid, msexchangeService)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"oauth2_token": a.AccessToken, "user_id": a.UserID.Base64()})
	return nil
}

// msexchuid reads the msexchuid of an Exchange identity token: its
// payload's appctx claim, a JSON object or a string holding one.
func msexchuid(jwt string) (string, bool) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 || len(parts[1]) > 16<<10 {
		return "", false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return "", false
	}
	var claims struct {
		AppCtx json.RawMessage `json:"appctx"`
	}
	if json.Unmarshal(payload, &claims) != nil || len(claims.AppCtx) == 0 {
		return "", false
	}
	raw := []byte(claims.AppCtx)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		raw = []byte(s)
	}
	var ctx struct {
		UID string `json:"msexchuid"`
	}
	if json.Unmarshal(raw, &ctx) != nil || ctx.UID == "" {
		return "", false
	}
	return ctx.UID, true
}
