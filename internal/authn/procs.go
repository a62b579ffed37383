package authn

import (
	"runtime"
	"sync"
	"time"
)

// procsLinger is how long the extra Ps stay after the last hash ends: a
// storm keeps them, a lone login does not flap GOMAXPROCS (each change
// stops the world briefly).
var procsLinger = time.Second

// procLender raises GOMAXPROCS by the number of hash workers while hashes
// run and lowers it again once hashing has been idle for procsLinger. A
// hash keeps a P busy for its whole run (tens of milliseconds, in argon2's
// segment goroutines of a few each); without spare Ps, other requests
// would wait for the scheduler to preempt one. With them, the kernel
// shares the cores between the hashing threads and the others.
//
// Hashes once waited on OS threads of their own at a lower priority; but
// x/crypto's argon2 computes each of a hash's segments (8 at t=2) on a
// goroutine of its own, so the priority never reached the computation, and
// the locked thread, handed its P back at each segment, left a fifth of the
// CPU idle: logins made 70 % of the machine's argon2id rate instead of 85 %.
//
// Raised all the time, the extra Ps cost database-bound requests a fifth
// of their throughput (more threads contending for two cores), so they are
// lent only while needed.
type procLender struct {
	extra int

	mu     sync.Mutex
	active int
	base   int // GOMAXPROCS to go back to; 0 while not raised
	timer  *time.Timer
}

func (l *procLender) begin() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.active++
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	if l.base == 0 {
		l.base = runtime.GOMAXPROCS(0)
		runtime.GOMAXPROCS(l.base + l.extra)
	}
}

func (l *procLender) end() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.active--; l.active == 0 {
		l.timer = time.AfterFunc(procsLinger, l.lower)
	}
}

func (l *procLender) lower() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.active == 0 && l.base != 0 {
		runtime.GOMAXPROCS(l.base)
		l.base = 0
	}
}
