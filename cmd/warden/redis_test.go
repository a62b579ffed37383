package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/redistest"
	"github.com/wardenhq/warden/internal/store/sqlstore"
)

// TestOpenShared: --redis-url gives the API rate limit, the failed-login
// counts and the cache invalidations to Redis; a URL that does not parse,
// or a Redis that does not answer, stops the start.
func TestOpenShared(t *testing.T) {
	ctx, log := context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil))
	c := serveConfig{rateLimit: 10, rateBurst: 20}
	s, err := openShared(ctx, c, log)
	if err != nil || s.limiter != nil || s.strikes != nil {
		t.Fatalf("without a URL: %+v, %v", s, err)
	}
	st := new(sqlstore.Store)
	if s.store(st) != iam.Store(st) {
		t.Fatal("without a URL, the store does not carry the invalidations itself")
	}
	s.close()
	for url, want := range map[string]string{"http://127.0.0.1:6379": "--redis-url", "redis://127.0.0.1:1": "does not answer"} {
		c.redisURL = url
		if _, err := openShared(ctx, c, log); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", url, err, want)
		}
	}
	c.redisURL = redistest.URL()
	s, err = openShared(ctx, c, log)
	if err != nil {
		if os.Getenv("WARDEN_REQUIRE_REDIS") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	defer s.close()
	if s.limiter == nil || s.strikes == nil || s.store(st) == iam.Store(st) {
		t.Fatalf("with a Redis that answers: %+v", s)
	}
	c.rateLimit = 0
	if s, err := openShared(ctx, c, log); err != nil || s.limiter != nil || s.strikes == nil {
		t.Fatalf("without a rate limit: %+v, %v; want the counts shared all the same", s, err)
	} else {
		s.close()
	}
}
