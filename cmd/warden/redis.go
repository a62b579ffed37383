package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wardenhq/warden/internal/limit"
)

// redisKeyPrefix starts the keys Warden keeps in Redis.
const redisKeyPrefix = "warden:rate:"

// sharedLimiter is the API rate limit kept in the Redis of --redis-url, or
// nil (each node's memory) without one. A Redis that does not answer at
// start is a configuration error; one that fails later leaves each node
// limiting on its own until it answers again (limit.Redis).
func sharedLimiter(ctx context.Context, c serveConfig, log *slog.Logger) (limit.Limiter, func(), error) {
	if c.redisURL == "" || c.rateLimit <= 0 {
		return nil, func() {}, nil
	}
	opt, err := redis.ParseURL(c.redisURL)
	if err != nil {
		return nil, nil, fmt.Errorf("--redis-url: %w", err)
	}
	client := redis.NewClient(opt)
	pingCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		client.Close()
		return nil, nil, fmt.Errorf("--redis-url: Redis at %s does not answer: %w", opt.Addr, err)
	}
	fallback := limit.NewMemory(c.rateLimit, c.rateBurst, time.Now)
	log.Info("the API rate limit is shared through Redis", "addr", opt.Addr)
	return limit.NewRedis(client, redisKeyPrefix, c.rateLimit, c.rateBurst, fallback, log), func() { client.Close() }, nil
}
