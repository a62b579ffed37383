package authn

import (
	"context"
	"crypto/rand"
	"runtime"
	"testing"
	"time"
)

func TestHashingLendsProcsOnlyWhileItRuns(t *testing.T) {
	defer func(l time.Duration) { procsLinger = l }(procsLinger)
	procsLinger = 20 * time.Millisecond
	base := runtime.GOMAXPROCS(0)
	h := NewHasher(Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2, rand.Reader)
	h.LendProcs()
	if err := h.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := runtime.GOMAXPROCS(0); got != base+2 {
		t.Errorf("GOMAXPROCS %d while hashing, want %d + 2 workers", got, base)
	}
	h.release()
	for deadline := time.Now().Add(2 * time.Second); runtime.GOMAXPROCS(0) != base; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("GOMAXPROCS still %d a while after the last hash, want %d", runtime.GOMAXPROCS(0), base)
		}
	}
	if _, err := h.Hash(context.Background(), "correct horse"); err != nil {
		t.Fatal(err)
	}
}
