package authn

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/wardenhq/warden/internal/iam"
)

const algEdDSA = "EdDSA"

// NewSigningKey makes an Ed25519 key that signs tokens from now for
// signFor, then only verifies for verifyFor more. verifyFor is the token
// lifetime, so every token it signed stays verifiable until it expires.
// The private key is sealed by s, bound to the key ID.
func NewSigningKey(now time.Time, signFor, verifyFor time.Duration, rand io.Reader, s *Sealer) (*iam.SigningKey, error) {
	if signFor <= 0 || verifyFor <= 0 {
		return nil, fmt.Errorf("authn: signing key periods must be positive, got %v and %v", signFor, verifyFor)
	}
	kid, err := RandomToken(rand, 16)
	if err != nil {
		return nil, err
	}
	pub, priv, err := ed25519.GenerateKey(rand)
	if err != nil {
		return nil, fmt.Errorf("authn: generating signing key: %w", err)
	}
	sealed, err := s.Seal(priv.Seed(), []byte(kid))
	if err != nil {
		return nil, err
	}
	now = now.UTC().Truncate(time.Microsecond) // what storage keeps
	return &iam.SigningKey{
		ID:            kid,
		Algorithm:     algEdDSA,
		PublicKey:     pub,
		SealedPrivate: sealed,
		CreatedAt:     now,
		RetireAt:      now.Add(signFor),
		ExpiresAt:     now.Add(signFor + verifyFor),
	}, nil
}

// Keyring holds the current signing keys. Load swaps in an immutable
// snapshot atomically, so Sign and Verify, which run on every request,
// never take a lock. It is safe for concurrent use.
type Keyring struct {
	sealer *Sealer
	parser *jwt.Parser
	snap   atomic.Pointer[keySet]
}

// keySet is one immutable generation of keys.
type keySet struct {
	verifiers map[string]verifier
	signers   []signer // newest first; only keys that had not retired at load
	jwks      []byte
}

type verifier struct {
	pub       ed25519.PublicKey
	expiresAt time.Time
}

type signer struct {
	kid      string
	priv     ed25519.PrivateKey
	retireAt time.Time
}

// jwk is one key of the JWKS document (RFC 7517, RFC 8037 for OKP).
type jwk struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
}

// NewKeyring returns an empty keyring whose private keys are unsealed by s.
func NewKeyring(s *Sealer) *Keyring {
	k := &Keyring{
		sealer: s,
		// Claims are checked by Verify itself, against the caller's clock.
		parser: jwt.NewParser(jwt.WithValidMethods([]string{algEdDSA}), jwt.WithoutClaimsValidation()),
	}
	k.snap.Store(&keySet{jwks: []byte(`{"keys":[]}`)})
	return k
}

// Load replaces the key set with keys as of now: keys past ExpiresAt are
// dropped, and private keys are unsealed for those not yet retired. On
// error the previous set stays in place.
func (k *Keyring) Load(keys []*iam.SigningKey, now time.Time) error {
	keys = slices.Clone(keys)
	slices.SortFunc(keys, func(a, b *iam.SigningKey) int { return b.CreatedAt.Compare(a.CreatedAt) })
	set := &keySet{verifiers: make(map[string]verifier, len(keys))}
	jwks := struct {
		Keys []jwk `json:"keys"`
	}{Keys: []jwk{}}
	for _, key := range keys {
		if !now.Before(key.ExpiresAt) {
			continue
		}
		if key.Algorithm != algEdDSA || len(key.PublicKey) != ed25519.PublicKeySize || key.ID == "" {
			return iam.Wrap(fmt.Errorf("key %q: algorithm %q, %d-byte public key", key.ID, key.Algorithm, len(key.PublicKey)), "unusable signing key")
		}
		if _, dup := set.verifiers[key.ID]; dup {
			return iam.Wrap(fmt.Errorf("key %q appears twice", key.ID), "duplicate signing key")
		}
		pub := ed25519.PublicKey(bytes.Clone(key.PublicKey))
		set.verifiers[key.ID] = verifier{pub: pub, expiresAt: key.ExpiresAt}
		jwks.Keys = append(jwks.Keys, jwk{Kty: "OKP", Crv: "Ed25519", X: base64.RawURLEncoding.EncodeToString(pub),
			Kid: key.ID, Use: "sig", Alg: algEdDSA})
		if now.Before(key.RetireAt) {
			priv, err := k.unseal(key)
			if err != nil {
				return err
			}
			set.signers = append(set.signers, signer{kid: key.ID, priv: priv, retireAt: key.RetireAt})
		}
	}
	var err error
	if set.jwks, err = json.Marshal(jwks); err != nil {
		return iam.Wrap(err, "cannot encode JWKS")
	}
	k.snap.Store(set)
	return nil
}

func (k *Keyring) unseal(key *iam.SigningKey) (ed25519.PrivateKey, error) {
	seed, err := k.sealer.Open(key.SealedPrivate, []byte(key.ID))
	if err != nil {
		return nil, err
	}
	if len(seed) != ed25519.SeedSize {
		return nil, iam.Wrap(fmt.Errorf("key %q: %d-byte seed", key.ID, len(seed)), "unusable signing key")
	}
	priv := ed25519.NewKeyFromSeed(seed)
	if !bytes.Equal(priv.Public().(ed25519.PublicKey), key.PublicKey) {
		return nil, iam.Wrap(fmt.Errorf("key %q: private key does not match public key", key.ID), "unusable signing key")
	}
	return priv, nil
}

// NeedsRotation reports whether no key can sign beyond now+margin: time to
// create a new signing key and store it.
func (k *Keyring) NeedsRotation(now time.Time, margin time.Duration) bool {
	limit := now.Add(margin)
	for _, s := range k.snap.Load().signers {
		if s.retireAt.After(limit) {
			return false
		}
	}
	return true
}

// JWKS returns the JSON Web Key Set of every key that verifies, as of the
// last Load.
func (k *Keyring) JWKS() []byte {
	return bytes.Clone(k.snap.Load().jwks)
}
