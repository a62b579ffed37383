package authn

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"testing"

	"github.com/wardenhq/warden/internal/iam"
)

func newTestSealer(tb testing.TB) *Sealer {
	tb.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		tb.Fatal(err)
	}
	s, err := NewSealer(key, rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestSealer(t *testing.T) {
	s := newTestSealer(t)
	plain, aad := []byte("JBSWY3DPEHPK3PXP"), []byte("credential 42")
	sealed, err := s.Seal(plain, aad)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("round trip", func(t *testing.T) {
		got, err := s.Open(sealed, aad)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("Open = %q, %v; want %q", got, err, plain)
		}
		if len(sealed) != 1+12+len(plain)+16 || sealed[0] != 1 {
			t.Fatalf("sealed is %d bytes, version %d; want %d bytes, version 1", len(sealed), sealed[0], 1+12+len(plain)+16)
		}
		if bytes.Contains(sealed, plain) {
			t.Fatal("sealed contains the plaintext")
		}
	})
	t.Run("fresh nonce each time", func(t *testing.T) {
		again, _ := s.Seal(plain, aad)
		if bytes.Equal(again[:13], sealed[:13]) {
			t.Fatal("two seals share a nonce")
		}
	})
	t.Run("tampering any byte fails", func(t *testing.T) {
		for i := range sealed {
			bad := bytes.Clone(sealed)
			bad[i] ^= 0x01
			if _, err := s.Open(bad, aad); err == nil {
				t.Fatalf("flipping byte %d went unnoticed", i)
			}
		}
	})
	t.Run("truncation fails", func(t *testing.T) {
		for _, n := range []int{0, 1, 13, 28, len(sealed) - 1} {
			if _, err := s.Open(sealed[:n], aad); err == nil {
				t.Fatalf("truncated to %d bytes: no error", n)
			}
		}
	})
	t.Run("wrong aad fails", func(t *testing.T) {
		_, err := s.Open(sealed, []byte("credential 43"))
		wantError(t, err, iam.Internal, "internal")
	})
	t.Run("wrong key fails", func(t *testing.T) {
		_, err := newTestSealer(t).Open(sealed, aad)
		wantError(t, err, iam.Internal, "internal")
	})
	t.Run("key must be 32 bytes", func(t *testing.T) {
		for _, n := range []int{0, 16, 31, 33} {
			if _, err := NewSealer(make([]byte, n), rand.Reader); err == nil {
				t.Fatalf("%d-byte key accepted", n)
			}
		}
	})
	t.Run("failing entropy is an error", func(t *testing.T) {
		broken, _ := NewSealer(make([]byte, 32), failingReader{})
		if _, err := broken.Seal(plain, aad); err == nil {
			t.Fatal("no error")
		}
	})
}

func TestParseSecretKey(t *testing.T) {
	// Bytes chosen so the base64 forms use + / (std) and - _ (url).
	key := bytes.Repeat([]byte{0xfb, 0xff, 0xbf, 0x00}, 8)
	for name, enc := range map[string]string{
		"hex":           hex.EncodeToString(key),
		"HEX":           hex.EncodeToString(key),
		"std padded":    base64.StdEncoding.EncodeToString(key),
		"std raw":       base64.RawStdEncoding.EncodeToString(key),
		"url padded":    base64.URLEncoding.EncodeToString(key),
		"url raw":       base64.RawURLEncoding.EncodeToString(key),
		"surrounded ws": "  " + base64.StdEncoding.EncodeToString(key) + "\n",
	} {
		t.Run("accepts "+name, func(t *testing.T) {
			got, err := ParseSecretKey(enc)
			if err != nil || !bytes.Equal(got, key) {
				t.Fatalf("ParseSecretKey(%q) = %x, %v", enc, got, err)
			}
		})
	}
	for _, n := range []int{16, 31, 33, 64} {
		b := bytes.Repeat([]byte{0xab}, n)
		for name, enc := range map[string]string{
			"hex": hex.EncodeToString(b), "std": base64.StdEncoding.EncodeToString(b),
			"url raw": base64.RawURLEncoding.EncodeToString(b),
		} {
			if _, err := ParseSecretKey(enc); err == nil {
				t.Errorf("%d bytes as %s accepted", n, name)
			}
		}
	}
	t.Run("rejects garbage without echoing it", func(t *testing.T) {
		const secret = "not-a-key-but-secret!"
		_, err := ParseSecretKey(secret)
		e := wantError(t, err, iam.Invalid, "invalid_secret_key")
		if bytes.Contains([]byte(e.Error()), []byte(secret)) {
			t.Fatal("error echoes the input")
		}
	})
}

func TestGenerateSecretKey(t *testing.T) {
	s, err := GenerateSecretKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ParseSecretKey(s)
	if err != nil || len(key) != 32 {
		t.Fatalf("ParseSecretKey(GenerateSecretKey()) = %d bytes, %v", len(key), err)
	}
	if _, err := NewSealer(key, rand.Reader); err != nil {
		t.Fatal(err)
	}
	if _, err := GenerateSecretKey(failingReader{}); err == nil {
		t.Fatal("failing reader: no error")
	}
}
