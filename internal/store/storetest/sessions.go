package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

func asErr(err error, target **iam.Error) bool { return errors.As(err, target) }

func testSessions(t *testing.T, newStore NewStore) {
	t.Run("create, get, touch, list", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		sess := mustSession(t, s, c, u)
		got, err := s.GetSession(ctx, o.ID, sess.ID)
		noErr(t, err)
		jsonEqual(t, "GetSession", got, sess)
		seen := c.now()
		noErr(t, s.TouchSession(ctx, o.ID, sess.ID, seen))
		got, _ = s.GetSession(ctx, o.ID, sess.ID)
		if !got.LastSeenAt.Equal(seen) {
			t.Fatalf("LastSeenAt = %v, want %v", got.LastSeenAt, seen)
		}
		second := mustSession(t, s, c, u)
		list, err := s.ListSessions(ctx, o.ID, u.ID)
		noErr(t, err)
		if len(list) != 2 || list[0].ID != sess.ID || list[1].ID != second.ID {
			t.Fatalf("ListSessions = %d sessions", len(list))
		}
	})
	t.Run("revoking marks the session once and twice is fine", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		sess := mustSession(t, s, c, mustUser(t, s, c, o, "a@example.com", "a"))
		at := c.now()
		noErr(t, s.RevokeSession(ctx, o.ID, sess.ID, at))
		noErr(t, s.RevokeSession(ctx, o.ID, sess.ID, c.now()))
		got, _ := s.GetSession(ctx, o.ID, sess.ID)
		if got.RevokedAt == nil || !got.RevokedAt.Equal(at) || got.Active(at) {
			t.Fatalf("RevokedAt = %v, want %v", got.RevokedAt, at)
		}
		wantKind(t, s.RevokeSession(ctx, o.ID, newID(t, c.now()), at), iam.NotFound)
	})
	t.Run("revoking all of a user's sessions returns those it revoked", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		other := mustSession(t, s, c, mustUser(t, s, c, o, "b@example.com", "b"))
		a, b, done := mustSession(t, s, c, u), mustSession(t, s, c, u), mustSession(t, s, c, u)
		noErr(t, s.RevokeSession(ctx, o.ID, done.ID, c.now()))
		revoked, err := s.RevokeUserSessions(ctx, o.ID, u.ID, c.now())
		noErr(t, err)
		slices.SortFunc(revoked, func(x, y iam.ID) int { return compareIDs(x, y) })
		if !slices.Equal(revoked, []iam.ID{a.ID, b.ID}) {
			t.Fatalf("revoked %v, want %v", revoked, []iam.ID{a.ID, b.ID})
		}
		if got, _ := s.GetSession(ctx, o.ID, other.ID); got.RevokedAt != nil {
			t.Fatal("another user's session was revoked")
		}
	})
	t.Run("a session for a missing user is not stored", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		ghost := &iam.User{ID: newID(t, c.now()), OrgID: o.ID}
		now := c.now()
		err := s.CreateSession(ctx, &iam.Session{ID: newID(t, now), OrgID: o.ID, UserID: ghost.ID,
			CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)})
		wantKind(t, err, iam.NotFound)
	})
}

func compareIDs(a, b iam.ID) int {
	for i := range a {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return 0
}

func testSigningKeys(t *testing.T, newStore NewStore) {
	s, c := newStore(t), newClock()
	now := c.now()
	old := &iam.SigningKey{ID: "old", Algorithm: "EdDSA", PublicKey: []byte{1, 2, 3}, SealedPrivate: []byte{4, 5},
		CreatedAt: now, RetireAt: now.Add(time.Hour), ExpiresAt: now.Add(2 * time.Hour)}
	cur := &iam.SigningKey{ID: "cur", Algorithm: "EdDSA", PublicKey: []byte{6}, SealedPrivate: []byte{7},
		CreatedAt: now.Add(time.Minute), RetireAt: now.Add(3 * time.Hour), ExpiresAt: now.Add(4 * time.Hour)}
	noErr(t, s.CreateSigningKey(ctx, old))
	noErr(t, s.CreateSigningKey(ctx, cur))
	wantKind(t, s.CreateSigningKey(ctx, cur), iam.Conflict)
	keys, err := s.ListSigningKeys(ctx)
	noErr(t, err)
	jsonEqual(t, "ListSigningKeys", keys, []*iam.SigningKey{old, cur})
	noErr(t, s.DeleteSigningKeysExpiredBefore(ctx, now.Add(3*time.Hour)))
	keys, _ = s.ListSigningKeys(ctx)
	if len(keys) != 1 || keys[0].ID != "cur" {
		t.Fatalf("after expiry: %d keys", len(keys))
	}
}
