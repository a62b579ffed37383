// Package httpapi is Warden's native REST API: routes.go lists every route
// with the permission it needs; each handler decodes, calls the service and
// encodes, holding no SQL and no policy.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wardenhq/warden/internal/admission"
	"github.com/wardenhq/warden/internal/cache"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/limit"
	"github.com/wardenhq/warden/internal/service"
)

// Config holds the HTTP settings.
type Config struct {
	SecureCookies bool  // mark the session cookie Secure (behind HTTPS)
	MaxBodyBytes  int64 // larger request bodies are refused with 413
	// TrustedProxies are the networks of reverse proxies whose
	// X-Forwarded-For names the client; from anyone else it is ignored.
	TrustedProxies []netip.Prefix
	// RateLimit is each credential's sustained requests per second under
	// /v1 (per client address for anonymous requests), RateBurst its
	// bucket; a RateLimit of 0 turns the limit off.
	RateLimit float64
	RateBurst int
	// Limiter, when set, keeps that limit instead of this node's memory:
	// limit.Redis, which every node sharing its Redis spends from.
	Limiter limit.Limiter
	// ListConcurrency is how many Queued routes (user lists and searches)
	// run at once; 0 means no limit.
	ListConcurrency int
}

// Pinger reports whether the database answers, for /readyz.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Server is the native API's http.Handler.
type Server struct {
	cfg     Config
	svc     *service.Services
	db      Pinger
	log     *slog.Logger
	metrics *metrics
	csrf    *http.CrossOriginProtection
	mux     *http.ServeMux
	fast    *fastRoutes // the mux's choice for the commonest requests, found sooner
	routes  []Route
	limiter limit.Limiter    // nil: no API rate limit
	lists   *admission.Queue // Queued routes wait here; nil: no limit
	details *cache.Map[iam.ID, renderedDetail]
	whoamis *cache.Map[iam.ID, renderedWhoAmI]

	promHandler http.Handler
}

// New builds the server; its metrics register with, and /metrics serves, reg.
func New(cfg Config, svc *service.Services, db Pinger, log *slog.Logger, reg *prometheus.Registry) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	s := &Server{cfg: cfg, svc: svc, db: db, log: log, csrf: http.NewCrossOriginProtection(), mux: http.NewServeMux(),
		promHandler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{})}
	s.metrics = newMetrics(reg)
	if cfg.RateLimit > 0 {
		s.limiter = cfg.Limiter
		if s.limiter == nil {
			s.limiter = limit.NewMemory(cfg.RateLimit, cfg.RateBurst, time.Now)
		}
	}
	s.lists = admission.New(cfg.ListConcurrency)
	s.details = cache.New[iam.ID, renderedDetail](renderedDetailsMax)
	s.whoamis = cache.New[iam.ID, renderedWhoAmI](renderedDetailsMax)
	s.routes = s.routeTable()
	s.fast = newFastRoutes()
	for _, rt := range s.routes {
		s.handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	s.handle("/", http.HandlerFunc(s.notFound))
	return s
}

// handle registers h for pattern with the mux and the fast routes.
func (s *Server) handle(pattern string, h http.Handler) {
	s.mux.Handle(pattern, h)
	s.fast.add(pattern, h)
}

// Routes returns the route table, for tests and the OpenAPI check.
func (s *Server) Routes() []Route { return s.routes }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, value, ok := s.fast.route(r)
	if !ok {
		s.mux.ServeHTTP(w, r)
		return
	}
	r.Pattern = rt.pattern // as the mux sets it
	if rt.name != "" {
		r.SetPathValue(rt.name, value)
	}
	rt.h.ServeHTTP(w, r)
}

// notFound answers unknown paths, and known paths with a method they do not
// take, in problem+json rather than the mux's plain text.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/" && pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		rec.Header().Set("Allow", strings.Join(allowed, ", "))
		writeProblem(rec, problem{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Detail: "this path does not take " + r.Method})
	} else {
		writeProblem(rec, problem{Status: http.StatusNotFound, Code: "not_found", Detail: "no such route"})
	}
	s.metrics.observe(r.Method, "unmatched", rec.status, time.Since(start))
}
