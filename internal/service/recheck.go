package service

import (
	"sync"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

const (
	// recheck bounds how long a node trusts its cached view of a session,
	// API key or grant that another node may have revoked (LISTEN/NOTIFY
	// usually tells it much sooner). Revocations made on this node apply
	// at once.
	recheck = 5 * time.Second
	// touchEvery bounds how often a credential's last-use time is written.
	touchEvery = time.Minute
	// recheckMax is the size at which a cache sweeps its stale entries.
	recheckMax = 100_000
)

// recheckCache keeps recently read credential state by ID, so that
// authenticating a request costs no query in the common case. Entries are
// replaced, never changed in place, so a value handed out stays as read.
type recheckCache[V any] struct {
	mu sync.RWMutex
	m  map[iam.ID]*recheckEntry[V]
}

type recheckEntry[V any] struct {
	v       V
	fetched time.Time
	touched time.Time // the last use as last written
}

func newRecheckCache[V any]() *recheckCache[V] {
	return &recheckCache[V]{m: map[iam.ID]*recheckEntry[V]{}}
}

// get returns id's value if it was read within recheck of now: the
// cached value itself, shared and never changed (see recheckCache).
func (c *recheckCache[V]) get(id iam.ID, now time.Time) (*V, bool) {
	c.mu.RLock()
	e := c.m[id]
	c.mu.RUnlock()
	if e == nil || now.Sub(e.fetched) > recheck || now.Before(e.fetched) {
		return nil, false
	}
	return &e.v, true
}

// put stores v, read at now, whose stored last use is lastUsed.
func (c *recheckCache[V]) put(id iam.ID, v V, lastUsed, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= recheckMax {
		for k, e := range c.m {
			if now.Sub(e.fetched) > recheck {
				delete(c.m, k)
			}
		}
	}
	if old := c.m[id]; old != nil && old.touched.After(lastUsed) {
		lastUsed = old.touched
	}
	c.m[id] = &recheckEntry[V]{v: v, fetched: now, touched: lastUsed}
}

// update replaces the value of every entry match selects by edit's copy.
func (c *recheckCache[V]) update(match func(id iam.ID, v *V) bool, edit func(*V)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, e := range c.m {
		if match(id, &e.v) {
			n := *e
			edit(&n.v)
			c.m[id] = &n
		}
	}
}

// forget drops id, so that its next use reads it again.
func (c *recheckCache[V]) forget(id iam.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}

// forgetWhere drops every entry match selects.
func (c *recheckCache[V]) forgetWhere(match func(*V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, e := range c.m {
		if match(&e.v) {
			delete(c.m, id)
		}
	}
}

// clear drops every entry.
func (c *recheckCache[V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}

// shouldTouch reports, once per touchEvery, that id's last use should be
// written.
func (c *recheckCache[V]) shouldTouch(id iam.ID, now time.Time) bool {
	c.mu.RLock() // the common answer, "not yet", needs no write lock
	e := c.m[id]
	due := e != nil && now.Sub(e.touched) >= touchEvery
	c.mu.RUnlock()
	if !due {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e = c.m[id]; e == nil || now.Sub(e.touched) < touchEvery {
		return false
	}
	n := *e
	n.touched = now
	c.m[id] = &n
	return true
}
