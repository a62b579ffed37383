package httpapi

import (
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

type passwordChangeRequest struct {
	CurrentPassword    string `json:"current_password"`
	NewPassword        string `json:"new_password"`
	NewPasswordConfirm string `json:"new_password_confirm"`
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in passwordChangeRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	err = s.svc.Passwords.Change(r.Context(), id, service.PasswordChange{Current: in.CurrentPassword,
		New: in.NewPassword, Confirm: in.NewPasswordConfirm})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// passwordPolicyJSON is an organization's password policy on the wire;
// PUT takes the same document without updated_at.
type passwordPolicyJSON struct {
	MinLength  int        `json:"min_length"`
	MaxLength  int        `json:"max_length"`
	Blocklist  bool       `json:"blocklist"`
	History    int        `json:"history"`
	MaxAgeDays int        `json:"max_age_days"`
	UpdatedAt  *time.Time `json:"updated_at"`
}

type passwordPolicyRequest struct {
	MinLength  int  `json:"min_length"`
	MaxLength  int  `json:"max_length"`
	Blocklist  bool `json:"blocklist"`
	History    int  `json:"history"`
	MaxAgeDays int  `json:"max_age_days"`
}

func toPolicyJSON(p *iam.PasswordPolicy) passwordPolicyJSON {
	out := passwordPolicyJSON{MinLength: p.MinLength, MaxLength: p.MaxLength, Blocklist: p.Blocklist,
		History: p.History, MaxAgeDays: p.MaxAgeDays}
	if !p.UpdatedAt.IsZero() {
		t := p.UpdatedAt
		out.UpdatedAt = &t
	}
	return out
}

func (s *Server) getPasswordPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Passwords.Policy(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, toPolicyJSON(p))
	return nil
}

func (s *Server) putPasswordPolicy(w http.ResponseWriter, r *http.Request) error {
	var in passwordPolicyRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.svc.Passwords.SetPolicy(r.Context(), iam.PasswordPolicy{MinLength: in.MinLength, MaxLength: in.MaxLength,
		Blocklist: in.Blocklist, History: in.History, MaxAgeDays: in.MaxAgeDays})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, toPolicyJSON(p))
	return nil
}
