package limit_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wardenhq/warden/internal/httpapi"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/limit"
	"github.com/wardenhq/warden/internal/redistest"
	"github.com/wardenhq/warden/internal/stacktest"
)

var ctx = context.Background()

// TestKey: a principal spends from its own budget wherever it comes from;
// an anonymous request from its address's.
func TestKey(t *testing.T) {
	ctx := iam.WithRequest(context.Background(), iam.Request{IP: "192.0.2.7"})
	if got := limit.Key(ctx, nil); got != "ip:192.0.2.7" {
		t.Errorf("anonymous: %q", got)
	}
	p := &iam.Principal{ID: iam.MustParseID("01935d8e-1abc-72ce-a111-f6283e722308")}
	if got := limit.Key(ctx, p); got != "principal:01935d8e-1abc-72ce-a111-f6283e722308" {
		t.Errorf("a principal: %q", got)
	}
}

func TestMemoryBucket(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	l := limit.NewMemory(2, 3, func() time.Time { return now })
	for i := range 3 {
		if q := l.Take(ctx, "a"); !q.OK || q.Limit != 3 || q.Remaining != 2-i {
			t.Fatalf("request %d: %+v", i, q)
		}
	}
	q := l.Take(ctx, "a")
	if q.OK || q.RetryAfter != 500*time.Millisecond || q.Reset != 1500*time.Millisecond {
		t.Fatalf("an empty bucket: %+v", q)
	}
	if q := l.Take(ctx, "b"); !q.OK {
		t.Fatal("another key shares the bucket")
	}
	now = now.Add(500 * time.Millisecond) // one token back
	if q := l.Take(ctx, "a"); !q.OK || q.Remaining != 0 {
		t.Fatalf("after a refill: %+v", q)
	}
	if l := limit.NewMemory(2.5, 0, time.Now); l.Take(ctx, "c").Limit != 3 {
		t.Fatal("the default burst is not one second's worth, rounded up")
	}
}

// prefix is a key prefix of this test alone; what the test leaves under it
// (redis_rate adds "rate:" before its keys) is deleted when it ends.
func prefix(t *testing.T) string {
	b := make([]byte, 8)
	rand.Read(b)
	p := "warden-test:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		opt, err := redis.ParseURL(redistest.URL())
		if err != nil {
			return
		}
		c := redis.NewClient(opt)
		defer c.Close()
		for _, pattern := range []string{p + "*", "rate:" + p + "*"} {
			for it := c.Scan(ctx, 0, pattern, 100).Iterator(); it.Next(ctx); {
				c.Del(ctx, it.Val())
			}
		}
	})
	return p
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestRedisNodesShareOneBudget: two nodes, each with its own client, spend
// one budget per key; another key has its own.
func TestRedisNodesShareOneBudget(t *testing.T) {
	p := prefix(t)
	one := limit.NewRedis(redistest.Client(t), p, 1, 5, limit.NewMemory(1, 5, time.Now), quiet)
	two := limit.NewRedis(redistest.Client(t), p, 1, 5, limit.NewMemory(1, 5, time.Now), quiet)
	for i := range 5 {
		node := []*limit.Redis{one, two}[i%2]
		if q := node.Take(ctx, "ip:10.0.0.1"); !q.OK || q.Limit != 5 || q.Remaining != 4-i {
			t.Fatalf("request %d: %+v", i, q)
		}
	}
	for _, node := range []*limit.Redis{one, two} {
		q := node.Take(ctx, "ip:10.0.0.1")
		if q.OK || q.RetryAfter <= 0 || q.RetryAfter > time.Second || q.Remaining != 0 || q.Reset <= 0 {
			t.Fatalf("a spent budget: %+v", q)
		}
	}
	if q := two.Take(ctx, "ip:10.0.0.2"); !q.OK || q.Remaining != 4 {
		t.Fatalf("another key: %+v", q)
	}
}

// TestRedisDownFallsBackToTheNode: with its Redis gone a node still
// limits, on its own, and answers at once.
func TestRedisDownFallsBackToTheNode(t *testing.T) {
	gone := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer gone.Close()
	l := limit.NewRedis(gone, prefix(t), 1, 2, limit.NewMemory(1, 2, time.Now), quiet)
	start := time.Now()
	for i := range 2 {
		if q := l.Take(ctx, "k"); !q.OK {
			t.Fatalf("request %d refused: %+v", i, q)
		}
	}
	if q := l.Take(ctx, "k"); q.OK {
		t.Fatal("the fallback does not limit")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("three requests took %v", d)
	}
}

// TestRedisLimitAcrossServers: two Warden servers, each with its own store,
// given one Redis, answer an address's anonymous requests from one budget:
// the sixth login attempt is refused by whichever server gets it.
func TestRedisLimitAcrossServers(t *testing.T) {
	c, p := redistest.Client(t), prefix(t)
	server := func() *stacktest.Stack {
		l := limit.NewRedis(c, p, 0.01, 5, limit.NewMemory(0.01, 5, time.Now), quiet)
		return stacktest.New(t, httpapi.Config{RateLimit: 0.01, RateBurst: 5, Limiter: l})
	}
	a, b := server(), server()
	for i := range 6 {
		res := failLogin(t, []*stacktest.Stack{a, b}[i%2])
		want := http.StatusUnauthorized
		if i == 5 {
			want = http.StatusTooManyRequests
		}
		if res.StatusCode != want || res.Header.Get("X-RateLimit-Limit") != "5" {
			t.Fatalf("attempt %d: %d (limit %q), want %d", i+1, res.StatusCode, res.Header.Get("X-RateLimit-Limit"), want)
		}
	}
}

// failLogin is an anonymous login to st with a wrong password.
func failLogin(t *testing.T, st *stacktest.Stack) *http.Response {
	t.Helper()
	res, err := http.Post(st.URL+"/v1/login", "application/json",
		strings.NewReader(`{"login":"nobody@example.com","password":"not the password"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}
