package authn

import (
	"context"
	"crypto/rand"
	"runtime"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

func BenchmarkVerify(b *testing.B) {
	kr, _, _ := newTestKeyring(b)
	tok := sign(b, kr, testClaims(b, t0))
	now := t0.Add(time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kr.Verify(tok, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSign(b *testing.B) {
	kr, _, _ := newTestKeyring(b)
	c := testClaims(b, t0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kr.Sign(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHash(b *testing.B) {
	h := NewHasher(DefaultArgon2Params, 1, rand.Reader)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHashParallel hashes on every CPU through a Hasher with one
// worker per CPU, and with argon2 called directly: the two rates should
// match, the Hasher only bounding how many hashes run at once. (Hashes sent
// to locked low-priority threads once made 70 % of the direct rate.)
func BenchmarkHashParallel(b *testing.B) {
	p := DefaultArgon2Params
	salt := make([]byte, p.SaltLen)
	cases := []struct {
		name string
		hash func(h *Hasher) error
	}{
		{"hasher", func(h *Hasher) error {
			_, err := h.Hash(context.Background(), "correct horse battery staple")
			return err
		}},
		{"argon2", func(*Hasher) error {
			argon2.IDKey([]byte("correct horse battery staple"), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
			return nil
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			h := NewHasher(p, runtime.NumCPU(), rand.Reader)
			b.SetParallelism(1) // GOMAXPROCS goroutines: one per CPU, as the server's workers
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := c.hash(h); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
		})
	}
}
