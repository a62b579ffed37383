package service

import (
	"context"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// ThrottleConfig sets how failed logins are throttled. Zero fields take
// the defaults; a negative failure count turns that kind of lockout off.
type ThrottleConfig struct {
	AccountFailures int           // consecutive failures of one login name that lock it (5)
	AddressFailures int           // failures from one source address that lock it (20)
	LockFor         time.Duration // the first lockout (1 minute); each next one doubles
	MaxLock         time.Duration // the longest lockout (15 minutes)
}

func (c ThrottleConfig) withDefaults() ThrottleConfig {
	if c.AccountFailures == 0 {
		c.AccountFailures = 5
	}
	if c.AddressFailures == 0 {
		c.AddressFailures = 20
	}
	if c.LockFor <= 0 {
		c.LockFor = time.Minute
	}
	if c.MaxLock <= 0 {
		c.MaxLock = 15 * time.Minute
	}
	if c.MaxLock < c.LockFor {
		c.MaxLock = c.LockFor
	}
	return c
}

const (
	// throttleForget is how long a key's failures are remembered after the
	// last one (at least twice the longest lockout).
	throttleForget = time.Hour
	// throttleMax is the number of keys at which stale ones are swept.
	throttleMax = 100_000
)

// loginThrottle counts failed logins per account (the login name as typed,
// lower-cased, so that unknown names lock exactly like known ones and the
// answer tells nothing about which exist) and per source address. After
// the configured number of failures the key locks; each further lockout
// of the same key lasts twice as long as the one before, up to MaxLock.
//
// The counts live in this node's memory: with several nodes behind a load
// balancer each node throttles on its own (the API rate limit is shared
// through Redis with --redis-url; these counts are not yet), which
// multiplies an attacker's budget by the number of nodes but never locks
// anyone out wrongly.
type loginThrottle struct {
	cfg ThrottleConfig
	mu  sync.Mutex
	m   map[string]*strikes
}

type strikes struct {
	failures    int
	lockouts    int // how many times the key has locked; doubles the next lock
	lockedUntil time.Time
	last        time.Time
}

func newLoginThrottle(cfg ThrottleConfig) *loginThrottle {
	return &loginThrottle{cfg: cfg.withDefaults(), m: map[string]*strikes{}}
}

func accountKey(login string) string { return "account:" + strings.ToLower(strings.TrimSpace(login)) }
func addressKey(ip string) string    { return "address:" + ip }

// keys are the throttle keys of an attempt: the account's, and the
// address's when the request came over the network.
func throttleKeys(login, ip string) []string {
	keys := []string{accountKey(login)}
	if ip != "" {
		keys = append(keys, addressKey(ip))
	}
	return keys
}

// lockedFor returns how much longer the longest lock among keys lasts (0
// when none is locked).
func (t *loginThrottle) lockedFor(now time.Time, keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		if s := t.m[k]; s != nil && now.Before(s.lockedUntil) {
			wait = max(wait, s.lockedUntil.Sub(now))
		}
	}
	return wait
}

// lockout is a lock that a failure just engaged.
type lockout struct {
	key string
	For time.Duration
}

// fail counts a failure against keys and returns the locks it engaged.
func (t *loginThrottle) fail(now time.Time, keys ...string) []lockout {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.m) >= throttleMax {
		t.sweep(now)
	}
	var out []lockout
	for _, k := range keys {
		limit := t.cfg.AccountFailures
		if strings.HasPrefix(k, "address:") {
			limit = t.cfg.AddressFailures
		}
		if limit < 0 {
			continue
		}
		s := t.m[k]
		if s == nil || now.Sub(s.last) > throttleForget {
			s = &strikes{}
			t.m[k] = s
		}
		if !s.lockedUntil.IsZero() && !now.Before(s.lockedUntil) {
			s.failures, s.lockedUntil = 0, time.Time{} // the last lock has passed
		}
		s.failures++
		s.last = now
		if s.failures >= limit && now.After(s.lockedUntil) {
			d := t.lockDuration(s.lockouts)
			s.lockouts++
			s.lockedUntil = now.Add(d)
			out = append(out, lockout{key: k, For: d})
		}
	}
	return out
}

// lockDuration is LockFor doubled n times, at most MaxLock.
func (t *loginThrottle) lockDuration(n int) time.Duration {
	d := float64(t.cfg.LockFor) * math.Pow(2, float64(min(n, 30)))
	return min(time.Duration(min(d, float64(t.cfg.MaxLock))), t.cfg.MaxLock)
}

// succeed forgets an account's failures after a complete login.
func (t *loginThrottle) succeed(login string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, accountKey(login))
}

// sweep drops keys that are not locked and have been quiet for a while.
func (t *loginThrottle) sweep(now time.Time) {
	for k, s := range t.m {
		if !now.Before(s.lockedUntil) && now.Sub(s.last) > time.Minute {
			delete(t.m, k)
		}
	}
}

// errLoginLocked is the answer while a login name or address is locked.
func errLoginLocked(wait time.Duration, limit int) error {
	secs := int(math.Ceil(wait.Seconds()))
	return &iam.Error{Kind: iam.RateLimited, Code: "login_locked",
		Message:    "too many failed logins; try again later",
		RetryAfter: wait, Extra: map[string]any{"retry_after": secs, "limit": limit}}
}

// checkThrottle refuses an attempt while its login name or address is
// locked, before any password is checked.
func (a *Auth) checkThrottle(login, ip string, now time.Time) error {
	if wait := a.throttle.lockedFor(now, throttleKeys(login, ip)...); wait > 0 {
		return errLoginLocked(wait, a.throttle.cfg.AccountFailures)
	}
	return nil
}

// loginFailed counts a failed attempt, records it in the audit log of the
// organizations whose users the login names (unknown names have no
// organization: they are only logged), and answers login_locked if the
// failure engaged a lock, else cause.
func (a *Auth) loginFailed(ctx context.Context, login string, orgID iam.ID, reason string, now time.Time, cause error) error {
	ip := iam.RequestFrom(ctx).IP
	locks := a.throttle.fail(now, throttleKeys(login, ip)...)
	name := strings.ToLower(strings.TrimSpace(login))
	users, err := a.env.Store.FindUsersByLogin(ctx, name, maxLoginCandidates)
	if err != nil {
		a.env.Log.WarnContext(ctx, "cannot find the users of a failed login", "err", err)
	}
	if !orgID.IsZero() {
		users = filterOrg(users, orgID)
	}
	if len(users) == 0 {
		a.env.Log.InfoContext(ctx, "login failed", "login", name, "ip", ip, "reason", reason)
	}
	for _, l := range locks {
		a.env.Log.WarnContext(ctx, "login locked", "key", l.key, "for", l.For, "login", name, "ip", ip)
	}
	at := a.env.now()
	for _, u := range users {
		err := a.env.Store.Tx(ctx, func(q iam.Queries) error {
			if err := a.env.record(ctx, q, u.OrgID, at, event{"login.failed", "user", u.ID.String(),
				map[string]any{"login": name, "reason": reason}}); err != nil {
				return err
			}
			for _, l := range locks {
				scope, _, _ := strings.Cut(l.key, ":")
				if err := a.env.record(ctx, q, u.OrgID, at, event{"login.locked", "user", u.ID.String(),
					map[string]any{"login": name, "scope": scope, "seconds": int(math.Ceil(l.For.Seconds()))}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			a.env.Log.WarnContext(ctx, "cannot record a failed login", "user", u.ID, "err", err)
		}
	}
	if len(locks) > 0 {
		var wait time.Duration
		for _, l := range locks {
			wait = max(wait, l.For)
		}
		return errLoginLocked(wait, a.throttle.cfg.AccountFailures)
	}
	return cause
}
