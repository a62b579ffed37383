package service

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/iam"
)

func TestTokenCacheForgetsExpiredTokens(t *testing.T) {
	var c tokenCache
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	sum := sha256.Sum256([]byte("a token"))
	cl := authn.Claims{Subject: iam.ID{1}, ExpiresAt: now.Add(time.Minute)}
	if _, ok := c.get(sum, now); ok {
		t.Fatal("an empty cache knows a token")
	}
	c.put(sum, cl, now)
	if got, ok := c.get(sum, now.Add(59*time.Second)); !ok || got.Subject != cl.Subject {
		t.Fatalf("a fresh token is not remembered: %v %v", got, ok)
	}
	if _, ok := c.get(sum, now.Add(time.Minute)); ok {
		t.Fatal("an expired token is still taken from the cache")
	}
	if _, ok := c.get(sha256.Sum256([]byte("another token")), now); ok {
		t.Fatal("a token never verified is taken from the cache")
	}
}

func TestTokenCacheStaysBounded(t *testing.T) {
	var c tokenCache
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	for i := range tokenCacheMax + 10 {
		exp := now.Add(time.Hour)
		if i%2 == 0 {
			exp = now.Add(-time.Second) // already expired: swept first
		}
		c.put(sha256.Sum256([]byte{byte(i), byte(i >> 8), byte(i >> 16)}), authn.Claims{ExpiresAt: exp}, now)
	}
	if n := len(c.m); n > tokenCacheMax {
		t.Fatalf("the cache holds %d tokens, more than %d", n, tokenCacheMax)
	}
}
