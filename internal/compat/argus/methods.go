package argus

import (
	"net/http"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// methodView is a user's authentication method on the wire. Method is
// upper-case (PASSWORD, TOTP, SMS); lastLoginTimestamp is epoch ms, 0 if
// never.
type methodView struct {
	Method             string `json:"method"`
	Enabled            bool   `json:"enabled"`
	Initialized        bool   `json:"initialized"`
	LastLoginTimestamp int64  `json:"lastLoginTimestamp"`
	LastLoginIP        string `json:"lastLoginIP"`
	Settings           any    `json:"settings"`
}

func viewMethod(m service.AuthMethod) methodView {
	var settings any = map[string]any{}
	if len(m.Settings) > 0 {
		settings = m.Settings
	}
	return methodView{Method: strings.ToUpper(m.Method), Enabled: m.Enabled, Initialized: m.Initialized,
		LastLoginTimestamp: millis(m.LastLoginAt), LastLoginIP: m.LastLoginIP, Settings: settings}
}

func (s *server) listMethods(w http.ResponseWriter, r *http.Request) {
	u, err := s.user(r)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	ms, err := s.env.Svc.MFA.Methods(r.Context(), u.ID)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	out := make([]methodView, 0, len(ms))
	for _, m := range ms {
		out = append(out, viewMethod(m))
	}
	writeList(w, r, out)
}

func (s *server) enableMethod(w http.ResponseWriter, r *http.Request)  { s.setMethod(w, r, true) }
func (s *server) disableMethod(w http.ResponseWriter, r *http.Request) { s.setMethod(w, r, false) }

// setMethod enables or disables {method} and answers the method's state.
func (s *server) setMethod(w http.ResponseWriter, r *http.Request, on bool) {
	ctx := r.Context()
	u, err := s.user(r)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	method := strings.ToLower(r.PathValue("method"))
	if on {
		err = s.env.Svc.MFA.Enable(ctx, u.ID, method)
	} else {
		err = s.env.Svc.MFA.Disable(ctx, u.ID, method)
	}
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	ms, err := s.env.Svc.MFA.Methods(ctx, u.ID)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	for _, m := range ms {
		if m.Method == method {
			writeOne(w, http.StatusOK, viewMethod(m))
			return
		}
	}
	writeError(w, r, s.env, iam.ErrNotFound("authentication method"))
}

// smsView is a pending SMS code, as the helpdesk reads it back.
type smsView struct {
	User             userView `json:"user"`
	TokenSuffix      string   `json:"tokenSuffix"`
	Token            string   `json:"token"`
	ExpiresTimestamp int64    `json:"expiresTimestamp"`
}

// smsCode reveals the user's pending SMS code with this token suffix
// (administrators only: the service requires mfa.manage).
func (s *server) smsCode(w http.ResponseWriter, r *http.Request) {
	u, err := s.user(r)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	suffix := r.PathValue("suffix")
	c, err := s.env.Svc.SMS.PendingCode(r.Context(), u.ID, suffix)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	writeOne(w, http.StatusOK, smsView{User: userView{ID: u.Seq}, TokenSuffix: strings.ToLower(suffix), Token: c.Code,
		ExpiresTimestamp: c.ExpiresAt.UnixMilli()})
}
