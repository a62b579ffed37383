package httpapi

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// cookieName is the session cookie; the Arthur client reads it by this name.
const cookieName = "Authorization"

// statusClientClosed is the status recorded for a request whose client
// left before it was served (nginx's "client closed request").
const statusClientClosed = 499

// wrap gives every route the same envelope: panic recovery, a body limit,
// the request description, authentication, error rendering, metrics and a
// log line.
func (s *Server) wrap(rt Route) http.Handler {
	series := s.metrics.route(rt.Method, rt.Path)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		rec.Header()["Date"] = dateHeader(start)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v)
				if !rec.wrote {
					writeProblem(rec, problem{Status: http.StatusInternalServerError, Code: "internal", Detail: "an internal error occurred"})
				}
			}
			elapsed := time.Since(start)
			series.observe(r.Method, rec.status, elapsed)
			if s.log.Enabled(r.Context(), slog.LevelDebug) { // else the arguments would still be boxed
				s.log.DebugContext(r.Context(), "request", "method", r.Method, "route", rt.Path, "status", rec.status, "duration", elapsed)
			}
		}()
		if r.Body != http.NoBody { // net/http's body of a request that has none: nothing to limit
			r.Body = http.MaxBytesReader(rec, r.Body, s.cfg.MaxBodyBytes)
		}
		ctx := iam.WithRequest(r.Context(), iam.Request{IP: s.clientIP(r), UserAgent: header(r, "User-Agent"), Surface: "native"})
		var p *iam.Principal
		if !rt.Public {
			var err error
			if p, err = s.authenticate(ctx, r); err != nil {
				r = r.WithContext(ctx)
				// A failed authentication still costs the address a token.
				if lerr := s.rateLimit(rec, r, nil); lerr != nil {
					err = lerr
				}
				writeError(rec, r, s.log, err)
				return
			}
			ctx = iam.WithPrincipal(ctx, p)
		}
		r = r.WithContext(ctx) // once: each WithContext copies the request
		if err := s.rateLimit(rec, r, p); err != nil {
			writeError(rec, r, s.log, err)
			return
		}
		if p != nil && r.Method != http.MethodGet && r.Header.Get("Idempotency-Key") != "" {
			s.idempotent(rec, r, rt)
			return
		}
		if rt.Queued {
			if s.lists.Enter(ctx) != nil {
				// The client left (or the server is stopping) while it
				// waited: no one reads an answer, and it is no server
				// error to log or count as one.
				rec.WriteHeader(statusClientClosed)
				return
			}
			defer s.lists.Leave()
		}
		if err := rt.handle(rec, r); err != nil {
			writeError(rec, r, s.log, err)
		}
	})
}

// authenticate finds the credential of r and resolves it to a principal. The
// token may come as "Authorization: Bearer <jwt>", as a bare
// "Authorization: <jwt>" (the Arthur client sends that), or in the session
// cookie, in which case unsafe requests must pass the cross-origin check.
func (s *Server) authenticate(ctx context.Context, r *http.Request) (*iam.Principal, error) {
	token := header(r, "Authorization")
	if scheme, rest, ok := strings.Cut(token, " "); ok {
		if !strings.EqualFold(scheme, "Bearer") {
			return nil, iam.E(iam.Unauthenticated, "unsupported_scheme", "use Authorization: Bearer <token>")
		}
		token = strings.TrimSpace(rest)
	}
	if token == "" {
		c, err := r.Cookie(cookieName)
		if err != nil || c.Value == "" {
			return nil, iam.E(iam.Unauthenticated, "unauthenticated", "this request needs a token: Authorization: Bearer <token>")
		}
		if err := s.csrf.Check(r); err != nil {
			return nil, iam.E(iam.PermissionDenied, "csrf", "a cross-origin request may not use the session cookie")
		}
		token = c.Value
	}
	return s.svc.Auth.Authenticate(ctx, token)
}

// clientIP is the address of the client: the peer that connected, unless
// that peer is a trusted proxy, in which case X-Forwarded-For is read from
// the right, through trusted proxies, to the first address that is not one
// (or the left-most, when every address is trusted). Without trusted
// proxies the header is ignored: anyone can send it.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if len(s.cfg.TrustedProxies) == 0 {
		return host
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trustedProxy(peer) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: the last address a trusted proxy vouched for stands
		}
		client = a.Unmap()
		if !s.trustedProxy(client) {
			break
		}
	}
	return client.String()
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// statusRecorder remembers the status a handler wrote, for metrics and logs.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// header is the first value of r's header key, which must be canonical:
// net/http stores a request's keys canonical, and Header.Get would spend
// more on canonicalizing the key again than on the lookup.
func header(r *http.Request, key string) string {
	if v := r.Header[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}
