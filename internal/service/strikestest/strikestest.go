// Package strikestest is the behaviour every service.Strikes keeps: the
// failed-login counts in memory and in Redis lock, double, reset and forget
// alike.
package strikestest

import (
	"context"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/service"
)

var policy = service.LockPolicy{LockFor: time.Minute, MaxLock: 3 * time.Minute, ForgetAfter: time.Hour}

// Run checks the Strikes that each call of fresh returns (a new, empty
// store each time; key names may repeat between calls).
func Run(t *testing.T, fresh func(t *testing.T) service.Strikes) {
	ctx := context.Background()
	t.Run("locks at the limit and doubles up to the longest", func(t *testing.T) {
		s, now := fresh(t), time.Unix(1_700_000_000, 0)
		for round, want := range []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute, 3 * time.Minute} {
			for j := range 3 {
				locks, err := s.Fail(ctx, now, []service.Strike{{Key: "account:ada", Limit: 3}}, policy)
				if err != nil {
					t.Fatal(err)
				}
				if (j == 2) != (len(locks) == 1) || (j == 2 && (locks[0].For != want || locks[0].Key != "account:ada")) {
					t.Fatalf("round %d failure %d: locks %v, want %v at the third", round, j, locks, want)
				}
			}
			if got, err := s.LockedFor(ctx, now, []string{"address:x", "account:ada"}); err != nil || got != want {
				t.Fatalf("round %d: locked for %v (%v), want %v", round, got, err, want)
			}
			if got, _ := s.LockedFor(ctx, now.Add(want/2), []string{"account:ada"}); got != want/2 {
				t.Fatalf("round %d: halfway, locked for %v", round, got)
			}
			now = now.Add(want)
			if got, _ := s.LockedFor(ctx, now, []string{"account:ada"}); got != 0 {
				t.Fatalf("round %d: still locked for %v", round, got)
			}
		}
	})
	t.Run("each key counts alone, by its own limit", func(t *testing.T) {
		s, now := fresh(t), time.Unix(1_700_000_000, 0)
		both := []service.Strike{{Key: "account:bo", Limit: 2}, {Key: "address:192.0.2.1", Limit: 4}}
		var got []service.Lockout
		for range 4 {
			locks, err := s.Fail(ctx, now, both, policy)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, locks...)
		}
		if len(got) != 2 || got[0].Key != "account:bo" || got[1].Key != "address:192.0.2.1" {
			t.Fatalf("locks %v, want the account at 2 and the address at 4", got)
		}
	})
	t.Run("failures while locked do not lock again", func(t *testing.T) {
		s, now := fresh(t), time.Unix(1_700_000_000, 0)
		one := []service.Strike{{Key: "account:cy", Limit: 1}}
		if locks, _ := s.Fail(ctx, now, one, policy); len(locks) != 1 {
			t.Fatalf("locks %v", locks)
		}
		if locks, _ := s.Fail(ctx, now.Add(time.Second), one, policy); len(locks) != 0 {
			t.Fatalf("a failure during the lock locked again: %v", locks)
		}
	})
	t.Run("forget and old failures start the count again", func(t *testing.T) {
		s, now := fresh(t), time.Unix(1_700_000_000, 0)
		two := []service.Strike{{Key: "account:di", Limit: 2}}
		s.Fail(ctx, now, two, policy)
		if err := s.Forget(ctx, "account:di"); err != nil {
			t.Fatal(err)
		}
		if locks, _ := s.Fail(ctx, now, two, policy); len(locks) != 0 {
			t.Fatalf("Forget kept a failure: %v", locks)
		}
		now = now.Add(policy.ForgetAfter + time.Second)
		if locks, _ := s.Fail(ctx, now, two, policy); len(locks) != 0 {
			t.Fatalf("a failure older than ForgetAfter still counted: %v", locks)
		}
		if locks, _ := s.Fail(ctx, now, two, policy); len(locks) != 1 || locks[0].For != time.Minute {
			t.Fatalf("locks %v, want a first lock", locks)
		}
	})
}
