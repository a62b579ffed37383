package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/limit"
	"github.com/wardenhq/warden/internal/redisnotify"
	"github.com/wardenhq/warden/internal/service"
)

// Key prefixes of what Warden keeps in Redis.
const (
	redisRatePrefix    = "warden:rate:"
	redisStrikesPrefix = "warden:strikes:"
	// redisInvalidations is the channel invalidations travel on.
	redisInvalidations = "warden:invalidate"
)

// shared is what the nodes of one deployment share through the Redis of
// --redis-url: the API rate limit (nil without a limit), the failed-login
// counts and the cache invalidations. Without Redis the first two are nil
// (each node keeps its own) and the store carries the invalidations.
type shared struct {
	limiter limit.Limiter
	strikes service.Strikes
	// store gives a store the invalidations' transport.
	store func(iam.Store) iam.Store
	close func()
}

// openShared connects to --redis-url. A Redis that does not answer at start
// is a configuration error; one that fails later leaves each node counting
// on its own until it answers again.
func openShared(ctx context.Context, c serveConfig, log *slog.Logger) (shared, error) {
	if c.redisURL == "" {
		return shared{store: func(st iam.Store) iam.Store { return st }, close: func() {}}, nil
	}
	opt, err := redis.ParseURL(c.redisURL)
	if err != nil {
		return shared{}, fmt.Errorf("--redis-url: %w", err)
	}
	redis.SetLogger(redisLog{log})
	client := redis.NewClient(opt)
	pingCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		client.Close()
		return shared{}, fmt.Errorf("--redis-url: Redis at %s does not answer: %w", opt.Addr, err)
	}
	s := shared{close: func() { client.Close() },
		strikes: limit.NewRedisStrikes(client, redisStrikesPrefix, service.NewMemoryStrikes(), log),
		store: func(st iam.Store) iam.Store {
			return redisnotify.Wrap(st, client, redisInvalidations, log)
		}}
	if c.rateLimit > 0 {
		fallback := limit.NewMemory(c.rateLimit, c.rateBurst, time.Now)
		s.limiter = limit.NewRedis(client, redisRatePrefix, c.rateLimit, c.rateBurst, fallback, log)
	}
	log.Info("the API rate limit, the failed-login counts and the cache invalidations are shared through Redis", "addr", opt.Addr)
	return s, nil
}

// redisLog writes the Redis client's own messages (a connection given up,
// a subscription reopened) to the server's log, as warnings.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, fmt.Sprintf(format, v...), "from", "redis client")
}
