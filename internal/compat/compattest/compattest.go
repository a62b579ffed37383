// Package compattest starts the whole Warden stack — SQLite store,
// services, the native API and the compatibility surfaces a test mounts —
// behind a real HTTP server, for the surfaces' tests.
package compattest

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/compat/web"
	"github.com/wardenhq/warden/internal/httpapi"
	"github.com/wardenhq/warden/internal/service"
	"github.com/wardenhq/warden/internal/store/sqlstore"
)

// Stack is a running Warden.
type Stack struct {
	URL   string
	Svc   *service.Services
	Store *sqlstore.Store
	Clock *Clock
}

// Clock is the stack's clock: the real time plus an offset tests advance.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Mounter mounts a surface on the native server.
type Mounter func(api *httpapi.Server, env *web.Env)

// New starts a stack on a fresh database in t's temporary directory, with
// cheap password hashing and the given HTTP settings, mounting the surfaces.
func New(t testing.TB, cfg httpapi.Config, mounts ...Mounter) *Stack {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "warden.db"), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	rand.Read(key)
	sealer, err := authn.NewSealer(key, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hasher := authn.NewHasher(authn.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2, rand.Reader)
	clk := &Clock{}
	svc := service.New(&service.Env{Store: st, Now: clk.Now, Rand: rand.Reader, Log: log},
		service.Config{Issuer: "warden-test", SessionTTL: time.Hour, KeyRotation: 24 * time.Hour,
			PasswordPolicy: authn.DefaultPasswordPolicy}, hasher, sealer)
	if err := svc.Keys.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(cfg, svc, st, log, prometheus.NewRegistry())
	env := api.CompatEnv()
	for _, m := range mounts {
		m(api, env)
	}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &Stack{URL: srv.URL, Svc: svc, Store: st, Clock: clk}
}
