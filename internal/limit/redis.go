package limit

import (
	"context"
	"log/slog"
	"math"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/wardenhq/warden/internal/lograte"
)

// Redis keeps each key's budget in Redis, so that every node sharing the
// Redis spends from one budget: the generic cell rate algorithm of
// go-redis/redis_rate, one atomic script per request, which behaves as a
// token bucket of the same rate and burst. When Redis does not answer, the
// node limits on its own (fallback) rather than refusing or letting
// everything through, and says so in its log at most once a minute.
type Redis struct {
	rl       *redis_rate.Limiter
	limit    redis_rate.Limit
	prefix   string
	fallback Limiter
	failing  *lograte.Warner
}

// NewRedis limits each key to perSecond requests a second, burst at once,
// in the Redis client c, under keys that start with prefix.
func NewRedis(c redis.UniversalClient, prefix string, perSecond float64, burst int, fallback Limiter, log *slog.Logger) *Redis {
	// redis_rate counts whole requests a period: perSecond becomes n
	// requests every n/perSecond seconds.
	n := max(1, int(math.Round(perSecond)))
	period := seconds(float64(n) / perSecond)
	return &Redis{rl: redis_rate.NewLimiter(c), limit: redis_rate.Limit{Rate: n, Burst: burstOf(perSecond, burst), Period: period},
		prefix: prefix, fallback: fallback,
		failing: lograte.New(log, "the shared rate limit's Redis fails; this node limits on its own meanwhile")}
}

// Take charges key in Redis, or in the fallback when Redis fails.
func (l *Redis) Take(ctx context.Context, key string) Quota {
	res, err := l.rl.Allow(ctx, l.prefix+key, l.limit)
	if err != nil {
		l.failing.Warn(ctx, err)
		return l.fallback.Take(ctx, key)
	}
	q := Quota{OK: res.Allowed > 0, Limit: res.Limit.Burst, Remaining: res.Remaining, Reset: max(0, res.ResetAfter)}
	if !q.OK {
		q.RetryAfter = res.RetryAfter
	}
	return q
}
