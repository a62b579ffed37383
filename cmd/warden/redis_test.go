package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
)

// TestSharedLimiter: --redis-url gives the API rate limit to Redis; a URL
// that does not parse, or a Redis that does not answer, stops the start.
func TestSharedLimiter(t *testing.T) {
	ctx, log := context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil))
	c := serveConfig{rateLimit: 10, rateBurst: 20}
	if l, done, err := sharedLimiter(ctx, c, log); l != nil || err != nil {
		t.Fatalf("without a URL: %v, %v", l, err)
	} else {
		done()
	}
	for url, want := range map[string]string{"http://127.0.0.1:6379": "--redis-url", "redis://127.0.0.1:1": "does not answer"} {
		c.redisURL = url
		if _, _, err := sharedLimiter(ctx, c, log); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", url, err, want)
		}
	}
	c.redisURL = os.Getenv("WARDEN_TEST_REDIS_URL")
	if c.redisURL == "" {
		c.redisURL = "redis://127.0.0.1:6379/0"
	}
	l, done, err := sharedLimiter(ctx, c, log)
	if err != nil {
		if os.Getenv("WARDEN_REQUIRE_REDIS") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	defer done()
	if l == nil {
		t.Fatal("no limiter with a Redis that answers")
	}
}
