package main

import (
	"os"
	"runtime"
	"runtime/debug"
)

// tuneGC paces the garbage collector, unless GOGC or GOMEMLIMIT (which
// win) say otherwise. Warden's live heap is a few MB, so the Go default
// (collect when the heap doubles) collects dozens of times a second under
// load, and each collection's mark phase pushes requests into the tail.
// A high gcPercent collects rarely; the soft limit limitMiB makes it
// collect sooner once the heap is large, as in a login storm, where every
// argon2id hash allocates its memory afresh.
//
// The limit leaves room above where gcPercent alone would collect during a
// storm (the hashes in flight and the caches, times 1 + gcPercent/100):
// a heap that reaches the limit makes the runtime hand freed pages back to
// the kernel as it grows, and the next hashes fault them in again, a page
// at a time. limitMiB 0 is 128 MiB plus three hashes' memory per hash
// worker.
func tuneGC(gcPercent, limitMiB, hashWorkers int, argon2KiB uint32) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	limit := int64(limitMiB) << 20
	if limit <= 0 {
		if hashWorkers <= 0 {
			hashWorkers = runtime.NumCPU()
		}
		limit = 128<<20 + int64(hashWorkers)*3*int64(argon2KiB)<<10
	}
	debug.SetMemoryLimit(limit)
}
