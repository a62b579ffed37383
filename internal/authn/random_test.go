package authn

import (
	"crypto/rand"
	"encoding/base64"
	"testing"
)

func TestRandomToken(t *testing.T) {
	t.Run("encodes the bytes as unpadded base64url", func(t *testing.T) {
		tok, err := RandomToken(rand.Reader, 32)
		if err != nil {
			t.Fatal(err)
		}
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(b) != 32 {
			t.Fatalf("RandomToken = %q: decodes to %d bytes, %v", tok, len(b), err)
		}
		other, _ := RandomToken(rand.Reader, 32)
		if other == tok {
			t.Fatal("two tokens are equal")
		}
	})
	t.Run("rejects a non-positive size", func(t *testing.T) {
		if _, err := RandomToken(rand.Reader, 0); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("reports a failing reader", func(t *testing.T) {
		if _, err := RandomToken(failingReader{}, 16); err == nil {
			t.Fatal("no error")
		}
	})
}
