package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// Bounds of an organization's password policy beyond NIST's floors.
const (
	maxPolicyLength  = 4096 // longest max_length: hashing stays cheap enough
	maxPolicyHistory = 24
	maxPolicyAgeDays = 3650
)

// Passwords changes passwords and keeps each organization's password
// policy.
type Passwords struct {
	env      *Env
	hasher   *authn.Hasher
	defaults authn.PasswordPolicy
	auth     *Auth
}

// orgPasswordPolicy is an organization's policy, or the server's defaults
// when it has set none.
func orgPasswordPolicy(ctx context.Context, q iam.Queries, orgID iam.ID, defaults authn.PasswordPolicy) (*iam.PasswordPolicy, error) {
	p, err := q.GetPasswordPolicy(ctx, orgID)
	if iam.IsKind(err, iam.NotFound) {
		return &iam.PasswordPolicy{OrgID: orgID, MinLength: defaults.MinLength, MaxLength: defaults.MaxLength,
			Blocklist: defaults.Blocklist}, nil
	}
	return p, err
}

// rules is the part of a stored policy that authn checks.
func rules(p *iam.PasswordPolicy) authn.PasswordPolicy {
	return authn.PasswordPolicy{MinLength: p.MinLength, MaxLength: p.MaxLength, Blocklist: p.Blocklist}
}

// Policy returns the caller's organization's password policy.
func (s *Passwords) Policy(ctx context.Context) (*iam.PasswordPolicy, error) {
	p, err := s.env.authorize(ctx, authz.PasswordPolicyRead, orgLevel)
	if err != nil {
		return nil, err
	}
	return orgPasswordPolicy(ctx, s.env.Store, p.OrgID, s.defaults)
}

// SetPolicy replaces the caller's organization's password policy. It may be
// stricter than NIST SP 800-63B, never laxer: at least 8 characters
// required, at least 64 permitted.
func (s *Passwords) SetPolicy(ctx context.Context, in iam.PasswordPolicy) (*iam.PasswordPolicy, error) {
	p, err := s.env.authorize(ctx, authz.PasswordPolicyUpdate, orgLevel)
	if err != nil {
		return nil, err
	}
	var c checks
	if in.MinLength < 8 {
		c.add("min_length", "must be at least 8")
	}
	switch {
	case in.MaxLength < 64:
		c.add("max_length", "must be at least 64")
	case in.MaxLength > maxPolicyLength:
		c.add("max_length", fmt.Sprintf("must be at most %d", maxPolicyLength))
	case in.MaxLength < in.MinLength:
		c.add("max_length", "must not be less than min_length")
	}
	if in.History < 0 || in.History > maxPolicyHistory {
		c.add("history", fmt.Sprintf("must be from 0 to %d", maxPolicyHistory))
	}
	if in.MaxAgeDays < 0 || in.MaxAgeDays > maxPolicyAgeDays {
		c.add("max_age_days", fmt.Sprintf("must be from 0 to %d", maxPolicyAgeDays))
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	now := s.env.now()
	in.OrgID, in.UpdatedAt = p.OrgID, now
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		before, err := orgPasswordPolicy(ctx, q, p.OrgID, s.defaults)
		if err != nil {
			return err
		}
		if err := q.PutPasswordPolicy(ctx, &in); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"password_policy.updated", "org", p.OrgID.String(),
			map[string]any{"from": policyFields(before), "to": policyFields(&in)}})
	})
	if err != nil {
		return nil, err
	}
	return &in, nil
}

func policyFields(p *iam.PasswordPolicy) map[string]any {
	return map[string]any{"min_length": p.MinLength, "max_length": p.MaxLength, "blocklist": p.Blocklist,
		"history": p.History, "max_age_days": p.MaxAgeDays}
}

// PasswordChange is the input of Change.
type PasswordChange struct {
	Current string
	New     string
	Confirm string
}

// Change sets a user's password. Users changing their own must give the
// current one (if they have one); holders of passwords.set may set
// others' without it. The new password must follow the organization's
// policy and not be one of the last History ones. The user's other
// sessions are signed out.
func (s *Passwords) Change(ctx context.Context, userID iam.ID, in PasswordChange) error {
	p, err := s.env.authorizeSelfOr(ctx, authz.PasswordsSet, userID)
	if err != nil {
		return err
	}
	self := p.Kind == iam.KindUser && p.ID == userID
	u, err := s.env.Store.GetUser(ctx, p.OrgID, userID)
	if err != nil {
		return err
	}
	pol, err := orgPasswordPolicy(ctx, s.env.Store, p.OrgID, s.defaults)
	if err != nil {
		return err
	}
	current, err := s.env.Store.GetPasswordHash(ctx, p.OrgID, userID)
	hasPassword := err == nil
	if err != nil && !iam.IsKind(err, iam.NotFound) {
		return err
	}
	var c checks
	if self && hasPassword && in.Current == "" {
		c.add("current_password", "is required to change your own password")
	}
	if in.New == "" {
		c.add("new_password", "is required")
	} else {
		var pc checks
		pc.password(rules(pol), in.New, passwordContext(u.Email, u.Username)...)
		for _, f := range pc {
			c.add("new_password", f.Message)
		}
	}
	if in.Confirm != in.New {
		c.add("new_password_confirm", "must equal new_password")
	}
	if err := c.err(); err != nil {
		return err
	}
	if self && hasPassword {
		ok, _, err := s.hasher.Verify(ctx, current, in.Current)
		if err != nil {
			return err
		}
		if !ok {
			return iam.InvalidFields(iam.FieldError{Field: "current_password", Message: "is wrong"})
		}
	}
	if pol.History > 0 {
		old, err := s.env.Store.PasswordHistory(ctx, p.OrgID, userID, pol.History)
		if err != nil {
			return err
		}
		for _, h := range old {
			ok, _, err := s.hasher.Verify(ctx, h, in.New)
			var e *iam.Error
			if err != nil && !(errors.As(err, &e) && e.Kind == iam.Internal) {
				return err
			}
			if ok {
				return iam.InvalidFields(iam.FieldError{Field: "new_password",
					Message: fmt.Sprintf("must differ from your last %d passwords", pol.History)})
			}
		}
	}
	hash, err := s.hasher.Hash(ctx, in.New)
	if err != nil {
		return err
	}
	now := s.env.now()
	var revoked []iam.ID
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.SetPassword(ctx, p.OrgID, userID, hash, now); err != nil {
			return err
		}
		sessions, err := q.ListSessions(ctx, p.OrgID, userID)
		if err != nil {
			return err
		}
		for _, sess := range sessions {
			if sess.RevokedAt != nil || !now.Before(sess.ExpiresAt) || sess.ID == p.SessionID {
				continue
			}
			if err := q.RevokeSession(ctx, p.OrgID, sess.ID, now); err != nil {
				return err
			}
			if err := q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidateSession, OrgID: p.OrgID, ID: sess.ID}); err != nil {
				return err
			}
			revoked = append(revoked, sess.ID)
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"password.changed", "user", userID.String(),
			map[string]any{"by_self": self, "sessions_revoked": len(revoked)}})
	})
	if err != nil {
		return err
	}
	for _, id := range revoked {
		s.auth.sessions.revoke(id, now)
	}
	return nil
}
