package authn

import (
	"context"
	"crypto/rand"
	"testing"
	"time"
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
