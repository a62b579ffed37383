package service

import (
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

func TestThrottleLocksAndDoubles(t *testing.T) {
	th := newLoginThrottle(ThrottleConfig{AccountFailures: 3, AddressFailures: -1, LockFor: time.Minute, MaxLock: 3 * time.Minute})
	now := time.Unix(1_700_000_000, 0)
	keys := throttleKeys("Ada@Example.com", "192.0.2.1")
	for i, want := range []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute, 3 * time.Minute} {
		for j := range 3 {
			locks := th.fail(now, keys...)
			if (j == 2) != (len(locks) == 1) {
				t.Fatalf("round %d failure %d: locks %v", i, j, locks)
			}
			if j == 2 && locks[0].For != want {
				t.Fatalf("round %d: locked for %v, want %v", i, locks[0].For, want)
			}
		}
		if got := th.lockedFor(now, throttleKeys("ada@example.com ", "")...); got != want {
			t.Fatalf("round %d: lockedFor %v, want %v", i, got, want)
		}
		now = now.Add(want)
		if got := th.lockedFor(now, keys...); got != 0 {
			t.Fatalf("round %d: still locked for %v", i, got)
		}
	}
	th.succeed("ADA@example.com")
	if locks := th.fail(now, keys...); len(locks) != 0 {
		t.Fatalf("a success did not reset the account: %v", locks)
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
