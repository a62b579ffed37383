package redisnotify

import "time"

// SetPingEvery sets how long a silent subscription waits before a ping,
// until the test ends.
func SetPingEvery(t interface{ Cleanup(func()) }, d time.Duration) {
	old := pingEvery
	pingEvery = d
	t.Cleanup(func() { pingEvery = old })
}
