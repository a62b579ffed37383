package authn

import (
	"context"
	"crypto/rand"
	"runtime"
	"testing"
	"time"
)

func TestProcsAreLentOnlyWhileHashesAndOtherRequestsRun(t *testing.T) {
	defer func(l time.Duration) { procsLinger = l }(procsLinger)
	procsLinger = 20 * time.Millisecond
	base := runtime.GOMAXPROCS(0)
	h := NewHasher(Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2, rand.Reader)
	h.LendProcs()

	h.Contend() // no hash runs: nothing to lend for
	if got := runtime.GOMAXPROCS(0); got != base {
		t.Fatalf("GOMAXPROCS %d with no hash running, want %d", got, base)
	}
	if err := h.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := runtime.GOMAXPROCS(0); got != base {
		t.Errorf("GOMAXPROCS %d while hashes run alone, want %d: logins alone need no spare Ps", got, base)
	}
	h.Contend()
	if got := runtime.GOMAXPROCS(0); got != base+2 {
		t.Errorf("GOMAXPROCS %d while a hash and another request run, want %d + 2 workers", got, base)
	}
	// The hash goes on but the other requests stop: the Ps go back.
	waitProcs(t, base, "a while after the last other request")
	h.release()

	if err := h.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.Contend()
	h.release() // the hashes stop, the others go on: the Ps go back too
	for deadline := time.Now().Add(200 * time.Millisecond); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		h.Contend()
	}
	waitProcs(t, base, "a while after the last hash")
	if _, err := h.Hash(context.Background(), "correct horse"); err != nil {
		t.Fatal(err)
	}
}

func waitProcs(t *testing.T, want int, when string) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); runtime.GOMAXPROCS(0) != want; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("GOMAXPROCS still %d %s, want %d", runtime.GOMAXPROCS(0), when, want)
		}
	}
}
