package service_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
	"github.com/wardenhq/warden/internal/store/sqlstore/sqlstoretest"
)

// fakeClock is a settable clock shared by the nodes of a test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// twoNodes is two nodes over one new SQLite store, with one clock and one
// sealing key.
func twoNodes(t *testing.T) (one, two *service.Services) {
	t.Helper()
	st := sqlstoretest.SQLite(t)
	clock := &fakeClock{t: time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)}
	key := make([]byte, 32)
	rand.Read(key)
	return node(t, st, clock, key), node(t, st, clock, key)
}

// node is one Warden node's services over a shared store.
func node(t *testing.T, st iam.Store, clock *fakeClock, key []byte) *service.Services {
	t.Helper()
	sealer, err := authn.NewSealer(key, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hasher := authn.NewHasher(authn.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1, rand.Reader)
	env := &service.Env{Store: st, Now: clock.Now, Rand: rand.Reader, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	svc := service.New(env, service.Config{Issuer: "test", SessionTTL: 12 * time.Hour, KeyRotation: time.Hour,
		PasswordPolicy: authn.DefaultPasswordPolicy}, hasher, sealer)
	if err := svc.Keys.Ensure(context.Background()); err != nil {
		t.Fatal(err)
	}
	return svc
}

func jwksKeys(t *testing.T, svc *service.Services) int {
	t.Helper()
	var set struct{ Keys []json.RawMessage }
	if err := json.Unmarshal(svc.Keys.JWKS(), &set); err != nil {
		t.Fatal(err)
	}
	return len(set.Keys)
}

func TestSigningKeysRotateAndOldTokensStillVerify(t *testing.T) {
	ctx := context.Background()
	st := sqlstoretest.SQLite(t)
	clock := &fakeClock{t: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}
	key := make([]byte, 32)
	rand.Read(key)
	one, two := node(t, st, clock, key), node(t, st, clock, key)

	if _, _, err := one.Auth.Signup(ctx, service.Signup{Email: "ada@example.com", Password: "correct horse battery", OrgName: "A"}); err != nil {
		t.Fatal(err)
	}
	login := func(svc *service.Services) string {
		t.Helper()
		s, err := svc.Auth.Login(ctx, service.Login{Login: "ada@example.com", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		return s.Token
	}
	old := login(one)
	if jwksKeys(t, one) != 1 {
		t.Fatalf("JWKS has %d keys at start, want 1", jwksKeys(t, one))
	}

	clock.Advance(2 * time.Hour) // the first key has retired from signing
	if err := one.Keys.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	if jwksKeys(t, one) != 2 {
		t.Fatalf("JWKS has %d keys after rotation, want 2 (the retired key still verifies)", jwksKeys(t, one))
	}
	if _, err := one.Auth.Authenticate(ctx, old); err != nil {
		t.Fatalf("a token of the retired key is refused before it expires: %v", err)
	}
	fresh := login(one)
	// Node two has not seen the new key: it rereads the keys on meeting it.
	if _, err := two.Auth.Authenticate(ctx, fresh); err != nil {
		t.Fatalf("another node refuses a token of the new key: %v", err)
	}

	clock.Advance(11*time.Hour + time.Minute) // the old token, and its key, have expired
	if err := one.Keys.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := one.Auth.Authenticate(ctx, old); !iam.IsKind(err, iam.Unauthenticated) {
		t.Fatalf("an expired token gave %v, want unauthenticated", err)
	}
	keys, _ := st.ListSigningKeys(ctx)
	for _, k := range keys {
		if !clock.Now().Before(k.ExpiresAt) {
			t.Fatalf("expired key %s is still stored", k.ID)
		}
	}
}
