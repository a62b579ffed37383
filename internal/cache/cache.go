// Package cache is a bounded concurrent map for the per-node caches in
// front of the store: past its size it drops a random eighth of its
// entries, which costs nothing on a hit (no recency to track) and keeps a
// hot set that fits resident.
package cache

import "sync"

// Map is safe for concurrent use. Store values that are never changed
// once put: Get hands the same value to every caller.
type Map[K comparable, V any] struct {
	max int
	mu  sync.RWMutex
	m   map[K]V
}

// New makes a Map holding at most max entries.
func New[K comparable, V any](max int) *Map[K, V] {
	return &Map[K, V]{max: max, m: map[K]V{}}
}

// Get returns k's value.
func (c *Map[K, V]) Get(k K) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[k]
	c.mu.RUnlock()
	return v, ok
}

// Put sets k's value, first dropping a random eighth of the entries if
// the map is full (map iteration order is random).
func (c *Map[K, V]) Put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		for old := range c.m {
			if len(c.m) < c.max-c.max/8 {
				break
			}
			delete(c.m, old)
		}
	}
	c.m[k] = v
}

// Delete drops k.
func (c *Map[K, V]) Delete(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k)
}

// Clear drops every entry.
func (c *Map[K, V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}

// Len is the number of entries.
func (c *Map[K, V]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
