package authn

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
)

// sealVersion prefixes every sealed value so the format can change later
// without guessing what old rows hold.
const sealVersion byte = 1

const secretKeyLen = 32 // AES-256

// Sealer encrypts secrets at rest (TOTP seeds, external tokens, signing
// keys) with AES-256-GCM. It is safe for concurrent use if its entropy
// source is.
type Sealer struct {
	aead cipher.AEAD
	rand io.Reader
}

// NewSealer returns a Sealer for a 32-byte key, drawing nonces from rand.
func NewSealer(key []byte, rand io.Reader) (*Sealer, error) {
	if len(key) != secretKeyLen {
		return nil, fmt.Errorf("authn: sealing key is %d bytes, want %d", len(key), secretKeyLen)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, rand: rand}, nil
}

// Seal encrypts plaintext bound to aad (typically the owning row's ID, so a
// sealed value cannot be moved to another row). The result is
// version ‖ nonce ‖ ciphertext.
func (s *Sealer) Seal(plaintext, aad []byte) ([]byte, error) {
	ns := s.aead.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plaintext)+s.aead.Overhead())
	out[0] = sealVersion
	if _, err := io.ReadFull(s.rand, out[1:]); err != nil {
		return nil, iam.Wrap(err, "cannot read entropy")
	}
	return s.aead.Seal(out, out[1:], plaintext, aad), nil
}

// Open decrypts what Seal produced with the same aad. Tampering, a wrong
// aad or a wrong key is an Internal error: the stored data or the
// configuration is broken, not the request.
func (s *Sealer) Open(sealed, aad []byte) ([]byte, error) {
	ns := s.aead.NonceSize()
	if len(sealed) < 1+ns+s.aead.Overhead() || sealed[0] != sealVersion {
		return nil, errCorruptSeal(nil)
	}
	plain, err := s.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], aad)
	if err != nil {
		return nil, errCorruptSeal(err)
	}
	return plain, nil
}

func errCorruptSeal(cause error) error {
	return &iam.Error{Kind: iam.Internal, Code: "internal",
		Message: "sealed secret is corrupt or was sealed under another key", Err: cause}
}

// ParseSecretKey decodes a 32-byte key from configuration, given as hex or
// as base64 (standard or URL alphabet, padded or not).
func ParseSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 2*secretKeyLen {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding,
		base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == secretKeyLen {
			return b, nil
		}
	}
	// Never echo the value: it is meant to be a secret.
	return nil, iam.Errorf(iam.Invalid, "invalid_secret_key",
		"the secret key must be %d bytes, written as base64 or hex", secretKeyLen)
}

// GenerateSecretKey returns a new random key in the base64 form that
// ParseSecretKey reads.
func GenerateSecretKey(rand io.Reader) (string, error) {
	b := make([]byte, secretKeyLen)
	if _, err := io.ReadFull(rand, b); err != nil {
		return "", fmt.Errorf("authn: reading entropy: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}
