package limit

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wardenhq/warden/internal/lograte"
	"github.com/wardenhq/warden/internal/service"
)

// RedisStrikes keeps the failed-login counts of the login throttle in
// Redis, so that every node sharing it locks a login name or address after
// the same failures, wherever they arrived. Each key is a hash (f: failures,
// n: locks so far, u: locked until, l: last failure, in Unix milliseconds)
// that one script updates atomically, by the rules of service.LockPolicy
// that service.MemoryStrikes follows (strikestest checks both). When Redis
// fails the node counts on its own meanwhile.
type RedisStrikes struct {
	c        redis.UniversalClient
	prefix   string
	fallback service.Strikes
	failing  *lograte.Warner
}

// NewRedisStrikes keeps the counts in c under keys that start with prefix.
func NewRedisStrikes(c redis.UniversalClient, prefix string, fallback service.Strikes, log *slog.Logger) *RedisStrikes {
	return &RedisStrikes{c: c, prefix: prefix, fallback: fallback,
		failing: lograte.New(log, "the shared failed-login counts' Redis fails; this node counts on its own meanwhile")}
}

// failScript counts one failure against KEYS[1]. ARGV: now, limit, lock
// for, longest lock, forget after (milliseconds). It returns the lock it
// engaged in milliseconds, or 0. Times are written with %.0f: Lua's
// numbers are doubles, which Redis would otherwise write as 1.7e+12.
var failScript = redis.NewScript(`
local now, limit, lockfor, maxlock, forget =
	tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local v = redis.call('HMGET', KEYS[1], 'f', 'n', 'u', 'l')
local f, n, u, l = tonumber(v[1]) or 0, tonumber(v[2]) or 0, tonumber(v[3]) or 0, tonumber(v[4])
if l == nil or now - l > forget then f, n, u = 0, 0, 0 end
if u > 0 and now >= u then f, u = 0, 0 end
f = f + 1
local d = 0
if f >= limit and now > u then
	d = math.min(lockfor * math.pow(2, math.min(n, 30)), maxlock)
	n = n + 1
	u = now + d
end
redis.call('HSET', KEYS[1], 'f', f, 'n', n, 'u', string.format('%.0f', u), 'l', string.format('%.0f', now))
redis.call('PEXPIRE', KEYS[1], forget + maxlock)
return string.format('%.0f', d)
`)

func (r *RedisStrikes) LockedFor(ctx context.Context, now time.Time, keys []string) (time.Duration, error) {
	cmds := make([]*redis.StringCmd, len(keys))
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.HGet(ctx, r.prefix+k, "u")
		}
		return nil
	})
	if err != nil && err != redis.Nil {
		r.failing.Warn(ctx, err)
		return r.fallback.LockedFor(ctx, now, keys)
	}
	var wait time.Duration
	for _, c := range cmds {
		until, err := c.Int64()
		if err == nil && until > now.UnixMilli() {
			wait = max(wait, time.UnixMilli(until).Sub(now))
		}
	}
	return wait, nil
}

func (r *RedisStrikes) Fail(ctx context.Context, now time.Time, strikes []service.Strike, p service.LockPolicy) ([]service.Lockout, error) {
	var out []service.Lockout
	for i, s := range strikes {
		res, err := failScript.Run(ctx, r.c, []string{r.prefix + s.Key}, now.UnixMilli(), s.Limit,
			p.LockFor.Milliseconds(), p.MaxLock.Milliseconds(), p.ForgetAfter.Milliseconds()).Text()
		if err != nil {
			r.failing.Warn(ctx, err)
			more, err := r.fallback.Fail(ctx, now, strikes[i:], p)
			return append(out, more...), err
		}
		if ms, _ := strconv.ParseInt(res, 10, 64); ms > 0 {
			out = append(out, service.Lockout{Key: s.Key, For: time.Duration(ms) * time.Millisecond})
		}
	}
	return out, nil
}

func (r *RedisStrikes) Forget(ctx context.Context, key string) error {
	if err := r.c.Del(ctx, r.prefix+key).Err(); err != nil {
		r.failing.Warn(ctx, err)
	}
	return r.fallback.Forget(ctx, key) // counts made while Redis failed go too
}
