package service

import (
	"context"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// UserSessions lists and revokes users' login sessions.
type UserSessions struct {
	env  *Env
	auth *Auth // whose session cache learns revocations at once
}

// List returns a user's active sessions.
func (s *UserSessions) List(ctx context.Context, userID iam.ID) ([]*iam.Session, error) {
	p, err := s.env.authorizeSelfOr(ctx, authz.SessionsRead, userID)
	if err != nil {
		return nil, err
	}
	if _, err := s.env.Store.GetUser(ctx, p.OrgID, userID); err != nil {
		return nil, err
	}
	all, err := s.env.Store.ListSessions(ctx, p.OrgID, userID)
	if err != nil {
		return nil, err
	}
	now := s.env.Now()
	out := all[:0]
	for _, sess := range all {
		if sess.Active(now) {
			out = append(out, sess)
		}
	}
	return out, nil
}

// Get returns one active session of a user.
func (s *UserSessions) Get(ctx context.Context, userID, id iam.ID) (*iam.Session, error) {
	p, err := s.env.authorizeSelfOr(ctx, authz.SessionsRead, userID)
	if err != nil {
		return nil, err
	}
	return activeSession(ctx, s.env.Store, p.OrgID, userID, id, s.env)
}

func activeSession(ctx context.Context, q iam.Queries, org, userID, id iam.ID, env *Env) (*iam.Session, error) {
	sess, err := q.GetSession(ctx, org, id)
	if err != nil {
		return nil, err
	}
	if sess.UserID != userID || !sess.Active(env.Now()) {
		return nil, iam.ErrNotFound("session")
	}
	return sess, nil
}

// Revoke signs one session out: its token is refused from the next request
// on (on this node at once, on others within seconds).
func (s *UserSessions) Revoke(ctx context.Context, userID, id iam.ID) error {
	p, err := s.env.authorizeSelfOr(ctx, authz.SessionsDelete, userID)
	if err != nil {
		return err
	}
	now := s.env.now()
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		if _, err := activeSession(ctx, q, p.OrgID, userID, id, s.env); err != nil {
			return err
		}
		if err := q.RevokeSession(ctx, p.OrgID, id, now); err != nil {
			return err
		}
		if err := q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidateSession, OrgID: p.OrgID, ID: id}); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"session.revoked", "session", id.String(),
			map[string]any{"user_id": userID, "reason": "revoked"}})
	})
	if err != nil {
		return err
	}
	s.auth.sessions.revoke(id, now)
	return nil
}

// RevokeAll signs a user out everywhere.
func (s *UserSessions) RevokeAll(ctx context.Context, userID iam.ID) error {
	p, err := s.env.authorizeSelfOr(ctx, authz.SessionsDelete, userID)
	if err != nil {
		return err
	}
	now := s.env.now()
	var ids []iam.ID
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		if _, err := q.GetUser(ctx, p.OrgID, userID); err != nil {
			return err
		}
		if ids, err = q.RevokeUserSessions(ctx, p.OrgID, userID, now); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		if err := q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidatePrincipal, OrgID: p.OrgID, ID: userID}); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"session.revoked", "user", userID.String(),
			map[string]any{"user_id": userID, "session_ids": ids, "reason": "signed_out_everywhere"}})
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		s.auth.sessions.revoke(id, now)
	}
	return nil
}
