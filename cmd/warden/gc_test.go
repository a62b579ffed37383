package main

import (
	"runtime/debug"
	"testing"
)

// TestTuneGC: the flags set the collector's pace, the default soft limit
// grows with the hash workers' argon2id memory, and GOGC and GOMEMLIMIT,
// when set, win over both.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	current := func() (int, int64) {
		p := debug.SetGCPercent(-1)
		debug.SetGCPercent(p)
		return p, debug.SetMemoryLimit(-1)
	}

	tuneGC(250, 0, 4, 19456)
	if p, l := current(); p != 250 || l != 128<<20+4*3*19456<<10 {
		t.Fatalf("defaults: GOGC %d, limit %d", p, l)
	}
	tuneGC(300, 512, 4, 19456)
	if p, l := current(); p != 300 || l != 512<<20 {
		t.Fatalf("flags: GOGC %d, limit %d", p, l)
	}
	debug.SetGCPercent(150)
	debug.SetMemoryLimit(1 << 30)
	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "1GiB")
	tuneGC(250, 0, 4, 19456)
	if p, l := current(); p != 150 || l != 1<<30 {
		t.Fatalf("with GOGC and GOMEMLIMIT set: GOGC %d, limit %d", p, l)
	}
}
