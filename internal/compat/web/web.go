// Package web is what the compatibility surfaces share: the request
// envelope every route gets (panic recovery, body limit, the request's
// description with its surface, metrics, a log line), the API rate limit,
// and reading a token from a request. Each surface renders its own errors.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/limit"
	"github.com/wardenhq/warden/internal/service"
)

// Env is what the server that mounts a surface gives it.
type Env struct {
	Svc           *service.Services
	Log           *slog.Logger
	MaxBody       int64                      // larger request bodies fail to read
	SecureCookies bool                       // mark session cookies Secure
	ClientIP      func(*http.Request) string // the client's address, through trusted proxies
	// Take charges one request to key's budget of the API rate limit; nil
	// means no limit.
	Take func(ctx context.Context, key string) Quota
	// Observe records a request in the server's metrics.
	Observe func(method, route string, status int, d time.Duration)
}

// Quota is the state of a rate-limit budget after a request.
type Quota = limit.Quota

// Handle wraps h, a route of surface at pattern route, in the envelope.
// onPanic writes the surface's own 500 answer.
func (e *Env) Handle(surface, route string, h http.HandlerFunc, onPanic func(http.ResponseWriter)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				e.Log.ErrorContext(r.Context(), "panic serving request", "surface", surface, "route", route, "panic", v)
				if !rec.wrote {
					onPanic(rec)
				}
			}
			d := time.Since(start)
			if e.Observe != nil {
				e.Observe(r.Method, route, rec.status, d)
			}
			e.Log.DebugContext(r.Context(), "request", "surface", surface, "method", r.Method, "route", route, "status", rec.status, "duration", d)
		}()
		if e.MaxBody > 0 {
			r.Body = http.MaxBytesReader(rec, r.Body, e.MaxBody)
		}
		ip := r.RemoteAddr
		if e.ClientIP != nil {
			ip = e.ClientIP(r)
		}
		r = r.WithContext(iam.WithRequest(r.Context(), iam.Request{IP: ip, UserAgent: r.UserAgent(), Surface: surface}))
		h(rec, r)
	})
}

// Limit charges the request to the API rate limit: the principal's bucket,
// or the client address's for anonymous requests.
func (e *Env) Limit(r *http.Request, p *iam.Principal) Quota {
	if e.Take == nil {
		return Quota{OK: true}
	}
	return e.Take(r.Context(), limit.Key(r.Context(), p))
}

// Token reads the credential of Authorization: "Bearer <token>" or the bare
// token (as the Arthur client sends it). Other schemes give "".
func Token(r *http.Request) string {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if scheme, rest, ok := strings.Cut(h, " "); ok {
		if !strings.EqualFold(scheme, "Bearer") {
			return ""
		}
		return strings.TrimSpace(rest)
	}
	return h
}

type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *recorder) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
