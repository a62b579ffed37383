package httpapi

import (
	"context"
	_ "embed"
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// OpenAPI is the contract of the native API (OpenAPI 3.1).
//
//go:embed openapi.json
var OpenAPI []byte

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, typeJSON, map[string]string{"status": "ok"})
	return nil
}

// readyz answers 200 only while the database answers.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "readiness check failed", "err", err)
		return iam.E(iam.Unavailable, "database_unavailable", "the database does not answer")
	}
	writeJSON(w, http.StatusOK, typeJSON, map[string]string{"status": "ready"})
	return nil
}

func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request) error {
	s.promHandler.ServeHTTP(w, r)
	return nil
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", typeJSON)
	w.Write(OpenAPI)
	return nil
}
