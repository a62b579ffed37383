package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

func newSMSCode(t *testing.T, c *clock, u *iam.User, purpose, suffix string) *iam.SMSCode {
	t.Helper()
	now := c.now()
	return &iam.SMSCode{ID: newID(t, now), OrgID: u.OrgID, UserID: u.ID, Purpose: purpose, TokenSuffix: suffix,
		SealedCode: []byte("sealed-" + suffix), CreatedAt: now, ExpiresAt: now.Add(5 * time.Minute)}
}

func mustSMSCode(t *testing.T, s iam.Queries, c *clock, u *iam.User, purpose, suffix string) *iam.SMSCode {
	t.Helper()
	code := newSMSCode(t, c, u, purpose, suffix)
	noErr(t, s.CreateSMSCode(ctx, code))
	return code
}

func testSMSCodes(t *testing.T, newStore NewStore) {
	t.Run("codes round-trip and are found while pending", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		code := mustSMSCode(t, s, c, u, iam.SMSLogin, "abc234")
		got, err := s.GetPendingSMSCode(ctx, o.ID, u.ID, "abc234", c.now())
		noErr(t, err)
		jsonEqual(t, "GetPendingSMSCode", got, code)
		_, err = s.GetPendingSMSCode(ctx, o.ID, u.ID, "zzz999", c.now())
		wantKind(t, err, iam.NotFound)
		// Expired at ExpiresAt.
		_, err = s.GetPendingSMSCode(ctx, o.ID, u.ID, "abc234", code.ExpiresAt)
		wantKind(t, err, iam.NotFound)
		_, err = s.LatestPendingSMSCode(ctx, o.ID, u.ID, iam.SMSLogin, code.ExpiresAt)
		wantKind(t, err, iam.NotFound)
	})

	t.Run("the latest pending code of a purpose is the newest unused one", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		_, err := s.LatestPendingSMSCode(ctx, o.ID, u.ID, iam.SMSLogin, c.now())
		wantKind(t, err, iam.NotFound)
		first := mustSMSCode(t, s, c, u, iam.SMSLogin, "first1")
		second := mustSMSCode(t, s, c, u, iam.SMSLogin, "second")
		enrol := mustSMSCode(t, s, c, u, iam.SMSEnrol, "enrol1")
		got, err := s.LatestPendingSMSCode(ctx, o.ID, u.ID, iam.SMSLogin, c.now())
		noErr(t, err)
		jsonEqual(t, "LatestPendingSMSCode(login)", got, second)
		got, err = s.LatestPendingSMSCode(ctx, o.ID, u.ID, iam.SMSEnrol, c.now())
		noErr(t, err)
		jsonEqual(t, "LatestPendingSMSCode(enrol)", got, enrol)
		ok, err := s.UseSMSCode(ctx, o.ID, second.ID, c.now())
		if err != nil || !ok {
			t.Fatalf("UseSMSCode = %v, %v", ok, err)
		}
		got, err = s.LatestPendingSMSCode(ctx, o.ID, u.ID, iam.SMSLogin, c.now())
		noErr(t, err)
		jsonEqual(t, "LatestPendingSMSCode after use", got, first)
	})

	t.Run("token suffixes are unique per user", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		v := mustUser(t, s, c, o, "b@example.com", "b")
		mustSMSCode(t, s, c, u, iam.SMSLogin, "same11")
		wantKind(t, s.CreateSMSCode(ctx, newSMSCode(t, c, u, iam.SMSEnrol, "same11")), iam.Conflict)
		mustSMSCode(t, s, c, v, iam.SMSLogin, "same11")
		// A user of no organization, or of another one, is not found.
		ghost := newSMSCode(t, c, u, iam.SMSLogin, "ghost1")
		ghost.UserID = newID(t, c.now())
		wantKind(t, s.CreateSMSCode(ctx, ghost), iam.NotFound)
	})

	t.Run("attempts are counted up to a maximum", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		code := mustSMSCode(t, s, c, u, iam.SMSLogin, "abc234")
		for i := range 3 {
			ok, err := s.RecordSMSCodeAttempt(ctx, o.ID, code.ID, 3)
			if err != nil || !ok {
				t.Fatalf("attempt %d = %v, %v", i+1, ok, err)
			}
		}
		ok, err := s.RecordSMSCodeAttempt(ctx, o.ID, code.ID, 3)
		if err != nil || ok {
			t.Fatalf("attempt over the maximum = %v, %v", ok, err)
		}
		got, err := s.GetPendingSMSCode(ctx, o.ID, u.ID, "abc234", c.now())
		noErr(t, err)
		if got.Attempts != 3 {
			t.Fatalf("Attempts = %d, want 3", got.Attempts)
		}
		_, err = s.RecordSMSCodeAttempt(ctx, o.ID, newID(t, c.now()), 3)
		wantKind(t, err, iam.NotFound)
	})

	t.Run("a code is used once, and then neither pending nor attemptable", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		code := mustSMSCode(t, s, c, u, iam.SMSLogin, "abc234")
		at := c.now()
		ok, err := s.UseSMSCode(ctx, o.ID, code.ID, at)
		if err != nil || !ok {
			t.Fatalf("UseSMSCode = %v, %v", ok, err)
		}
		ok, err = s.UseSMSCode(ctx, o.ID, code.ID, c.now())
		if err != nil || ok {
			t.Fatalf("second UseSMSCode = %v, %v", ok, err)
		}
		ok, err = s.RecordSMSCodeAttempt(ctx, o.ID, code.ID, 5)
		if err != nil || ok {
			t.Fatalf("attempt at a used code = %v, %v", ok, err)
		}
		_, err = s.GetPendingSMSCode(ctx, o.ID, u.ID, "abc234", c.now())
		wantKind(t, err, iam.NotFound)
		_, err = s.UseSMSCode(ctx, o.ID, newID(t, c.now()), c.now())
		wantKind(t, err, iam.NotFound)
	})

	t.Run("racing uses of one code: exactly one wins", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		code := mustSMSCode(t, s, c, u, iam.SMSLogin, "abc234")
		const n = 8
		oks := make([]bool, n)
		errs := make([]error, n)
		at := c.now()
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				oks[i], errs[i] = s.UseSMSCode(ctx, o.ID, code.ID, at)
			}()
		}
		wg.Wait()
		wins := 0
		for i := range n {
			noErr(t, errs[i])
			if oks[i] {
				wins++
			}
		}
		if wins != 1 {
			t.Fatalf("%d uses of one code won, want exactly 1", wins)
		}
	})

	t.Run("another organization gets not found", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		other := mustOrg(t, s, c, "Other")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		code := mustSMSCode(t, s, c, u, iam.SMSLogin, "abc234")
		now := c.now()
		_, err := s.GetPendingSMSCode(ctx, other.ID, u.ID, "abc234", now)
		wantKind(t, err, iam.NotFound)
		_, err = s.LatestPendingSMSCode(ctx, other.ID, u.ID, iam.SMSLogin, now)
		wantKind(t, err, iam.NotFound)
		_, err = s.RecordSMSCodeAttempt(ctx, other.ID, code.ID, 5)
		wantKind(t, err, iam.NotFound)
		_, err = s.UseSMSCode(ctx, other.ID, code.ID, now)
		wantKind(t, err, iam.NotFound)
		foreign := newSMSCode(t, c, u, iam.SMSLogin, "xyz234")
		foreign.OrgID = other.ID
		wantKind(t, s.CreateSMSCode(ctx, foreign), iam.NotFound)
		// Nothing changed in the code's own organization.
		got, err := s.GetPendingSMSCode(ctx, o.ID, u.ID, "abc234", now)
		noErr(t, err)
		jsonEqual(t, "the code after foreign attempts", got, code)
	})

	t.Run("deleting the user deletes their codes", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		code := mustSMSCode(t, s, c, u, iam.SMSLogin, "abc234")
		noErr(t, s.DeleteUser(ctx, o.ID, u.ID))
		_, err := s.UseSMSCode(ctx, o.ID, code.ID, c.now())
		wantKind(t, err, iam.NotFound)
	})
}
