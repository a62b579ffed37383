package service

import (
	"context"
	"log/slog"
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
	// Strikes keeps the counts: nil is this node's memory. With several
	// nodes behind a load balancer each then throttles on its own, which
	// multiplies an attacker's budget by the number of nodes (but never
	// locks anyone out wrongly); limit.RedisStrikes shares the counts.
	Strikes Strikes
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
	if c.Strikes == nil {
		c.Strikes = NewMemoryStrikes()
	}
	return c
}

// Strikes keeps the failed-login counts of the throttle, by key.
type Strikes interface {
	// LockedFor is how much longer the longest lock among keys lasts at
	// now (0 when none is locked).
	LockedFor(ctx context.Context, now time.Time, keys []string) (time.Duration, error)
	// Fail counts a failure against each strike's key at now and returns
	// the locks that engaged (LockPolicy says how).
	Fail(ctx context.Context, now time.Time, strikes []Strike, p LockPolicy) ([]Lockout, error)
	// Forget drops key's failures.
	Forget(ctx context.Context, key string) error
}

// Strike is a failure counted against Key, which locks at Limit failures.
type Strike struct {
	Key   string
	Limit int
}

// Lockout is a lock that a failure just engaged.
type Lockout struct {
	Key string
	For time.Duration
}

// LockPolicy is how failures lock a key. A key's failures are forgotten
// ForgetAfter the last one. The failure that reaches the key's limit, while
// it is not locked, locks it for LockFor doubled once for each lock it had
// before, at most MaxLock; the first failure after a lock has passed
// starts the count again (the number of locks stays).
type LockPolicy struct {
	LockFor, MaxLock, ForgetAfter time.Duration
}

// LockDuration is the lock after n earlier ones.
func (p LockPolicy) LockDuration(n int) time.Duration {
	d := float64(p.LockFor) * math.Pow(2, float64(min(n, 30)))
	return time.Duration(min(d, float64(p.MaxLock)))
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
// A store that fails (Strikes) is logged and lets the attempt through:
// the limit is a guard, not the check of the password.
type loginThrottle struct {
	cfg ThrottleConfig
	log *slog.Logger
}

func newLoginThrottle(cfg ThrottleConfig, log *slog.Logger) *loginThrottle {
	return &loginThrottle{cfg: cfg.withDefaults(), log: log}
}

func (t *loginThrottle) policy() LockPolicy {
	return LockPolicy{LockFor: t.cfg.LockFor, MaxLock: t.cfg.MaxLock, ForgetAfter: max(throttleForget, 2*t.cfg.MaxLock)}
}

func accountKey(login string) string { return "account:" + strings.ToLower(strings.TrimSpace(login)) }
func addressKey(ip string) string    { return "address:" + ip }

// strikes are the keys an attempt counts against, with their limits: the
// account's, and the address's when the request came over the network.
// A kind of lockout that is off (a negative limit) has none.
func (t *loginThrottle) strikes(login, ip string) []Strike {
	var strikes []Strike
	if t.cfg.AccountFailures >= 0 {
		strikes = append(strikes, Strike{Key: accountKey(login), Limit: t.cfg.AccountFailures})
	}
	if ip != "" && t.cfg.AddressFailures >= 0 {
		strikes = append(strikes, Strike{Key: addressKey(ip), Limit: t.cfg.AddressFailures})
	}
	return strikes
}

// lockedFor returns how much longer the longest lock on the attempt's
// keys lasts (0 when none is locked).
func (t *loginThrottle) lockedFor(ctx context.Context, now time.Time, login, ip string) time.Duration {
	strikes := t.strikes(login, ip)
	keys := make([]string, len(strikes))
	for i, s := range strikes {
		keys[i] = s.Key
	}
	wait, err := t.cfg.Strikes.LockedFor(ctx, now, keys)
	if err != nil {
		t.log.WarnContext(ctx, "cannot read failed-login counts", "err", err)
	}
	return wait
}

// fail counts a failed attempt and returns the locks it engaged.
func (t *loginThrottle) fail(ctx context.Context, now time.Time, login, ip string) []Lockout {
	strikes := t.strikes(login, ip)
	if len(strikes) == 0 {
		return nil
	}
	locks, err := t.cfg.Strikes.Fail(ctx, now, strikes, t.policy())
	if err != nil {
		t.log.WarnContext(ctx, "cannot count a failed login", "err", err)
	}
	return locks
}

// succeed forgets an account's failures after a complete login.
func (t *loginThrottle) succeed(ctx context.Context, login string) {
	if err := t.cfg.Strikes.Forget(ctx, accountKey(login)); err != nil {
		t.log.WarnContext(ctx, "cannot reset failed-login counts", "err", err)
	}
}

// MemoryStrikes keeps the counts in this node's memory.
type MemoryStrikes struct {
	mu sync.Mutex
	m  map[string]*tally
}

// tally is one key's failures.
type tally struct {
	failures    int
	lockouts    int // how many times the key has locked; doubles the next lock
	lockedUntil time.Time
	last        time.Time
}

// NewMemoryStrikes is an empty MemoryStrikes.
func NewMemoryStrikes() *MemoryStrikes { return &MemoryStrikes{m: map[string]*tally{}} }

func (m *MemoryStrikes) LockedFor(_ context.Context, now time.Time, keys []string) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		if s := m.m[k]; s != nil && now.Before(s.lockedUntil) {
			wait = max(wait, s.lockedUntil.Sub(now))
		}
	}
	return wait, nil
}

func (m *MemoryStrikes) Fail(_ context.Context, now time.Time, strikes []Strike, p LockPolicy) ([]Lockout, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.m) >= throttleMax {
		m.sweep(now)
	}
	var out []Lockout
	for _, st := range strikes {
		s := m.m[st.Key]
		if s == nil || now.Sub(s.last) > p.ForgetAfter {
			s = new(tally)
			m.m[st.Key] = s
		}
		if !s.lockedUntil.IsZero() && !now.Before(s.lockedUntil) {
			s.failures, s.lockedUntil = 0, time.Time{} // the last lock has passed
		}
		s.failures++
		s.last = now
		if s.failures >= st.Limit && now.After(s.lockedUntil) {
			d := p.LockDuration(s.lockouts)
			s.lockouts++
			s.lockedUntil = now.Add(d)
			out = append(out, Lockout{Key: st.Key, For: d})
		}
	}
	return out, nil
}

func (m *MemoryStrikes) Forget(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, key)
	return nil
}

// sweep drops keys that are not locked and have been quiet for a while.
func (m *MemoryStrikes) sweep(now time.Time) {
	for k, s := range m.m {
		if !now.Before(s.lockedUntil) && now.Sub(s.last) > time.Minute {
			delete(m.m, k)
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
func (a *Auth) checkThrottle(ctx context.Context, login, ip string, now time.Time) error {
	if wait := a.throttle.lockedFor(ctx, now, login, ip); wait > 0 {
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
	locks := a.throttle.fail(ctx, now, login, ip)
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
		a.env.Log.WarnContext(ctx, "login locked", "key", l.Key, "for", l.For, "login", name, "ip", ip)
	}
	at := a.env.now()
	for _, u := range users {
		err := a.env.Store.Tx(ctx, func(q iam.Queries) error {
			if err := a.env.record(ctx, q, u.OrgID, at, event{"login.failed", "user", u.ID.String(),
				map[string]any{"login": name, "reason": reason}}); err != nil {
				return err
			}
			for _, l := range locks {
				scope, _, _ := strings.Cut(l.Key, ":")
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
