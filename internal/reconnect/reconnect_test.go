package reconnect

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"
)

// TestLoopBacksOff: failed sessions are retried after pauses that double
// up to Max; one that got going resets the pause; the end of ctx ends the
// loop, waiting or not.
func TestLoopBacksOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		var starts []time.Time
		outcomes := []bool{false, false, false, true, false}
		done := make(chan struct{})
		go func() {
			Loop(ctx, log, "lost", func(context.Context) (bool, error) {
				starts = append(starts, time.Now())
				if len(starts) > len(outcomes) {
					cancel()
					return false, ctx.Err()
				}
				return outcomes[len(starts)-1], errors.New("connection lost")
			})
			close(done)
		}()
		<-done
		var gaps []time.Duration
		for i := 1; i < len(starts); i++ {
			gaps = append(gaps, starts[i].Sub(starts[i-1]))
		}
		want := []time.Duration{Min, 2 * Min, 4 * Min, Min, 2 * Min}
		if len(gaps) != len(want) {
			t.Fatalf("gaps %v, want %v", gaps, want)
		}
		for i := range want {
			if gaps[i] != want[i] {
				t.Errorf("gaps %v, want %v", gaps, want)
				break
			}
		}
	})
}

// TestLoopCapsAtMax: the pause never grows past Max.
func TestLoopCapsAtMax(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		var last time.Time
		var longest time.Duration
		n := 0
		Loop(ctx, log, "lost", func(context.Context) (bool, error) {
			if n++; n > 1 {
				longest = max(longest, time.Since(last))
			}
			last = time.Now()
			if n == 20 {
				cancel()
			}
			return false, errors.New("refused")
		})
		if longest != Max {
			t.Errorf("longest pause %v, want %v", longest, Max)
		}
	})
}
