package thousandeyes

import (
	"net/http"
)

// rotateAPIToken mints the caller a new API token (valid two years) and
// gives the previous one fourteen more days; inside that overlap it is 409.
func (s *server) rotateAPIToken(w http.ResponseWriter, r *http.Request, c *call) error {
	m, err := s.env.Svc.APITokens.Rotate(c.ctx)
	if err != nil {
		return err
	}
	out := apiToken{BearerToken: m.Plain}
	if m.Key.ExpiresAt != nil {
		out.ValidUntil = m.Key.ExpiresAt.UTC()
	}
	return write(w, http.StatusCreated, out)
}
