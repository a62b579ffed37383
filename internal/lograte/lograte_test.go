package lograte_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/wardenhq/warden/internal/lograte"
)

// TestWarnOncePerMinute: a hundred failures at once, from many goroutines,
// log one warning, with the error and the extra arguments.
func TestWarnOncePerMinute(t *testing.T) {
	var buf bytes.Buffer // the handler writes one record at a time
	log := slog.New(slog.NewTextHandler(&buf, nil))
	w := lograte.New(log, "Redis fails")
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() { w.Warn(context.Background(), errors.New("connection refused"), "count", 2) })
	}
	wg.Wait()
	out := buf.String()
	if n := strings.Count(out, "Redis fails"); n != 1 {
		t.Fatalf("%d warnings, want 1:\n%s", n, out)
	}
	if !strings.Contains(out, `err="connection refused" count=2`) {
		t.Fatalf("the warning lacks its error or arguments: %s", out)
	}
}
