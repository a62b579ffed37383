package httpapi

import (
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/compat/web"
)

// CompatEnv is what a compatibility surface needs of this server: the
// services, its client-address rule, its rate limit and its metrics.
func (s *Server) CompatEnv() *web.Env {
	e := &web.Env{Svc: s.svc, Log: s.log, MaxBody: s.cfg.MaxBodyBytes, SecureCookies: s.cfg.SecureCookies,
		ClientIP: s.clientIP,
		Observe: func(method, route string, status int, d time.Duration) {
			s.metrics.observe(method, route, status, d)
		}}
	if s.limiter != nil {
		e.Take = s.limiter.Take
	}
	return e
}

// Mount serves h, a compatibility surface, for pattern (such as "/v7/"):
// its vendor's paths, beside the native API's.
func (s *Server) Mount(pattern string, h http.Handler) {
	s.handle(pattern, h)
}
