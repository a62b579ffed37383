// Package redisnotify carries a store's invalidations (iam.Invalidation)
// between the nodes of a deployment on a Redis channel, in place of the
// store's own (PostgreSQL's LISTEN/NOTIFY): for deployments that configure
// Redis anyway, and those whose PostgreSQL sits behind a pooler that cannot
// hold a LISTEN (PgBouncer in transaction mode).
package redisnotify

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/lograte"
	"github.com/wardenhq/warden/internal/reconnect"
)

// Timing of the subscriber. A subscription silent for pingEvery is pinged;
// one whose ping goes unanswered for another pingEvery is taken for dead
// (a peer gone without a word leaves the read waiting for ever) and opened
// again, after the pause of package reconnect.
var pingEvery = 30 * time.Second

// publishTimeout bounds the publishing of a committed transaction's
// invalidations: the request waits for it, and a Redis that does not
// answer must not hold it long.
const publishTimeout = 2 * time.Second

// Wrap returns st with Notify and Listen going through channel on client.
// Inside a transaction the invalidations wait for its commit, and are
// dropped if it rolls back. Publishing is best effort, as the interface
// allows: a failure is logged (once a minute), and the nodes' caches fall back on their
// short recheck. Every node of a deployment must use the same channel.
func Wrap(st iam.Store, client *redis.Client, channel string, log *slog.Logger) iam.Store {
	return &store{Store: st, client: client, channel: channel, log: log,
		failing: lograte.New(log, "cannot publish invalidations on Redis; other nodes will see the changes when their caches recheck")}
}

type store struct {
	iam.Store
	client  *redis.Client
	channel string
	log     *slog.Logger
	failing *lograte.Warner
}

// Notify, outside a transaction, publishes at once.
func (s *store) Notify(ctx context.Context, inv iam.Invalidation) error {
	s.publish(ctx, []iam.Invalidation{inv})
	return nil
}

func (s *store) Tx(ctx context.Context, fn func(iam.Queries) error) error {
	var pending []iam.Invalidation
	err := s.Store.Tx(ctx, func(q iam.Queries) error {
		pending = pending[:0] // a store may run fn again after a failed attempt
		return fn(txQueries{Queries: q, pending: &pending})
	})
	if err == nil && len(pending) > 0 {
		s.publish(ctx, pending)
	}
	return err
}

// txQueries holds back a transaction's invalidations until it commits.
type txQueries struct {
	iam.Queries
	pending *[]iam.Invalidation
}

func (q txQueries) Notify(_ context.Context, inv iam.Invalidation) error {
	*q.pending = append(*q.pending, inv)
	return nil
}

func (s *store) publish(ctx context.Context, invs []iam.Invalidation) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, inv := range invs {
			payload, err := json.Marshal(inv)
			if err != nil {
				return err
			}
			p.Publish(ctx, s.channel, payload)
		}
		return nil
	})
	if err != nil {
		s.failing.Warn(ctx, err, "count", len(invs))
	}
}

// Listen subscribes to the channel and calls fn with each invalidation
// until ctx ends, then returns nil. On each (re)subscription it first calls
// fn with iam.InvalidateAll: what was published meanwhile is lost.
// Malformed messages are logged and skipped.
func (s *store) Listen(ctx context.Context, fn func(iam.Invalidation)) error {
	reconnect.Loop(ctx, s.log, "invalidation subscriber lost its Redis connection; reconnecting",
		func(ctx context.Context) (bool, error) { return s.listenOnce(ctx, fn) })
	return nil
}

// listenOnce receives on one subscription until it fails or ctx ends; it
// reports whether it got as far as subscribing.
func (s *store) listenOnce(ctx context.Context, fn func(iam.Invalidation)) (subscribed bool, err error) {
	ps := s.client.Subscribe(ctx, s.channel)
	// A blocked read heeds no context: closing the subscription ends it.
	stop := context.AfterFunc(ctx, func() { ps.Close() })
	defer func() {
		if stop() {
			ps.Close()
		}
	}()
	pinged := false
	for {
		msg, err := ps.ReceiveTimeout(ctx, pingEvery)
		if ctx.Err() != nil {
			return subscribed, nil
		}
		var timeout net.Error
		switch {
		case errors.As(err, &timeout) && timeout.Timeout():
			if pinged {
				return subscribed, errors.New("no answer to a ping")
			}
			if err := ps.Ping(ctx); err != nil {
				return subscribed, err
			}
			pinged = true
			continue
		case err != nil:
			return subscribed, err
		}
		pinged = false
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				subscribed = true
				fn(iam.Invalidation{Kind: iam.InvalidateAll})
			}
		case *redis.Message:
			var inv iam.Invalidation
			if err := json.Unmarshal([]byte(m.Payload), &inv); err != nil || inv.Kind == "" {
				s.log.Warn("ignoring a malformed invalidation", "payload", m.Payload, "err", err)
				continue
			}
			fn(inv)
		}
	}
}
