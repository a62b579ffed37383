package service

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// TestThrottleKeysAndLimits: the account's key ignores case and spaces,
// each kind of key takes its own limit, a negative limit never locks, and
// a success forgets the account.
func TestThrottleKeysAndLimits(t *testing.T) {
	ctx := context.Background()
	th := newLoginThrottle(ThrottleConfig{AccountFailures: 3, AddressFailures: -1, LockFor: time.Minute, MaxLock: 3 * time.Minute},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	now := time.Unix(1_700_000_000, 0)
	for j := range 3 {
		locks := th.fail(ctx, now, "Ada@Example.com", "192.0.2.1")
		if (j == 2) != (len(locks) == 1) || (j == 2 && locks[0].Key != "account:ada@example.com") {
			t.Fatalf("failure %d: locks %v", j, locks)
		}
	}
	if got := th.lockedFor(ctx, now, "ada@example.com ", ""); got != time.Minute {
		t.Fatalf("lockedFor %v, want a minute", got)
	}
	now = now.Add(time.Minute)
	th.succeed(ctx, "ADA@example.com")
	for range 2 {
		if locks := th.fail(ctx, now, "Ada@Example.com", "192.0.2.1"); len(locks) != 0 {
			t.Fatalf("a success did not reset the account: %v", locks)
		}
	}
}

func TestMatchTOTP(t *testing.T) {
	secret, _, err := newTOTPKey("warden", "ada@example.com", fixedReader{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_010, 0)
	for _, c := range []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"now", now, true},
		{"one step ago", now.Add(-30 * time.Second), true},
		{"one step ahead", now.Add(30 * time.Second), true},
		{"two steps ago", now.Add(-60 * time.Second), false},
	} {
		code, err := totp.GenerateCode(secret, c.at)
		if err != nil {
			t.Fatal(err)
		}
		step, ok := matchTOTP(secret, code, now)
		if ok != c.ok || (ok && step != totpStep(c.at)) {
			t.Errorf("%s: step %d ok %v", c.name, step, ok)
		}
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := matchTOTP(secret, bad, now); ok {
			t.Errorf("%q matched", bad)
		}
	}
}

type fixedReader struct{}

func (fixedReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i)
	}
	return len(p), nil
}
