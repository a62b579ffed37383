package httpapi

import (
	"bytes"
	"crypto/sha256"
	"io"
	"net/http"

	"github.com/wardenhq/warden/internal/service"
)

// idempotent runs rt under the request's Idempotency-Key (the IETF
// httpapi draft): the first request runs and its answer is kept; a retry
// with the same key and request gets that answer again, marked
// Idempotent-Replayed; a different request under the key is 422, and a
// retry while the first still runs is 409. Server-side failures are not
// kept, so that a retry runs again.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, rt Route) {
	key := r.Header.Get("Idempotency-Key")
	body, err := readBody(r)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	h := sha256.New()
	for _, part := range []string{r.Method, r.URL.RequestURI(), mediaType(r)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write(body)
	replay, err := s.svc.Idempotency.Begin(r.Context(), key, h.Sum(nil))
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	if replay != nil {
		if replay.ContentType != "" {
			w.Header().Set("Content-Type", replay.ContentType)
		}
		if replay.Location != "" {
			w.Header().Set("Location", replay.Location)
		}
		w.Header().Set("Idempotent-Replayed", "true")
		w.Header().Set("Cache-Control", "no-store") // it may show a one-time secret again
		w.WriteHeader(replay.Status)
		w.Write(replay.Body)
		return
	}
	c := &capture{ResponseWriter: w, status: http.StatusOK}
	if err := rt.handle(c, r); err != nil {
		writeError(c, r, s.log, err)
	}
	if c.status >= 500 {
		err = s.svc.Idempotency.Abandon(r.Context(), key)
	} else {
		err = s.svc.Idempotency.Finish(r.Context(), key, serviceReplay(c))
	}
	if err != nil {
		s.log.WarnContext(r.Context(), "cannot keep an idempotent answer", "route", rt.Path, "err", err)
	}
}

// capture passes a response through while keeping a copy.
type capture struct {
	http.ResponseWriter
	status int
	wrote  bool
	body   bytes.Buffer
}

func (c *capture) WriteHeader(code int) {
	if !c.wrote {
		c.status, c.wrote = code, true
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *capture) Write(b []byte) (int, error) {
	c.wrote = true
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}

func (c *capture) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func serviceReplay(c *capture) service.Replay {
	return service.Replay{Status: c.status, ContentType: c.Header().Get("Content-Type"), Location: c.Header().Get("Location"),
		Body: c.body.Bytes()}
}
