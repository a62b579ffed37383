package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/compat/argus"
	"github.com/wardenhq/warden/internal/compat/arthur"
	"github.com/wardenhq/warden/internal/compat/sailpoint"
	"github.com/wardenhq/warden/internal/compat/squirro"
	"github.com/wardenhq/warden/internal/compat/thousandeyes"
	"github.com/wardenhq/warden/internal/httpapi"
	"github.com/wardenhq/warden/internal/service"
	"github.com/wardenhq/warden/internal/sms"
	"github.com/wardenhq/warden/internal/store/sqlstore"
)

// storeFlags select the database; serve, migrate and offline audit
// verification share them.
type storeFlags struct {
	data        string
	databaseURL string
}

func (f *storeFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.data, "data", "./warden-data", "data directory of the embedded SQLite database")
	cmd.Flags().StringVar(&f.databaseURL, "database-url", "", "a postgres:// URL selects PostgreSQL instead of SQLite")
}

// url is the database the flags select.
func (f *storeFlags) url() string {
	if f.databaseURL != "" {
		return f.databaseURL
	}
	return filepath.Join(f.data, "warden.db")
}

func (f *storeFlags) open(ctx context.Context, log *slog.Logger) (*sqlstore.Store, error) {
	st, err := sqlstore.Open(ctx, f.url(), sqlstore.Options{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return st, nil
}

type serveConfig struct {
	store          storeFlags
	addr           string
	issuer         string
	openSignup     bool
	secureCookies  bool
	secretKey      string
	sessionTTL     time.Duration
	accessTTL      time.Duration
	refreshTTL     time.Duration
	keyRotation    time.Duration
	argon2         authn.Argon2Params
	hashWorkers    int
	listConc       int
	maxBody        int64
	trustedProxies string
	rateLimit      float64
	rateBurst      int
	redisURL       string
	loginThrottle  service.ThrottleConfig
	logLevel       string
	logFormat      string
	smsSender      string
	pprof          bool
	pprofAddr      string
	gcPercent      int
	memoryLimit    int
}

func newServeCmd() *cobra.Command {
	c := serveConfig{argon2: authn.DefaultArgon2Params}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the Warden server",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return serve(cmd.Context(), c, cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	c.store.register(cmd)
	f.StringVar(&c.addr, "addr", "127.0.0.1:8080", "address to listen on")
	f.StringVar(&c.issuer, "issuer", "warden", "issuer of tokens")
	f.BoolVar(&c.openSignup, "open-signup", false, "let every signup create a new organization")
	f.BoolVar(&c.secureCookies, "secure-cookies", false, "mark the session cookie Secure, for HTTPS deployments")
	f.StringVar(&c.secretKey, "secret-key", "", "32-byte key, base64 or hex, sealing secrets at rest; default: generated once into the data directory")
	f.DurationVar(&c.sessionTTL, "session-ttl", 12*time.Hour, "lifetime of a login session and its token")
	f.DurationVar(&c.accessTTL, "access-token-ttl", time.Hour, "lifetime of OAuth access tokens")
	f.DurationVar(&c.refreshTTL, "refresh-token-ttl", 30*24*time.Hour, "lifetime of the grants the OAuth password grant opens")
	f.DurationVar(&c.keyRotation, "key-rotation", 24*time.Hour, "how long one token-signing key signs before the next takes over")
	f.Uint32Var(&c.argon2.Memory, "argon2-memory", c.argon2.Memory, "argon2id memory in KiB")
	f.Uint32Var(&c.argon2.Time, "argon2-time", c.argon2.Time, "argon2id iterations")
	f.Uint8Var(&c.argon2.Threads, "argon2-threads", c.argon2.Threads, "argon2id parallelism")
	f.IntVar(&c.hashWorkers, "hash-workers", 0, "password hashes computed at once; 0 = one per CPU")
	f.IntVar(&c.listConc, "list-concurrency", 0, "user lists and searches served at once, the rest waiting their turn in order of arrival; 0 = one per CPU on SQLite (its queries run in this process), no limit on PostgreSQL; -1 = no limit")
	f.Int64Var(&c.maxBody, "max-body", 1<<20, "largest accepted request body in bytes")
	f.Float64Var(&c.rateLimit, "rate-limit", 100, "API requests per second per credential (per address when anonymous), on each node unless --redis-url is given; 0 = no limit")
	f.StringVar(&c.redisURL, "redis-url", "", "a redis:// URL: the API rate limit and the failed-login counts are kept in that Redis, shared by every node using it (default: each node's memory)")
	f.IntVar(&c.rateBurst, "rate-burst", 200, "API requests a credential may make at once before --rate-limit applies")
	f.IntVar(&c.loginThrottle.AccountFailures, "login-max-failures", 5, "consecutive failed logins that lock a login name; -1 = never")
	f.IntVar(&c.loginThrottle.AddressFailures, "login-max-address-failures", 20, "failed logins that lock a source address; -1 = never")
	f.DurationVar(&c.loginThrottle.LockFor, "login-lockout", time.Minute, "first lockout after too many failed logins; each next one doubles")
	f.DurationVar(&c.loginThrottle.MaxLock, "login-max-lockout", 15*time.Minute, "longest lockout after failed logins")
	f.StringVar(&c.trustedProxies, "trusted-proxies", "", "comma-separated IPs or CIDRs of reverse proxies whose X-Forwarded-For names the client")
	f.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error")
	f.StringVar(&c.logFormat, "log-format", "text", "text or json")
	f.StringVar(&c.smsSender, "sms-sender", "log", "where SMS codes go: log (masked number, no code), log-codes (development: the code too), file:<path> (JSON lines) or an https:// webhook")
	f.IntVar(&c.gcPercent, "gc-percent", 250, "heap growth between garbage collections, as GOGC (which, when set, wins); the live heap is small, so the Go default of 100 collects dozens of times a second under load")
	f.IntVar(&c.memoryLimit, "memory-limit", 0, "soft limit of the Go heap in MiB, as GOMEMLIMIT (which, when set, wins), past which it collects more often; 0 = 128 plus three argon2id hashes' memory per hash worker")
	f.BoolVar(&c.pprof, "pprof", false, "serve Go runtime profiles (net/http/pprof) at /debug/pprof/ on --pprof-addr, a listener of their own")
	f.StringVar(&c.pprofAddr, "pprof-addr", "127.0.0.1:6060", "address of the --pprof listener; keep it on loopback or a private network: profiles expose memory contents")
	return cmd
}

func serve(ctx context.Context, c serveConfig, stderr io.Writer) error {
	started := time.Now()
	tuneGC(c.gcPercent, c.memoryLimit, c.hashWorkers, c.argon2.Memory)
	log, err := newLogger(stderr, c.logLevel, c.logFormat)
	if err != nil {
		return err
	}
	st, err := c.store.open(ctx, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("closing the database failed", "err", err)
		}
	}()
	if err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	key, err := secretKey(c.secretKey, c.store.data, log)
	if err != nil {
		return err
	}
	sealer, err := authn.NewSealer(key, rand.Reader)
	if err != nil {
		return err
	}
	sender, err := sms.New(c.smsSender, log, time.Now)
	if err != nil {
		return err
	}
	if c.smsSender == "log-codes" {
		log.Warn("--sms-sender=log-codes writes one-time codes to the log: for development only")
	}
	hasher := authn.NewHasher(c.argon2, c.hashWorkers, rand.Reader)
	if os.Getenv("GOMAXPROCS") == "" {
		hasher.LendProcs() // spare Ps for other requests while hashes run
	}
	sh, err := openShared(ctx, c, log)
	if err != nil {
		return err
	}
	defer sh.close()
	if sh.strikes != nil {
		c.loginThrottle.Strikes = sh.strikes
	}
	envr := &service.Env{Store: sh.store(st), Now: time.Now, Rand: rand.Reader, Log: log, SMS: sender}
	svc := service.New(envr, service.Config{Issuer: c.issuer, SessionTTL: c.sessionTTL, KeyRotation: c.keyRotation,
		AccessTokenTTL: c.accessTTL, RefreshTokenTTL: c.refreshTTL,
		OpenSignup: c.openSignup, PasswordPolicy: authn.DefaultPasswordPolicy, LoginThrottle: c.loginThrottle},
		hasher, sealer)
	if err := svc.Keys.Ensure(ctx); err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	proxies, err := parseTrustedProxies(c.trustedProxies)
	if err != nil {
		return err
	}
	api := httpapi.New(httpapi.Config{SecureCookies: c.secureCookies, MaxBodyBytes: c.maxBody, TrustedProxies: proxies,
		RateLimit: c.rateLimit, RateBurst: c.rateBurst, Limiter: sh.limiter, ListConcurrency: listConcurrency(c.listConc, st.Dialect())},
		svc, st, log, reg)
	env := api.CompatEnv()
	sailpoint.Mount(api, env)
	arthur.Mount(api, env)
	squirro.Mount(api, env)
	thousandeyes.Mount(api, env)
	argus.Mount(api, env)

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	if c.pprof {
		ps, _, err := startPprof(c.pprofAddr, log)
		if err != nil {
			ln.Close()
			return fmt.Errorf("--pprof-addr: %w", err)
		}
		defer ps.Close()
	}
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	bg, stopBg := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBg()
	go svc.Keys.Run(bg, time.Minute)
	// Other nodes' revocations and access changes (roles, bindings,
	// memberships) reach this node through PostgreSQL LISTEN/NOTIFY (Redis
	// with --redis-url) within milliseconds; its own apply at once. Should
	// a message be lost, the poll below (access) and the caches' 5-second
	// recheck (credentials) still bound the delay.
	go svc.Listen(bg)
	go svc.Access.Run(bg, time.Second)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "database", st.Dialect(), "startup", time.Since(started).Round(time.Millisecond))

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// parseTrustedProxies reads --trusted-proxies: IPs and CIDRs, comma-separated.
func parseTrustedProxies(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
		} else if a, err := netip.ParseAddr(item); err == nil {
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		} else {
			return nil, fmt.Errorf("--trusted-proxies: %q is not an IP address or a CIDR network", item)
		}
	}
	return out, nil
}

// secretKey is the configured key, or one generated once into the data
// directory so that a single node works with no setup. Several nodes on one
// PostgreSQL must share a configured key.
func secretKey(configured, dataDir string, log *slog.Logger) ([]byte, error) {
	if configured != "" {
		return authn.ParseSecretKey(configured)
	}
	path := filepath.Join(dataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		return authn.ParseSecretKey(strings.TrimSpace(string(b)))
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k, err := authn.GenerateSecretKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(k+"\n"), 0o600); err != nil {
		return nil, err
	}
	log.Warn("generated a secret key; back it up, and give every node the same one with --secret-key", "path", path)
	return authn.ParseSecretKey(k)
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", format)
}

// listConcurrency resolves --list-concurrency: by default, on SQLite, one
// list per CPU, since its queries spend CPU in this process (measured in
// docs/PERFORMANCE.md); PostgreSQL's wait on the network, and its pool
// bounds them.
func listConcurrency(flag int, dialect string) int {
	switch {
	case flag != 0:
		return max(flag, 0)
	case dialect == "sqlite":
		return runtime.GOMAXPROCS(0)
	default:
		return 0
	}
}
