package authn

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// procsLinger is how often a lender looks again at whether it still has
// reason to lend: a storm keeps the extra Ps, a lone request does not flap
// GOMAXPROCS (each change stops the world briefly).
var procsLinger = time.Second

// procLender raises GOMAXPROCS by the number of hash workers while hashes
// run and other requests want the CPU, and lowers it again once a
// procsLinger has passed with no hash or no other request. A hash keeps a
// P busy for its whole run (tens of milliseconds, in argon2's segment
// goroutines of a few each); without spare Ps, other requests would wait
// for the scheduler to preempt one. With them, the kernel shares the cores
// between the hashing threads and the others.
//
// Hashes once waited on OS threads of their own at a lower priority; but
// x/crypto's argon2 computes each of a hash's segments (8 at t=2) on a
// goroutine of its own, so the priority never reached the computation, and
// the locked thread, handed its P back at each segment, left a fifth of the
// CPU idle: logins made 70 % of the machine's argon2id rate instead of 85 %.
//
// Raised all the time, the extra Ps cost database-bound requests a fifth
// of their throughput (more threads contending for two cores). Raised
// whenever hashes run, they cost logins alone a tenth of theirs (the
// collector's workers and more threads sharing two cores). So they are
// lent only while both kinds of work are there: hashes tell begin and end,
// the others contend.
type procLender struct {
	extra int

	hashing   atomic.Int32 // hashes running
	lent      atomic.Bool  // base != 0, readable without mu on contend's path
	contended atomic.Bool  // another request came while hashing, since the last look

	mu   sync.Mutex
	base int // GOMAXPROCS to go back to; 0 while not raised
}

func (l *procLender) begin() {
	if l != nil {
		l.hashing.Add(1)
	}
}

func (l *procLender) end() {
	if l != nil {
		l.hashing.Add(-1)
	}
}

// contend tells the lender that a request other than a hash wants to run.
// It costs one atomic load unless hashes run.
func (l *procLender) contend() {
	if l == nil || l.hashing.Load() == 0 {
		return
	}
	if !l.contended.Load() {
		l.contended.Store(true)
	}
	if l.lent.Load() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.base == 0 {
		l.base = runtime.GOMAXPROCS(0)
		runtime.GOMAXPROCS(l.base + l.extra)
		l.lent.Store(true)
		time.AfterFunc(procsLinger, l.look)
	}
}

// look lowers GOMAXPROCS if no other request came since the last look or
// no hash runs now; else it looks again a procsLinger later.
func (l *procLender) look() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.contended.Swap(false) && l.hashing.Load() > 0 {
		time.AfterFunc(procsLinger, l.look)
		return
	}
	runtime.GOMAXPROCS(l.base)
	l.base = 0
	l.lent.Store(false)
}
