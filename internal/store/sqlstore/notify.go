package sqlstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/reconnect"
)

// notifyChannel is the PostgreSQL channel invalidations travel on. Channels
// are per database, not per schema: instances on other schemas of the same
// database hear each other, which costs nothing but a cache miss (IDs are
// random, so another instance's never match).
const notifyChannel = "warden_invalidate"

// Notify sends inv on PostgreSQL with pg_notify, which a transaction
// delivers only when it commits (outside one, at once). SQLite serves one
// node per file, so there it does nothing.
func (q *queries) Notify(ctx context.Context, inv iam.Invalidation) error {
	if q.s.dialect != "postgres" {
		return nil
	}
	payload, err := json.Marshal(inv)
	if err != nil {
		return iam.Wrap(err, "cannot encode an invalidation")
	}
	if _, err := q.w.ExecContext(ctx, "SELECT pg_notify('"+notifyChannel+"', $1)", string(payload)); err != nil {
		return translate(err, "invalidation")
	}
	return nil
}

// Listen, on PostgreSQL, holds a connection of its own (outside the pool)
// that LISTENs on the invalidation channel, and calls fn with each message
// until ctx ends. Each time it starts or resumes listening it first calls fn
// with an invalidation of kind iam.InvalidateAll, since messages sent while
// it was not listening are lost. A lost connection is logged and reopened
// with exponential back-off (100 ms to 30 s). Malformed messages are logged
// and skipped. On SQLite it blocks until ctx ends and never calls fn.
// Either way it returns nil once ctx ends.
func (s *Store) Listen(ctx context.Context, fn func(iam.Invalidation)) error {
	if s.dialect != "postgres" {
		<-ctx.Done()
		return nil
	}
	reconnect.Loop(ctx, s.log, "invalidation listener lost its connection; reconnecting",
		func(ctx context.Context) (bool, error) { return s.listenOnce(ctx, fn) })
	return nil
}

// listenOnce listens on one connection until it fails or ctx ends; it
// reports whether it got as far as listening.
func (s *Store) listenOnce(ctx context.Context, fn func(iam.Invalidation)) (bool, error) {
	conn, err := pgx.Connect(ctx, s.dsn)
	if err != nil {
		return false, err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return false, err
	}
	fn(iam.Invalidation{Kind: iam.InvalidateAll})
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		var inv iam.Invalidation
		if err := json.Unmarshal([]byte(n.Payload), &inv); err != nil || inv.Kind == "" {
			s.log.Warn("ignoring a malformed invalidation", "payload", n.Payload, "err", err)
			continue
		}
		fn(inv)
	}
}
