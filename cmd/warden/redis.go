package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wardenhq/warden/internal/limit"
	"github.com/wardenhq/warden/internal/service"
)

// Key prefixes of what Warden keeps in Redis.
const (
	redisRatePrefix    = "warden:rate:"
	redisStrikesPrefix = "warden:strikes:"
)

// shared is what the nodes of one deployment share through the Redis of
// --redis-url: the API rate limit (nil without a limit) and the
// failed-login counts. Both are nil without Redis: each node keeps its own.
type shared struct {
	limiter limit.Limiter
	strikes service.Strikes
	close   func()
}

// openShared connects to --redis-url. A Redis that does not answer at start
// is a configuration error; one that fails later leaves each node counting
// on its own until it answers again.
func openShared(ctx context.Context, c serveConfig, log *slog.Logger) (shared, error) {
	if c.redisURL == "" {
		return shared{close: func() {}}, nil
	}
	opt, err := redis.ParseURL(c.redisURL)
	if err != nil {
		return shared{}, fmt.Errorf("--redis-url: %w", err)
	}
	client := redis.NewClient(opt)
	pingCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		client.Close()
		return shared{}, fmt.Errorf("--redis-url: Redis at %s does not answer: %w", opt.Addr, err)
	}
	s := shared{close: func() { client.Close() },
		strikes: limit.NewRedisStrikes(client, redisStrikesPrefix, service.NewMemoryStrikes(), log)}
	if c.rateLimit > 0 {
		fallback := limit.NewMemory(c.rateLimit, c.rateBurst, time.Now)
		s.limiter = limit.NewRedis(client, redisRatePrefix, c.rateLimit, c.rateBurst, fallback, log)
	}
	log.Info("the API rate limit and the failed-login counts are shared through Redis", "addr", opt.Addr)
	return s, nil
}
