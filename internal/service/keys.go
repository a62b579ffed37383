package service

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/iam"
)

// reloadGap bounds how often an unknown key ID makes a node reread the keys:
// another node may have rotated, but garbage tokens must not cost a query each.
const reloadGap = 5 * time.Second

// Keys keeps the token-signing keys: shared by every node through the store,
// rotated on a schedule, and retired keys kept until their tokens expire.
type Keys struct {
	env       *Env
	ring      *authn.Keyring
	sealer    *authn.Sealer
	signFor   time.Duration // how long one key signs
	verifyFor time.Duration // the longest token lifetime

	mu         sync.Mutex // serialises reloads
	lastReload time.Time

	verified tokenCache // tokens whose signature already checked out
}

// Ensure loads the keys, creates a new signing key when the current one is
// about to retire (or there is none), and drops expired keys.
func (k *Keys) Ensure(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.env.now()
	if err := k.load(ctx, now); err != nil {
		return err
	}
	if k.ring.NeedsRotation(now, k.signFor/10) {
		key, err := authn.NewSigningKey(now, k.signFor, k.verifyFor, k.env.Rand, k.sealer)
		if err != nil {
			return iam.Wrap(err, "cannot generate a signing key")
		}
		if err := k.env.Store.CreateSigningKey(ctx, key); err != nil {
			return err
		}
		if err := k.load(ctx, now); err != nil {
			return err
		}
		k.env.Log.Info("signing key rotated", "kid", key.ID, "retire_at", key.RetireAt)
	}
	return k.env.Store.DeleteSigningKeysExpiredBefore(ctx, now)
}

func (k *Keys) load(ctx context.Context, now time.Time) error {
	keys, err := k.env.Store.ListSigningKeys(ctx)
	if err != nil {
		return err
	}
	if err := k.ring.Load(keys, now); err != nil {
		return iam.Wrap(err, "cannot load signing keys (is the secret key the one they were sealed with?)")
	}
	k.lastReload = now
	return nil
}

// Run keeps the keys fresh until ctx ends.
func (k *Keys) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := k.Ensure(ctx); err != nil && ctx.Err() == nil {
				k.env.Log.Error("signing key maintenance failed", "err", err)
			}
		}
	}
}

// JWKS is the published set of verifying keys.
func (k *Keys) JWKS() []byte { return k.ring.JWKS() }

func (k *Keys) sign(ctx context.Context, c authn.Claims) (string, error) {
	token, err := k.ring.Sign(c)
	if iam.CodeOf(err) == "no_signing_key" {
		// The background rotation is late (a stalled node, a clock jump):
		// rotate now rather than fail the login.
		if err := k.Ensure(ctx); err != nil {
			return "", err
		}
		token, err = k.ring.Sign(c)
	}
	return token, err
}

// verify checks a token; an unknown key ID rereads the keys once, since
// another node may have rotated.
func (k *Keys) verify(ctx context.Context, token string) (authn.Claims, error) {
	now := k.env.Now()
	var buf [1024]byte // a token's bytes without a heap copy, as long as one fits
	sum := sha256.Sum256(append(buf[:0], token...))
	if c, ok := k.verified.get(sum, now); ok {
		return c, nil
	}
	c, err := k.ring.Verify(token, now)
	if err == nil {
		k.verified.put(sum, c, now)
	}
	if iam.CodeOf(err) != authn.ErrUnknownKey.Code {
		return c, err
	}
	k.mu.Lock()
	reloaded := false
	if now.Sub(k.lastReload) > reloadGap {
		reloaded = k.load(ctx, k.env.now()) == nil
	}
	k.mu.Unlock()
	if !reloaded {
		return c, err
	}
	return k.ring.Verify(token, now)
}

// tokenCacheMax bounds the verified-token cache; when it is full, it starts
// over with at most half as many unexpired entries.
const tokenCacheMax = 100_000

// tokenCache remembers the claims of tokens whose EdDSA signature checked
// out (by the token's SHA-256), until they expire: a signature check is
// ~60 µs, a lookup well under one. Only the signature is remembered; a
// token's session, grant and user are still checked on every request.
type tokenCache struct {
	mu sync.RWMutex
	m  map[[32]byte]authn.Claims
}

func (c *tokenCache) get(sum [32]byte, now time.Time) (authn.Claims, bool) {
	c.mu.RLock()
	cl, ok := c.m[sum]
	c.mu.RUnlock()
	if !ok || !now.Before(cl.ExpiresAt) {
		return authn.Claims{}, false
	}
	return cl, true
}

func (c *tokenCache) put(sum [32]byte, cl authn.Claims, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= tokenCacheMax {
		old := c.m
		c.m = make(map[[32]byte]authn.Claims, len(old)/2)
		for k, v := range old {
			if now.Before(v.ExpiresAt) && len(c.m) < tokenCacheMax/2 {
				c.m[k] = v
			}
		}
	}
	c.m[sum] = cl
}
