package httpapi

import "context"

// HoldListPlace takes one of the Queued routes' places until the returned
// function gives it back.
func (s *Server) HoldListPlace() func() {
	if err := s.lists.Enter(context.Background()); err != nil {
		panic(err)
	}
	return s.lists.Leave
}
