package httpapi

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// authMethodJSON is an authentication method on the wire: its state, never
// its secret.
type authMethodJSON struct {
	Method      string          `json:"method"`
	Initialized bool            `json:"initialized"`
	Enabled     bool            `json:"enabled"`
	LastLoginAt *time.Time      `json:"last_login_at"`
	LastLoginIP *string         `json:"last_login_ip"`
	Settings    json.RawMessage `json:"settings"`
}

type authMethodList struct {
	AuthMethods []authMethodJSON `json:"auth_methods"`
}

func (s *Server) listAuthMethods(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	methods, err := s.svc.MFA.Methods(r.Context(), id)
	if err != nil {
		return err
	}
	out := authMethodList{AuthMethods: make([]authMethodJSON, len(methods))}
	for i, m := range methods {
		out.AuthMethods[i] = authMethodJSON{Method: m.Method, Initialized: m.Initialized, Enabled: m.Enabled,
			LastLoginAt: m.LastLoginAt, Settings: m.Settings}
		if m.LastLoginIP != "" {
			ip := m.LastLoginIP
			out.AuthMethods[i].LastLoginIP = &ip
		}
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}

// pathMethod reads {method}: an unknown method is a resource that does not
// exist.
func pathMethod(r *http.Request) (string, error) {
	m := r.PathValue("method")
	if m != service.MethodPassword && m != service.MethodTOTP {
		return "", iam.E(iam.NotFound, "not_found", "no such authentication method; methods are password and totp")
	}
	return m, nil
}

func (s *Server) enableAuthMethod(w http.ResponseWriter, r *http.Request) error {
	return s.setAuthMethod(w, r, true)
}

func (s *Server) disableAuthMethod(w http.ResponseWriter, r *http.Request) error {
	return s.setAuthMethod(w, r, false)
}

func (s *Server) setAuthMethod(w http.ResponseWriter, r *http.Request, on bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	method, err := pathMethod(r)
	if err != nil {
		return err
	}
	if on {
		err = s.svc.MFA.Enable(r.Context(), id, method)
	} else {
		err = s.svc.MFA.Disable(r.Context(), id, method)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type totpEnrolment struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
}

func (s *Server) enrollTOTP(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.svc.MFA.EnrollTOTP(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, typeJSON, totpEnrolment{Secret: e.Secret, OTPAuthURL: e.OTPAuthURL})
	return nil
}

type totpVerifyRequest struct {
	Code string `json:"code"`
}

type totpVerifyResponse struct {
	Enabled       bool     `json:"enabled"`
	RecoveryCodes []string `json:"recovery_codes,omitempty"`
}

func (s *Server) verifyTOTP(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in totpVerifyRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	_, codes, err := s.svc.MFA.VerifyTOTP(r.Context(), id, in.Code)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, typeJSON, totpVerifyResponse{Enabled: true, RecoveryCodes: codes})
	return nil
}

type recoveryCodes struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

func (s *Server) regenerateRecoveryCodes(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	codes, err := s.svc.MFA.RegenerateRecoveryCodes(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, typeJSON, recoveryCodes{RecoveryCodes: codes})
	return nil
}

type loginMFARequest struct {
	MFAToken string `json:"mfa_token"`
	Method   string `json:"method"`
	Code     string `json:"code"`
}

// loginMFA completes a login that answered mfa_required; it answers
// exactly as a login does.
func (s *Server) loginMFA(w http.ResponseWriter, r *http.Request) error {
	var in loginMFARequest
	if err := decode(r, &in); err != nil {
		return err
	}
	sess, err := s.svc.Auth.LoginMFA(r.Context(), service.LoginMFA{Token: in.MFAToken, Method: in.Method, Code: in.Code})
	if err != nil {
		return err
	}
	s.writeSession(w, sess)
	return nil
}
