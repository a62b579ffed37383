// Package reconnect keeps a long-lived subscription going (PostgreSQL's
// LISTEN, a Redis SUBSCRIBE): it runs one connection's session until that
// fails, then opens another after a pause.
package reconnect

import (
	"context"
	"log/slog"
	"time"
)

// The pause between sessions doubles from Min to Max, and starts again at
// Min after a session that got going: a server that is down is not
// hammered, one that blinked is back at once.
const (
	Min = 100 * time.Millisecond
	Max = 30 * time.Second
)

// Loop runs session until ctx ends. session reports whether it got going
// (connected and subscribed) and why it ended; each end is logged as msg,
// with the error and the pause before the next.
func Loop(ctx context.Context, log *slog.Logger, msg string, session func(context.Context) (bool, error)) {
	pause := Min
	for {
		started, err := session(ctx)
		if ctx.Err() != nil {
			return
		}
		if started {
			pause = Min
		}
		log.Warn(msg, "err", err, "in", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, Max)
	}
}
