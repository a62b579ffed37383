package httpapi

import (
	"context"
	"net/http"
)

// HoldListPlace takes one of the Queued routes' places until the returned
// function gives it back.
func (s *Server) HoldListPlace() func() {
	if err := s.lists.Enter(context.Background()); err != nil {
		panic(err)
	}
	return s.lists.Leave
}

// Routing reports the pattern the fast routes choose for r (ok false: they
// leave r to the mux) and the pattern the mux chooses.
func (s *Server) Routing(r *http.Request) (fast string, ok bool, mux string) {
	rt, _, ok := s.fast.route(r)
	_, mux = s.mux.Handler(r)
	return rt.pattern, ok, mux
}
