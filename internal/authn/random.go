// Package authn holds Warden's authentication primitives: password hashing
// and policy, sealing secrets at rest, session tokens and random tokens.
// Clocks and entropy are always passed in, so expiry and rotation are testable.
package authn

import (
	"encoding/base64"
	"fmt"
	"io"
)

// RandomToken returns nBytes of entropy from r, base64url-encoded without
// padding: the form of refresh tokens, API key secrets and key IDs.
func RandomToken(r io.Reader, nBytes int) (string, error) {
	if nBytes < 1 {
		return "", fmt.Errorf("authn: random token of %d bytes", nBytes)
	}
	b := make([]byte, nBytes)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("authn: reading entropy: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
