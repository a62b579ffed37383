package httpapi

import (
	"net/http"
	"testing"
	"time"
)

// TestDateHeader: the shared Date value is that of the second asked for,
// in net/http's format.
func TestDateHeader(t *testing.T) {
	at := time.Date(2026, 11, 24, 15, 4, 5, 0, time.FixedZone("CET", 3600))
	for _, now := range []time.Time{at, at.Add(999 * time.Millisecond), at.Add(time.Second)} {
		got := dateHeader(now)
		if want := now.UTC().Format(http.TimeFormat); len(got) != 1 || got[0] != want {
			t.Errorf("dateHeader(%v) = %q, want %q", now, got, want)
		}
	}
}
