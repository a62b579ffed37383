package service_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
	"github.com/wardenhq/warden/internal/store/sqlstore/sqlstoretest"
)

// countingStore counts the store calls authenticating an API key makes.
type countingStore struct {
	iam.Store
	finds, users, touches, lists atomic.Int64
}

func (s *countingStore) FindAPIKey(ctx context.Context, id iam.ID) (*iam.APIKey, error) {
	s.finds.Add(1)
	return s.Store.FindAPIKey(ctx, id)
}

func (s *countingStore) GetUser(ctx context.Context, org, id iam.ID) (*iam.User, error) {
	s.users.Add(1)
	return s.Store.GetUser(ctx, org, id)
}

func (s *countingStore) ListUsers(ctx context.Context, org iam.ID, f iam.UserFilter) ([]*iam.User, error) {
	s.lists.Add(1)
	return s.Store.ListUsers(ctx, org, f)
}

func (s *countingStore) TouchAPIKey(ctx context.Context, org, id iam.ID, at time.Time, from string) error {
	s.touches.Add(1)
	return s.Store.TouchAPIKey(ctx, org, id, at, from)
}

// keyFixture is two nodes over one store and an administrator's key.
type keyFixture struct {
	st         *countingStore
	clock      *fakeClock
	one, two   *service.Services
	admin      context.Context // as the administrator, by session, on node one
	key        string
	keyID      iam.ID
	fromClient context.Context
}

func newKeyFixture(t testing.TB) *keyFixture {
	t.Helper()
	ctx := context.Background()
	f := &keyFixture{st: &countingStore{Store: sqlstoretest.SQLite(t)}, clock: &fakeClock{t: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}}
	secret := make([]byte, 32)
	rand.Read(secret)
	f.one, f.two = keyNode(t, f.st, f.clock, secret), keyNode(t, f.st, f.clock, secret)
	f.fromClient = iam.WithRequest(ctx, iam.Request{IP: "192.0.2.10"})
	if _, _, err := f.one.Auth.Signup(f.fromClient, service.Signup{Email: "ada@example.com", Password: "correct horse battery", OrgName: "Analytical"}); err != nil {
		t.Fatal(err)
	}
	sess, err := f.one.Auth.Login(f.fromClient, service.Login{Login: "ada@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.one.Auth.Authenticate(f.fromClient, sess.Token)
	if err != nil {
		t.Fatal(err)
	}
	f.admin = iam.WithPrincipal(f.fromClient, p)
	m, err := f.one.APIKeys.Create(f.admin, service.KeyOwner{Kind: iam.KindUser, ID: p.ID},
		service.NewAPIKey{ValidSources: []string{"192.0.2.0/24"}})
	if err != nil {
		t.Fatal(err)
	}
	f.key, f.keyID = m.Plain, m.Key.ID
	return f
}

// keyNode is node for tests and benchmarks alike.
func keyNode(tb testing.TB, st iam.Store, clock *fakeClock, key []byte) *service.Services {
	tb.Helper()
	sealer, err := authn.NewSealer(key, rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	hasher := authn.NewHasher(authn.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1, rand.Reader)
	env := &service.Env{Store: st, Now: clock.Now, Rand: rand.Reader, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	svc := service.New(env, service.Config{Issuer: "test", SessionTTL: 12 * time.Hour, KeyRotation: time.Hour,
		PasswordPolicy: authn.DefaultPasswordPolicy}, hasher, sealer)
	if err := svc.Keys.Ensure(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return svc
}

func (f *keyFixture) auth(t testing.TB, svc *service.Services) (*iam.Principal, error) {
	t.Helper()
	return svc.Auth.Authenticate(f.fromClient, f.key)
}

// TestAPIKeyCacheHitsTouchNoStore: once a key is cached, authenticating by
// it reads nothing from the store until the cache entry is due a recheck,
// and its last use is written at most once a minute.
func TestAPIKeyCacheHitsTouchNoStore(t *testing.T) {
	f := newKeyFixture(t)
	p, err := f.auth(t, f.one)
	if err != nil {
		t.Fatal(err)
	}
	if p.Credential != "api_key" || p.CredentialID != f.keyID || p.Kind != iam.KindUser {
		t.Fatalf("principal %+v", p)
	}
	finds, users, touches := f.st.finds.Load(), f.st.users.Load(), f.st.touches.Load()
	if finds != 1 || touches != 1 {
		t.Fatalf("first use: %d finds, %d touches", finds, touches)
	}
	for range 100 {
		if _, err := f.auth(t, f.one); err != nil {
			t.Fatal(err)
		}
	}
	if f.st.finds.Load() != finds || f.st.users.Load() != users || f.st.touches.Load() != touches {
		t.Fatalf("cache hits went to the store: %d finds, %d user reads, %d touches",
			f.st.finds.Load()-finds, f.st.users.Load()-users, f.st.touches.Load()-touches)
	}
	f.clock.Advance(6 * time.Second)
	if _, err := f.auth(t, f.one); err != nil {
		t.Fatal(err)
	}
	if f.st.finds.Load() != finds+1 || f.st.touches.Load() != touches {
		t.Fatalf("after the recheck interval: %d finds, %d touches", f.st.finds.Load()-finds, f.st.touches.Load()-touches)
	}
	f.clock.Advance(time.Minute)
	if _, err := f.auth(t, f.one); err != nil {
		t.Fatal(err)
	}
	if f.st.touches.Load() != touches+1 {
		t.Fatalf("a minute later: %d touches", f.st.touches.Load()-touches)
	}
}

// TestAPIKeyRevocationReachesEveryNode: revoked on node one, a key is
// refused there at once and on node two once its cache entry is rechecked.
func TestAPIKeyRevocationReachesEveryNode(t *testing.T) {
	f := newKeyFixture(t)
	for _, svc := range []*service.Services{f.one, f.two} {
		if _, err := f.auth(t, svc); err != nil {
			t.Fatal(err)
		}
	}
	p := iam.PrincipalFrom(f.admin)
	if err := f.one.APIKeys.Revoke(f.admin, service.KeyOwner{Kind: iam.KindUser, ID: p.ID}, f.keyID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.auth(t, f.one); iam.CodeOf(err) != "apikey_revoked" {
		t.Fatalf("node one: %v", err)
	}
	if _, err := f.auth(t, f.two); err != nil {
		t.Fatalf("node two within the recheck interval: %v", err)
	}
	f.clock.Advance(6 * time.Second)
	if _, err := f.auth(t, f.two); iam.CodeOf(err) != "apikey_revoked" {
		t.Fatalf("node two after the recheck interval: %v", err)
	}
}

// BenchmarkAuthenticateAPIKey is the hot path: a cached key.
func BenchmarkAuthenticateAPIKey(b *testing.B) {
	f := newKeyFixture(b)
	if _, err := f.auth(b, f.one); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.one.Auth.Authenticate(f.fromClient, f.key); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkAuthenticateAPIKeyMiss is a key not in the cache: it is read
// from the store (the key, then its owner with the owner's roles) and its
// secret hashed, as on a node's first use of the key or after a recheck.
func BenchmarkAuthenticateAPIKeyMiss(b *testing.B) {
	f := newKeyFixture(b)
	if _, err := f.auth(b, f.one); err != nil {
		b.Fatal(err)
	}
	finds := f.st.finds.Load()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		service.ForgetCredentials(f.one)
		if _, err := f.one.Auth.Authenticate(f.fromClient, f.key); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if got := f.st.finds.Load() - finds; got != int64(n) {
		b.Fatalf("%d iterations read the key %d times: not all missed the cache", n, got)
	}
}

// BenchmarkCreateUser creates users without a password through the
// service, as POST /v1/users does: authorization, validation, then one
// transaction with the user, its role binding and its audit event.
func BenchmarkCreateUser(b *testing.B) {
	f := newKeyFixture(b)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		u, err := f.one.Users.Create(f.admin, service.NewUser{Email: fmt.Sprintf("bench%d@example.com", n),
			FullName: fmt.Sprintf("Bench User %d", n)})
		if err != nil || len(u.Roles) != 1 {
			b.Fatalf("%v, %v", u, err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "users/s")
}
