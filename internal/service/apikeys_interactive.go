package service

import (
	"context"

	"github.com/wardenhq/warden/internal/iam"
)

var errKeyCannotManageKeys = iam.E(iam.PermissionDenied, "apikey_cannot_manage_keys",
	"a request authenticated by an API key cannot manage API keys; use a login session")

// RequireInteractive refuses a caller authenticated by an API key. Surfaces
// whose clients expect API keys to be managed only from a login session (as
// Argus: managing keys needs a higher security level than a key gives) call
// it before listing, creating, renewing or revoking keys. (Create and Renew
// refuse key-authenticated callers on their own.)
func (s *APIKeys) RequireInteractive(ctx context.Context) error {
	p := iam.PrincipalFrom(ctx)
	if p == nil {
		return errUnauthenticated
	}
	if p.Credential == "api_key" {
		return errKeyCannotManageKeys
	}
	return nil
}
