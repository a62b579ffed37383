// Package stacktest starts the whole Warden stack — a fresh SQLite store,
// the services with cheap password hashing, the native API and any
// compatibility surfaces a test mounts — behind a real HTTP server, for the
// tests of the API and of the surfaces.
package stacktest

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/compat/web"
	"github.com/wardenhq/warden/internal/httpapi"
	"github.com/wardenhq/warden/internal/service"
	"github.com/wardenhq/warden/internal/sms"
	"github.com/wardenhq/warden/internal/store/sqlstore"
	"github.com/wardenhq/warden/internal/store/sqlstore/sqlstoretest"
)

// Stack is a running Warden.
type Stack struct {
	URL    string
	Server *httptest.Server
	API    *httpapi.Server
	Svc    *service.Services
	Store  *sqlstore.Store
	Clock  *Clock
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

// Options shape a stack; the zero value is the native API alone.
type Options struct {
	HTTP   httpapi.Config
	Mounts []Mounter
	// SMS makes the SMS sender from the stack's clock; nil only logs.
	SMS func(now func() time.Time) sms.Sender
	// LoginThrottle is the service's; the zero value takes its defaults.
	LoginThrottle service.ThrottleConfig
}

// New starts a stack with the given HTTP settings and surfaces.
func New(t testing.TB, cfg httpapi.Config, mounts ...Mounter) *Stack {
	t.Helper()
	return NewWith(t, Options{HTTP: cfg, Mounts: mounts})
}

// NewWith starts a stack shaped by o, on a fresh database in t's
// temporary directory, stopped when the test ends.
func NewWith(t testing.TB, o Options) *Stack {
	t.Helper()
	ctx := context.Background()
	st := sqlstoretest.SQLite(t)
	key := make([]byte, 32)
	rand.Read(key)
	sealer, err := authn.NewSealer(key, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hasher := authn.NewHasher(authn.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2, rand.Reader)
	clk := &Clock{}
	env := &service.Env{Store: st, Now: clk.Now, Rand: rand.Reader, Log: log}
	if o.SMS != nil {
		env.SMS = o.SMS(clk.Now)
	}
	svc := service.New(env, service.Config{Issuer: "warden-test", SessionTTL: time.Hour, KeyRotation: 24 * time.Hour,
		PasswordPolicy: authn.DefaultPasswordPolicy, LoginThrottle: o.LoginThrottle}, hasher, sealer)
	if err := svc.Keys.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(o.HTTP, svc, st, log, prometheus.NewRegistry())
	cenv := api.CompatEnv()
	for _, m := range o.Mounts {
		m(api, cenv)
	}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &Stack{URL: srv.URL, Server: srv, API: api, Svc: svc, Store: st, Clock: clk}
}
