package storetest

import (
	"testing"

	"github.com/wardenhq/warden/internal/iam"
)

// testIsolation tries every organization-scoped method with organization
// B's ID on organization A's rows: each must be NotFound (or see nothing),
// and A must be unchanged afterwards.
func testIsolation(t *testing.T, newStore NewStore) {
	s, c := newStore(t), newClock()
	a, b := mustOrg(t, s, c, "A"), mustOrg(t, s, c, "B")
	u := mustUser(t, s, c, a, "a@example.com", "a")
	noErr(t, s.SetPasswordHash(ctx, a.ID, u.ID, "hash-of-a"))
	sess := mustSession(t, s, c, u)
	appendEvents(t, s, c, a, 3)
	before, _ := s.GetUser(ctx, a.ID, u.ID)

	notFound := map[string]func() error{
		"GetUser": func() error { _, err := s.GetUser(ctx, b.ID, u.ID); return err },
		"UpdateUser": func() error {
			v := *before
			v.OrgID, v.FullName = b.ID, "hijacked"
			return s.UpdateUser(ctx, &v)
		},
		"DeleteUser":      func() error { return s.DeleteUser(ctx, b.ID, u.ID) },
		"SetLastLogin":    func() error { return s.SetLastLogin(ctx, b.ID, u.ID, c.now()) },
		"SetPasswordHash": func() error { return s.SetPasswordHash(ctx, b.ID, u.ID, "hash-of-b") },
		"GetPasswordHash": func() error { _, err := s.GetPasswordHash(ctx, b.ID, u.ID); return err },
		"CreateSession": func() error {
			now := c.now()
			return s.CreateSession(ctx, &iam.Session{ID: newID(t, now), OrgID: b.ID, UserID: u.ID,
				CreatedAt: now, LastSeenAt: now, ExpiresAt: now})
		},
		"GetSession":    func() error { _, err := s.GetSession(ctx, b.ID, sess.ID); return err },
		"TouchSession":  func() error { return s.TouchSession(ctx, b.ID, sess.ID, c.now()) },
		"RevokeSession": func() error { return s.RevokeSession(ctx, b.ID, sess.ID, c.now()) },
	}
	for name, call := range notFound {
		t.Run(name+" across orgs is not found", func(t *testing.T) {
			wantKind(t, call(), iam.NotFound)
		})
	}
	empty := map[string]func() (int, error){
		"ListUsers": func() (int, error) { l, err := s.ListUsers(ctx, b.ID, iam.UserFilter{}); return len(l), err },
		"ListUsers by email": func() (int, error) {
			l, err := s.ListUsers(ctx, b.ID, iam.UserFilter{Email: "a@example.com"})
			return len(l), err
		},
		"ListSessions": func() (int, error) { l, err := s.ListSessions(ctx, b.ID, u.ID); return len(l), err },
		"RevokeUserSessions": func() (int, error) {
			l, err := s.RevokeUserSessions(ctx, b.ID, u.ID, c.now())
			return len(l), err
		},
		"ListAudit": func() (int, error) { l, err := s.ListAudit(ctx, b.ID, iam.AuditFilter{}); return len(l), err },
	}
	for name, call := range empty {
		t.Run(name+" across orgs sees nothing", func(t *testing.T) {
			n, err := call()
			noErr(t, err)
			if n != 0 {
				t.Fatalf("saw %d rows of another org", n)
			}
		})
	}
	t.Run("the other org's data is unchanged", func(t *testing.T) {
		after, err := s.GetUser(ctx, a.ID, u.ID)
		noErr(t, err)
		jsonEqual(t, "user", after, before)
		if h, _ := s.GetPasswordHash(ctx, a.ID, u.ID); h != "hash-of-a" {
			t.Fatalf("password hash changed to %q", h)
		}
		got, _ := s.GetSession(ctx, a.ID, sess.ID)
		jsonEqual(t, "session", got, sess)
		events, _ := s.ListAudit(ctx, a.ID, iam.AuditFilter{Asc: true})
		if len(events) != 3 {
			t.Fatalf("%d events, want 3", len(events))
		}
		checkChain(t, events)
	})
}
