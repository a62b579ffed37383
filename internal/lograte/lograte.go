// Package lograte logs a failure that repeats with every request (a shared
// Redis that is down) at most once a minute, so that an outage does not
// flood the log.
package lograte

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
)

// Every is the least time between two warnings of one Warner.
const Every = time.Minute

// Warner logs msg as a warning at most once per Every.
type Warner struct {
	log  *slog.Logger
	msg  string
	last atomic.Int64 // when the last warning was logged, Unix nanoseconds
}

// New returns a Warner of msg on log.
func New(log *slog.Logger, msg string) *Warner { return &Warner{log: log, msg: msg} }

// Warn logs the warning with err and args, unless one was logged less than
// Every ago.
func (w *Warner) Warn(ctx context.Context, err error, args ...any) {
	now := time.Now().UnixNano()
	last := w.last.Load()
	if (last != 0 && now-last < int64(Every)) || !w.last.CompareAndSwap(last, now) {
		return
	}
	w.log.WarnContext(ctx, w.msg, append([]any{"err", err}, args...)...)
}
