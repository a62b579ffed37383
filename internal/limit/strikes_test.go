package limit_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wardenhq/warden/internal/limit"
	"github.com/wardenhq/warden/internal/redistest"
	"github.com/wardenhq/warden/internal/service"
	"github.com/wardenhq/warden/internal/service/strikestest"
	"github.com/wardenhq/warden/internal/stacktest"
)

func TestRedisStrikes(t *testing.T) {
	strikestest.Run(t, func(t *testing.T) service.Strikes {
		return limit.NewRedisStrikes(redistest.Client(t), prefix(t), service.NewMemoryStrikes(), quiet)
	})
}

// TestRedisStrikesAcrossNodes: failures counted on two nodes lock the
// login on both, and a success on one frees it on the other.
func TestRedisStrikesAcrossNodes(t *testing.T) {
	p := prefix(t)
	one := limit.NewRedisStrikes(redistest.Client(t), p, service.NewMemoryStrikes(), quiet)
	two := limit.NewRedisStrikes(redistest.Client(t), p, service.NewMemoryStrikes(), quiet)
	policy := service.LockPolicy{LockFor: time.Minute, MaxLock: 15 * time.Minute, ForgetAfter: time.Hour}
	now := time.Now().Truncate(time.Millisecond) // Redis keeps milliseconds
	strike := []service.Strike{{Key: "account:ada@example.com", Limit: 4}}
	var locks []service.Lockout
	for i := range 4 {
		l, err := []*limit.RedisStrikes{one, two}[i%2].Fail(ctx, now, strike, policy)
		if err != nil {
			t.Fatal(err)
		}
		locks = append(locks, l...)
	}
	if len(locks) != 1 || locks[0].For != time.Minute {
		t.Fatalf("locks %v, want one at the fourth failure", locks)
	}
	for _, node := range []*limit.RedisStrikes{one, two} {
		if wait, err := node.LockedFor(ctx, now, []string{"account:ada@example.com"}); err != nil || wait != time.Minute {
			t.Fatalf("locked for %v (%v), want a minute on both nodes", wait, err)
		}
	}
	if err := two.Forget(ctx, "account:ada@example.com"); err != nil {
		t.Fatal(err)
	}
	if wait, _ := one.LockedFor(ctx, now, []string{"account:ada@example.com"}); wait != 0 {
		t.Fatalf("still locked for %v after a success on the other node", wait)
	}
}

// TestRedisStrikesDownFallBack: with its Redis gone a node still counts
// and locks on its own.
func TestRedisStrikesDownFallBack(t *testing.T) {
	gone := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer gone.Close()
	s := limit.NewRedisStrikes(gone, prefix(t), service.NewMemoryStrikes(), quiet)
	policy := service.LockPolicy{LockFor: time.Minute, MaxLock: time.Hour, ForgetAfter: time.Hour}
	now := time.Now()
	for range 2 {
		s.Fail(ctx, now, []service.Strike{{Key: "address:192.0.2.9", Limit: 2}}, policy)
	}
	if wait, err := s.LockedFor(ctx, now, []string{"address:192.0.2.9"}); err != nil || wait != time.Minute {
		t.Fatalf("locked for %v (%v), want a minute from the node's own count", wait, err)
	}
}

// TestRedisLockoutAcrossServers: two Warden servers with their own stores,
// given one Redis, lock a login name after failures split between them:
// the third failure locks it, and the other server refuses the fourth.
func TestRedisLockoutAcrossServers(t *testing.T) {
	c, p := redistest.Client(t), prefix(t)
	server := func() *stacktest.Stack {
		return stacktest.NewWith(t, stacktest.Options{LoginThrottle: service.ThrottleConfig{AccountFailures: 3, AddressFailures: -1,
			Strikes: limit.NewRedisStrikes(c, p, service.NewMemoryStrikes(), quiet)}})
	}
	a, b := server(), server()
	for i, want := range []int{401, 401, 429, 429} {
		if res := failLogin(t, []*stacktest.Stack{a, b}[i%2]); res.StatusCode != want {
			t.Fatalf("attempt %d: %d, want %d", i+1, res.StatusCode, want)
		}
	}
}
