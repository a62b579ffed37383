package authn

import (
	"errors"
	"testing"

	"github.com/wardenhq/warden/internal/iam"
)

// wantError fails unless err is an *iam.Error of the given kind and code.
func wantError(tb testing.TB, err error, kind iam.Kind, code string) *iam.Error {
	tb.Helper()
	var e *iam.Error
	if !errors.As(err, &e) {
		tb.Fatalf("error = %v (%T), want *iam.Error %s/%s", err, err, kind, code)
	}
	if e.Kind != kind || e.Code != code {
		tb.Fatalf("error = %v (kind %s), want kind %s, code %s", err, e.Kind, kind, code)
	}
	return e
}

// failingReader is an entropy source that has run dry.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("no entropy") }
