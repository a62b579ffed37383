package httpapi

import (
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/service"
)

// smsSent names the code just sent by its token suffix: the reference a
// user reads out to the helpdesk. Never the code.
type smsSent struct {
	TokenSuffix string `json:"token_suffix"`
}

type smsEnrolRequest struct {
	Phone string `json:"phone"`
}

func (s *Server) enrollSMS(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in smsEnrolRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	suffix, err := s.svc.SMS.EnrollSMS(r.Context(), id, in.Phone)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, typeJSON, smsSent{TokenSuffix: suffix})
	return nil
}

type smsVerifyRequest struct {
	Code string `json:"code"`
}

type smsVerifyResponse struct {
	Enabled bool `json:"enabled"`
}

func (s *Server) verifySMS(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in smsVerifyRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.svc.SMS.VerifySMS(r.Context(), id, in.Code); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, smsVerifyResponse{Enabled: true})
	return nil
}

// disableSMS turns SMS off; enrolling again (a new code to the phone)
// turns it back on, so there is no PUT.
func (s *Server) disableSMS(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.MFA.Disable(r.Context(), id, service.MethodSMS); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type loginSMSRequest struct {
	MFAToken string `json:"mfa_token"`
}

// loginSMS sends the code of a login's second step; POST /v1/login/mfa
// with method sms completes it.
func (s *Server) loginSMS(w http.ResponseWriter, r *http.Request) error {
	var in loginSMSRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	suffix, err := s.svc.Auth.SendLoginSMS(r.Context(), in.MFAToken)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, typeJSON, smsSent{TokenSuffix: suffix})
	return nil
}

type smsCodeJSON struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
}

// getSMSCode reveals a pending code to an administrator (helpdesk).
func (s *Server) getSMSCode(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.svc.SMS.PendingCode(r.Context(), id, r.PathValue("token_suffix"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, typeJSON, smsCodeJSON{Code: c.Code, ExpiresAt: c.ExpiresAt})
	return nil
}
