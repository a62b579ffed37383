package authn

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/wardenhq/warden/internal/iam"
)

// Claims are what a token says: who (Subject) in which organization,
// under which server-side record: a login session (Session) or an OAuth
// grant (Grant). Exactly one of the two is set.
type Claims struct {
	Subject iam.ID
	Org     iam.ID
	Session iam.ID
	// Grant is the OAuth grant an access token was issued under; Kind is
	// then what Subject is ("user" or "service_account"), and Scope, when
	// not empty, the space-separated permission patterns the token is
	// narrowed to.
	Grant iam.ID
	Kind  string
	Scope string
	// TokenID (jti) tells apart tokens otherwise alike, such as two
	// issued under one grant within a second.
	TokenID   string
	Issuer    string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Token kinds of grant-bound tokens.
const (
	KindUser           = "user"
	KindServiceAccount = "service_account"
)

// wireClaims is the JWT payload: sub, org, and sid or gid as dashed UUIDs;
// knd and scope for grant tokens; iss; iat and exp as NumericDate (whole
// seconds).
type wireClaims struct {
	jwt.RegisteredClaims
	Org     string `json:"org"`
	Session string `json:"sid,omitempty"`
	Grant   string `json:"gid,omitempty"`
	Kind    string `json:"knd,omitempty"`
	Scope   string `json:"scope,omitempty"`
}

const (
	// iatLeeway absorbs clock skew between nodes: a token may look issued
	// slightly in the future. Expiry gets none: being strict there is safe.
	iatLeeway = 30 * time.Second
	// maxTokenLen bounds the work an attacker can make Verify do; real
	// tokens are under 400 bytes.
	maxTokenLen = 4096
)

// ErrUnknownKey is returned by Verify for a token signed by a key this
// keyring does not hold. Another node may have rotated: reload the keys
// from the store once and retry.
var ErrUnknownKey = &iam.Error{Kind: iam.Unauthenticated, Code: "unknown_key", Message: "unknown signing key"}

var errKeyExpired = errors.New("signing key expired")

// Sign returns c as a JWT signed by the newest key not retired at
// c.IssuedAt.
func (k *Keyring) Sign(c Claims) (string, error) {
	if c.Subject.IsZero() || c.Org.IsZero() || c.IssuedAt.IsZero() || !c.ExpiresAt.After(c.IssuedAt) || !c.bound() {
		return "", iam.E(iam.Internal, "internal", "incomplete token claims")
	}
	var s *signer
	set := k.snap.Load()
	for i := range set.signers {
		if c.IssuedAt.Before(set.signers[i].retireAt) {
			s = &set.signers[i]
			break
		}
	}
	if s == nil {
		return "", iam.E(iam.Internal, "no_signing_key", "no current signing key; keys need rotating")
	}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, &wireClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    c.Issuer,
			Subject:   c.Subject.String(),
			IssuedAt:  jwt.NewNumericDate(c.IssuedAt),
			ExpiresAt: jwt.NewNumericDate(c.ExpiresAt),
			ID:        c.TokenID,
		},
		Org:   c.Org.String(),
		Kind:  c.Kind,
		Scope: c.Scope,
	})
	wc := t.Claims.(*wireClaims)
	if c.Grant.IsZero() {
		wc.Session = c.Session.String()
	} else {
		wc.Grant = c.Grant.String()
	}
	t.Header["kid"] = s.kid
	signed, err := t.SignedString(s.priv)
	if err != nil {
		return "", iam.Wrap(err, "cannot sign token")
	}
	return signed, nil
}

// Verify checks token's signature and claims at time now and returns its
// claims. Every failure is Unauthenticated: ErrUnknownKey for a key ID
// this keyring lacks, code invalid_token otherwise.
func (k *Keyring) Verify(token string, now time.Time) (Claims, error) {
	if len(token) > maxTokenLen {
		return Claims{}, invalidToken("malformed token", nil)
	}
	set := k.snap.Load()
	var wc wireClaims
	_, err := k.parser.ParseWithClaims(token, &wc, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		v, ok := set.verifiers[kid]
		switch {
		case !ok:
			return nil, ErrUnknownKey
		case !now.Before(v.expiresAt):
			return nil, errKeyExpired
		}
		return v.pub, nil
	})
	switch {
	case err == nil:
	case errors.Is(err, ErrUnknownKey):
		return Claims{}, ErrUnknownKey
	case errors.Is(err, errKeyExpired):
		return Claims{}, invalidToken("signing key expired", err)
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return Claims{}, invalidToken("invalid signature", err)
	default:
		return Claims{}, invalidToken("malformed token", err)
	}
	return wc.claims(now)
}

// claims checks the payload of a token whose signature is good.
func (wc *wireClaims) claims(now time.Time) (Claims, error) {
	switch {
	case wc.ExpiresAt == nil || wc.IssuedAt == nil:
		return Claims{}, invalidToken("malformed token", nil)
	case !now.Before(wc.ExpiresAt.Time):
		return Claims{}, invalidToken("token expired", nil)
	case wc.IssuedAt.After(now.Add(iatLeeway)):
		return Claims{}, invalidToken("token issued in the future", nil)
	case wc.NotBefore != nil && wc.NotBefore.After(now.Add(iatLeeway)):
		return Claims{}, invalidToken("token not yet valid", nil)
	}
	sub, err1 := iam.ParseID(wc.Subject)
	org, err2 := iam.ParseID(wc.Org)
	var sid, gid iam.ID
	var err3 error
	switch {
	case wc.Grant == "":
		sid, err3 = iam.ParseID(wc.Session)
	case wc.Session == "":
		gid, err3 = iam.ParseID(wc.Grant)
	default:
		return Claims{}, invalidToken("malformed token", nil)
	}
	if err := errors.Join(err1, err2, err3); err != nil || sub.IsZero() || org.IsZero() {
		return Claims{}, invalidToken("malformed token", err)
	}
	c := Claims{
		Subject:   sub,
		Org:       org,
		Session:   sid,
		Grant:     gid,
		Kind:      wc.Kind,
		Scope:     wc.Scope,
		TokenID:   wc.ID,
		Issuer:    wc.Issuer,
		IssuedAt:  wc.IssuedAt.UTC(),
		ExpiresAt: wc.ExpiresAt.UTC(),
	}
	if !c.bound() {
		return Claims{}, invalidToken("malformed token", nil)
	}
	return c, nil
}

// bound reports whether c names exactly one server-side record: a session
// (then no kind or scope) or a grant (then the kind of its subject).
func (c Claims) bound() bool {
	if c.Grant.IsZero() {
		return !c.Session.IsZero() && c.Kind == "" && c.Scope == ""
	}
	return c.Session.IsZero() && (c.Kind == KindUser || c.Kind == KindServiceAccount)
}

func invalidToken(message string, cause error) error {
	return &iam.Error{Kind: iam.Unauthenticated, Code: "invalid_token", Message: message, Err: cause}
}
