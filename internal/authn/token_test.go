package authn

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/wardenhq/warden/internal/iam"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

const tokenLife = 15 * time.Minute

func newTestKey(tb testing.TB, s *Sealer, created time.Time, signFor time.Duration) *iam.SigningKey {
	tb.Helper()
	k, err := NewSigningKey(created, signFor, tokenLife, rand.Reader, s)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// newTestKeyring returns a keyring loaded at t0 with one key that signs
// for 24 hours.
func newTestKeyring(tb testing.TB) (*Keyring, *Sealer, *iam.SigningKey) {
	tb.Helper()
	s := newTestSealer(tb)
	key := newTestKey(tb, s, t0, 24*time.Hour)
	kr := NewKeyring(s)
	if err := kr.Load([]*iam.SigningKey{key}, t0); err != nil {
		tb.Fatal(err)
	}
	return kr, s, key
}

func testClaims(tb testing.TB, issued time.Time) Claims {
	tb.Helper()
	ids := make([]iam.ID, 3)
	for i := range ids {
		id, err := iam.NewID(issued, rand.Reader)
		if err != nil {
			tb.Fatal(err)
		}
		ids[i] = id
	}
	return Claims{Subject: ids[0], Org: ids[1], Session: ids[2], Issuer: "https://warden.test",
		IssuedAt: issued, ExpiresAt: issued.Add(tokenLife)}
}

func sign(tb testing.TB, kr *Keyring, c Claims) string {
	tb.Helper()
	tok, err := kr.Sign(c)
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// segment decodes part i of a JWT as JSON.
func segment(tb testing.TB, token string, i int) map[string]any {
	tb.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[i])
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

func wantInvalidToken(tb testing.TB, err error, message string) {
	tb.Helper()
	e := wantError(tb, err, iam.Unauthenticated, "invalid_token")
	if message != "" && e.Message != message {
		tb.Fatalf("message = %q, want %q", e.Message, message)
	}
}

func TestNewSigningKey(t *testing.T) {
	s := newTestSealer(t)
	k := newTestKey(t, s, t0.Add(123456789*time.Nanosecond), time.Hour)
	if k.Algorithm != "EdDSA" || len(k.PublicKey) != ed25519.PublicKeySize || len(k.ID) != 22 {
		t.Fatalf("key = %s, %d-byte public key, kid %q", k.Algorithm, len(k.PublicKey), k.ID)
	}
	created := t0.Add(123456 * time.Microsecond)
	if !k.CreatedAt.Equal(created) || !k.RetireAt.Equal(created.Add(time.Hour)) ||
		!k.ExpiresAt.Equal(created.Add(time.Hour+tokenLife)) {
		t.Fatalf("created %v, retire %v, expires %v", k.CreatedAt, k.RetireAt, k.ExpiresAt)
	}
	seed, err := s.Open(k.SealedPrivate, []byte(k.ID))
	if err != nil {
		t.Fatalf("private key is not sealed under its kid: %v", err)
	}
	if pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey); !pub.Equal(ed25519.PublicKey(k.PublicKey)) {
		t.Fatal("sealed private key does not match the public key")
	}
	if other := newTestKey(t, s, t0, time.Hour); other.ID == k.ID {
		t.Fatal("two keys share a kid")
	}
	if _, err := NewSigningKey(t0, 0, tokenLife, rand.Reader, s); err == nil {
		t.Fatal("zero signing period accepted")
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	kr, _, key := newTestKeyring(t)
	c := testClaims(t, t0.Add(time.Minute))
	tok := sign(t, kr, c)

	got, err := kr.Verify(tok, t0.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got != c {
		t.Fatalf("Verify = %+v, want %+v", got, c)
	}
	header := segment(t, tok, 0)
	if header["alg"] != "EdDSA" || header["typ"] != "JWT" || header["kid"] != key.ID {
		t.Fatalf("header = %v", header)
	}
	payload := segment(t, tok, 1)
	want := map[string]any{"sub": c.Subject.String(), "org": c.Org.String(), "sid": c.Session.String(),
		"iss": c.Issuer, "iat": float64(c.IssuedAt.Unix()), "exp": float64(c.ExpiresAt.Unix())}
	for k, v := range want {
		if payload[k] != v {
			t.Errorf("payload[%q] = %v, want %v", k, payload[k], v)
		}
	}
}

func TestSignRejectsIncompleteClaims(t *testing.T) {
	kr, _, _ := newTestKeyring(t)
	for name, edit := range map[string]func(*Claims){
		"no subject":      func(c *Claims) { c.Subject = iam.NilID },
		"no org":          func(c *Claims) { c.Org = iam.NilID },
		"no session":      func(c *Claims) { c.Session = iam.NilID },
		"no issued time":  func(c *Claims) { c.IssuedAt = time.Time{} },
		"expires at once": func(c *Claims) { c.ExpiresAt = c.IssuedAt },
	} {
		c := testClaims(t, t0)
		edit(&c)
		if _, err := kr.Sign(c); err == nil {
			t.Errorf("%s: signed", name)
		}
	}
}

func TestVerifyExpiry(t *testing.T) {
	kr, _, _ := newTestKeyring(t)
	c := testClaims(t, t0)
	tok := sign(t, kr, c)

	if _, err := kr.Verify(tok, c.ExpiresAt.Add(-time.Second)); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	_, err := kr.Verify(tok, c.ExpiresAt)
	wantInvalidToken(t, err, "token expired")
	_, err = kr.Verify(tok, c.ExpiresAt.Add(time.Hour))
	wantInvalidToken(t, err, "token expired")
}

func TestVerifyIssuedInFuture(t *testing.T) {
	kr, _, _ := newTestKeyring(t)
	c := testClaims(t, t0.Add(time.Hour))
	tok := sign(t, kr, c)

	if _, err := kr.Verify(tok, c.IssuedAt.Add(-20*time.Second)); err != nil {
		t.Fatalf("clock skew within the leeway: %v", err)
	}
	_, err := kr.Verify(tok, c.IssuedAt.Add(-time.Minute))
	wantInvalidToken(t, err, "token issued in the future")
}

func TestKeyRotation(t *testing.T) {
	s := newTestSealer(t)
	k1 := newTestKey(t, s, t0, time.Hour) // signs until t0+1h, verifies until t0+1h15m
	kr := NewKeyring(s)
	if err := kr.Load([]*iam.SigningKey{k1}, t0); err != nil {
		t.Fatal(err)
	}
	// A token from near the end of k1's signing period, with a long life so
	// that only the key's own expiry can stop it.
	c1 := testClaims(t, t0.Add(50*time.Minute))
	c1.ExpiresAt = c1.IssuedAt.Add(3 * time.Hour)
	tok1 := sign(t, kr, c1)

	t.Run("no signer once the only key retires", func(t *testing.T) {
		_, err := kr.Sign(testClaims(t, k1.RetireAt))
		wantError(t, err, iam.Internal, "no_signing_key")
	})

	k2 := newTestKey(t, s, t0.Add(55*time.Minute), time.Hour)
	t.Run("the newest key signs even before the old one retires", func(t *testing.T) {
		if err := kr.Load([]*iam.SigningKey{k1, k2}, t0.Add(56*time.Minute)); err != nil {
			t.Fatal(err)
		}
		tok := sign(t, kr, testClaims(t, t0.Add(56*time.Minute)))
		if kid := segment(t, tok, 0)["kid"]; kid != k2.ID {
			t.Fatalf("signed by %v, want the new key %s", kid, k2.ID)
		}
	})
	if err := kr.Load([]*iam.SigningKey{k2, k1}, t0.Add(61*time.Minute)); err != nil {
		t.Fatal(err)
	}
	t.Run("the new key signs after the old one retires", func(t *testing.T) {
		tok := sign(t, kr, testClaims(t, t0.Add(61*time.Minute)))
		if kid := segment(t, tok, 0)["kid"]; kid != k2.ID {
			t.Fatalf("signed by %v, want the new key %s", kid, k2.ID)
		}
	})
	t.Run("a retired key still verifies", func(t *testing.T) {
		if _, err := kr.Verify(tok1, t0.Add(70*time.Minute)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("an expired key no longer verifies", func(t *testing.T) {
		_, err := kr.Verify(tok1, k1.ExpiresAt)
		wantInvalidToken(t, err, "signing key expired")
	})
	t.Run("a reload drops the expired key", func(t *testing.T) {
		if err := kr.Load([]*iam.SigningKey{k1, k2}, k1.ExpiresAt); err != nil {
			t.Fatal(err)
		}
		_, err := kr.Verify(tok1, k1.ExpiresAt)
		if !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("Verify = %v, want ErrUnknownKey", err)
		}
	})
}

func TestVerifyUnknownKey(t *testing.T) {
	kr, _, _ := newTestKeyring(t)
	other, _, _ := newTestKeyring(t)
	tok := sign(t, other, testClaims(t, t0))

	_, err := kr.Verify(tok, t0)
	if !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("Verify = %v, want ErrUnknownKey", err)
	}
	wantError(t, err, iam.Unauthenticated, "unknown_key")

	t.Run("empty keyring", func(t *testing.T) {
		_, err := NewKeyring(newTestSealer(t)).Verify(tok, t0)
		if !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("Verify = %v, want ErrUnknownKey", err)
		}
	})
}

// forge signs claims with method and key, with the given kid.
func forge(tb testing.TB, method jwt.SigningMethod, key any, kid string, claims jwt.Claims) string {
	tb.Helper()
	t := jwt.NewWithClaims(method, claims)
	t.Header["kid"] = kid
	s, err := t.SignedString(key)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestVerifyRejectsForgeries(t *testing.T) {
	kr, _, key := newTestKeyring(t)
	c := testClaims(t, t0)
	good := sign(t, kr, c)
	priv := kr.snap.Load().signers[0].priv
	wire := func(edit func(jwt.MapClaims)) jwt.MapClaims {
		m := jwt.MapClaims{"sub": c.Subject.String(), "org": c.Org.String(), "sid": c.Session.String(),
			"iat": t0.Unix(), "exp": c.ExpiresAt.Unix()}
		edit(m)
		return m
	}
	_, strangerKey, _ := ed25519.GenerateKey(rand.Reader)
	parts := strings.Split(good, ".")
	otherSub, _ := iam.NewID(t0, rand.Reader)
	payload := segment(t, good, 1)
	payload["sub"] = otherSub.String()
	modified, _ := json.Marshal(payload)

	for name, tok := range map[string]string{
		"alg none": forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, key.ID, wire(func(jwt.MapClaims) {})),
		"alg none, signature kept": strings.Join([]string{
			base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"` + key.ID + `"}`)), parts[1], parts[2]}, "."),
		"HS256 keyed with the public key": forge(t, jwt.SigningMethodHS256, key.PublicKey, key.ID, wire(func(jwt.MapClaims) {})),
		"signed by a stranger's key":      forge(t, jwt.SigningMethodEdDSA, strangerKey, key.ID, wire(func(jwt.MapClaims) {})),
		"modified payload":                parts[0] + "." + base64.RawURLEncoding.EncodeToString(modified) + "." + parts[2],
		"signature stripped":              parts[0] + "." + parts[1] + ".",
		"signature truncated":             good[:len(good)-4],
		"no exp":                          forge(t, jwt.SigningMethodEdDSA, priv, key.ID, wire(func(m jwt.MapClaims) { delete(m, "exp") })),
		"no iat":                          forge(t, jwt.SigningMethodEdDSA, priv, key.ID, wire(func(m jwt.MapClaims) { delete(m, "iat") })),
		"sub not an ID":                   forge(t, jwt.SigningMethodEdDSA, priv, key.ID, wire(func(m jwt.MapClaims) { m["sub"] = "alice" })),
		"org nil ID":                      forge(t, jwt.SigningMethodEdDSA, priv, key.ID, wire(func(m jwt.MapClaims) { m["org"] = iam.NilID.String() })),
		"sid missing":                     forge(t, jwt.SigningMethodEdDSA, priv, key.ID, wire(func(m jwt.MapClaims) { delete(m, "sid") })),
		"sub a number":                    forge(t, jwt.SigningMethodEdDSA, priv, key.ID, wire(func(m jwt.MapClaims) { m["sub"] = 7 })),
		"exp a string":                    forge(t, jwt.SigningMethodEdDSA, priv, key.ID, wire(func(m jwt.MapClaims) { m["exp"] = "tomorrow" })),
		"nbf in the future":               forge(t, jwt.SigningMethodEdDSA, priv, key.ID, wire(func(m jwt.MapClaims) { m["nbf"] = t0.Add(time.Hour).Unix() })),
		"empty":                           "",
		"dots":                            "..",
		"two segments":                    parts[0] + "." + parts[1],
		"four segments":                   good + ".x",
		"garbage":                         "not a token at all",
		"garbage segments":                "eyJ.eyJ.sig",
		"header not JSON":                 base64.RawURLEncoding.EncodeToString([]byte("{")) + "." + parts[1] + "." + parts[2],
		"header not an object":            base64.RawURLEncoding.EncodeToString([]byte("[]")) + "." + parts[1] + "." + parts[2],
		"padded base64":                   parts[0] + "=." + parts[1] + "." + parts[2],
		"huge":                            good + strings.Repeat("A", 5000),
	} {
		t.Run(name, func(t *testing.T) {
			claims, err := kr.Verify(tok, t0.Add(time.Minute))
			if err == nil {
				t.Fatalf("accepted: %+v", claims)
			}
			if k := iam.KindOf(err); k != iam.Unauthenticated {
				t.Fatalf("error %v is %s, want unauthenticated", err, k)
			}
			if claims != (Claims{}) {
				t.Fatalf("claims returned with an error: %+v", claims)
			}
		})
	}
}

func TestVerifyKidNotAString(t *testing.T) {
	kr, _, _ := newTestKeyring(t)
	priv := kr.snap.Load().signers[0].priv
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{"exp": t0.Add(time.Hour).Unix()})
	tok.Header["kid"] = 42
	s, err := tok.SignedString(priv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kr.Verify(s, t0); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("Verify = %v, want ErrUnknownKey", err)
	}
}

func TestJWKS(t *testing.T) {
	s := newTestSealer(t)
	retired := newTestKey(t, s, t0, time.Hour)
	current := newTestKey(t, s, t0.Add(50*time.Minute), time.Hour)
	expired := newTestKey(t, s, t0.Add(-2*time.Hour), time.Hour)
	kr := NewKeyring(s)

	var empty struct{ Keys []jwk }
	if err := json.Unmarshal(kr.JWKS(), &empty); err != nil || empty.Keys == nil || len(empty.Keys) != 0 {
		t.Fatalf("empty keyring JWKS = %s, %v", kr.JWKS(), err)
	}

	if err := kr.Load([]*iam.SigningKey{retired, expired, current}, t0.Add(65*time.Minute)); err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(kr.JWKS(), &set); err != nil {
		t.Fatalf("JWKS %s: %v", kr.JWKS(), err)
	}
	if len(set.Keys) != 2 {
		t.Fatalf("JWKS holds %d keys, want the 2 that verify: %s", len(set.Keys), kr.JWKS())
	}
	for i, want := range []*iam.SigningKey{current, retired} { // newest first
		got := set.Keys[i]
		x, err := base64.RawURLEncoding.DecodeString(got["x"])
		if err != nil || !ed25519.PublicKey(x).Equal(ed25519.PublicKey(want.PublicKey)) {
			t.Errorf("key %d: x = %q, want the public key of %s", i, got["x"], want.ID)
		}
		if got["kid"] != want.ID || got["kty"] != "OKP" || got["crv"] != "Ed25519" ||
			got["use"] != "sig" || got["alg"] != "EdDSA" || len(got) != 6 {
			t.Errorf("key %d = %v", i, got)
		}
	}
	jwks := kr.JWKS()
	jwks[0] = 'X'
	if kr.JWKS()[0] != '{' {
		t.Fatal("JWKS returns the keyring's own buffer")
	}
}

func TestNeedsRotation(t *testing.T) {
	s := newTestSealer(t)
	if !NewKeyring(s).NeedsRotation(t0, time.Hour) {
		t.Fatal("an empty keyring does not need a key")
	}
	kr, _, key := newTestKeyring(t) // retires at t0+24h
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{t0, false},
		{key.RetireAt.Add(-time.Hour - time.Second), false},
		{key.RetireAt.Add(-time.Hour), true},
		{key.RetireAt.Add(time.Hour), true},
	} {
		if got := kr.NeedsRotation(tt.now, time.Hour); got != tt.want {
			t.Errorf("NeedsRotation(retire%+v, 1h) = %v, want %v", tt.now.Sub(key.RetireAt), got, tt.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	kr, s, key := newTestKeyring(t)
	tok := sign(t, kr, testClaims(t, t0))
	other := newTestKey(t, s, t0, time.Hour)
	swapped := *other
	swapped.PublicKey = key.PublicKey
	foreign := *newTestKey(t, newTestSealer(t), t0, time.Hour)
	badAlg := *other
	badAlg.Algorithm = "RS256"

	for name, keys := range map[string][]*iam.SigningKey{
		"sealed under another key":  {&foreign},
		"private and public differ": {&swapped},
		"other algorithm":           {&badAlg},
		"duplicate kid":             {other, other},
	} {
		t.Run(name, func(t *testing.T) {
			if err := kr.Load(keys, t0); err == nil {
				t.Fatal("loaded")
			}
			if _, err := kr.Verify(tok, t0); err != nil {
				t.Fatalf("the previous keys were lost: %v", err)
			}
		})
	}
	t.Run("a retired key need not unseal", func(t *testing.T) {
		retired := foreign
		if err := kr.Load([]*iam.SigningKey{&retired}, retired.RetireAt); err != nil {
			t.Fatalf("Load = %v: only keys that sign need their private half", err)
		}
	})
}

func FuzzVerify(f *testing.F) {
	kr, _, _ := newTestKeyring(f)
	good := sign(f, kr, testClaims(f, t0))
	parts := strings.Split(good, ".")
	for _, s := range []string{good, "", ".", "..", "a.b.c", parts[0] + "." + parts[1] + ".", parts[0] + ".e30." + parts[2],
		"eyJhbGciOiJub25lIn0.e30.", good[:len(good)-1], strings.Repeat(".", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		c, err := kr.Verify(token, t0.Add(time.Minute))
		if err != nil {
			if k := iam.KindOf(err); k != iam.Unauthenticated {
				t.Fatalf("error %v is %s, want unauthenticated", err, k)
			}
			return
		}
		if c.Subject.IsZero() || c.Org.IsZero() || c.Session.IsZero() || !t0.Add(time.Minute).Before(c.ExpiresAt) {
			t.Fatalf("accepted incomplete claims %+v", c)
		}
	})
}

// grantClaims are the claims of an OAuth access token.
func grantClaims(tb testing.TB, issued time.Time) Claims {
	c := testClaims(tb, issued)
	c.Grant, c.Session = c.Session, iam.NilID
	c.Kind, c.Scope, c.TokenID = KindServiceAccount, "items.read users.*", "jti-1"
	return c
}

func TestGrantTokenRoundTrip(t *testing.T) {
	kr, _, _ := newTestKeyring(t)
	c := grantClaims(t, t0)
	tok := sign(t, kr, c)
	got, err := kr.Verify(tok, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got != c {
		t.Fatalf("Verify = %+v, want %+v", got, c)
	}
	payload := segment(t, tok, 1)
	if payload["gid"] != c.Grant.String() || payload["knd"] != "service_account" || payload["scope"] != c.Scope {
		t.Fatalf("payload = %v", payload)
	}
	if _, ok := payload["sid"]; ok {
		t.Fatalf("a grant token carries sid: %v", payload)
	}
	session := segment(t, sign(t, kr, testClaims(t, t0)), 1)
	for _, k := range []string{"gid", "knd", "scope"} {
		if _, ok := session[k]; ok {
			t.Fatalf("a session token carries %s: %v", k, session)
		}
	}
}

func TestSignRejectsAmbiguousClaims(t *testing.T) {
	kr, _, _ := newTestKeyring(t)
	for name, edit := range map[string]func(*Claims){
		"session and grant":         func(c *Claims) { c.Session = c.Grant },
		"grant without kind":        func(c *Claims) { c.Kind = "" },
		"grant of an unknown kind":  func(c *Claims) { c.Kind = "robot" },
		"session with a kind":       func(c *Claims) { c.Session, c.Grant = c.Grant, iam.NilID },
		"neither session nor grant": func(c *Claims) { c.Grant = iam.NilID },
	} {
		c := grantClaims(t, t0)
		edit(&c)
		if _, err := kr.Sign(c); err == nil {
			t.Errorf("%s: signed", name)
		}
	}
}

func TestVerifyRejectsForgedGrantTokens(t *testing.T) {
	kr, _, key := newTestKeyring(t)
	c := grantClaims(t, t0)
	priv := kr.snap.Load().signers[0].priv
	wire := func(edit func(jwt.MapClaims)) jwt.MapClaims {
		m := jwt.MapClaims{"sub": c.Subject.String(), "org": c.Org.String(), "gid": c.Grant.String(), "knd": c.Kind,
			"iat": t0.Unix(), "exp": c.ExpiresAt.Unix()}
		edit(m)
		return m
	}
	if _, err := kr.Verify(forge(t, jwt.SigningMethodEdDSA, priv, key.ID, wire(func(jwt.MapClaims) {})), t0.Add(time.Minute)); err != nil {
		t.Fatalf("the unforged token fails: %v", err)
	}
	for name, m := range map[string]jwt.MapClaims{
		"gid and sid":   wire(func(m jwt.MapClaims) { m["sid"] = c.Subject.String() }),
		"gid not an ID": wire(func(m jwt.MapClaims) { m["gid"] = "grant" }),
		"no kind":       wire(func(m jwt.MapClaims) { delete(m, "knd") }),
		"unknown kind":  wire(func(m jwt.MapClaims) { m["knd"] = "admin" }),
		"session with scope": wire(func(m jwt.MapClaims) {
			delete(m, "gid")
			delete(m, "knd")
			m["sid"] = c.Grant.String()
			m["scope"] = "*"
		}),
	} {
		t.Run(name, func(t *testing.T) {
			if got, err := kr.Verify(forge(t, jwt.SigningMethodEdDSA, priv, key.ID, m), t0.Add(time.Minute)); err == nil {
				t.Fatalf("accepted: %+v", got)
			}
		})
	}
}
