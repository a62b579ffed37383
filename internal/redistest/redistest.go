// Package redistest gives tests the Redis they use: WARDEN_TEST_REDIS_URL,
// else the local one. Without an answer the test is skipped, or fails when
// WARDEN_REQUIRE_REDIS is set (as in CI, where the Redis suites must run).
package redistest

import (
	"context"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// URL is the tests' Redis URL.
func URL() string {
	if url := os.Getenv("WARDEN_TEST_REDIS_URL"); url != "" {
		return url
	}
	return "redis://127.0.0.1:6379/0"
}

// Client is a client of the tests' Redis, closed when the test ends; it
// skips the test (fails it when required) if Redis does not answer.
func Client(t testing.TB) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(URL())
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		if os.Getenv("WARDEN_REQUIRE_REDIS") != "" {
			t.Fatalf("Redis at %s: %v", opt.Addr, err)
		}
		t.Skipf("no Redis at %s: %v", opt.Addr, err)
	}
	return c
}
