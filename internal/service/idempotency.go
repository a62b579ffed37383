package service

import (
	"bytes"
	"context"
	"sync/atomic"
	"time"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/iam"
)

// idempotencyTTL is how long an answer is kept for retries (the IETF
// Idempotency-Key draft leaves it to the server; Stripe keeps 24 hours).
const idempotencyTTL = 24 * time.Hour

// Idempotency lets a client retry a write safely: the first request with
// an Idempotency-Key runs, its answer is kept, and a retry with the same key
// and the same request gets that answer again instead of a second write.
type Idempotency struct {
	env       *Env
	sealer    *authn.Sealer
	lastSweep atomic.Int64 // unix seconds of the last sweep of expired records
}

// Replay is a kept answer.
type Replay struct {
	Status      int
	ContentType string
	Location    string
	Body        []byte
}

// Begin starts the caller's request under key, whose content is summed up
// by fingerprint. It returns the kept answer of an earlier identical
// request (replay it); nothing, if this request is to run (then call Finish
// or Abandon); or an error: 409 idempotency_key_in_use while the first one
// runs, 422 idempotency_key_reused for a different request under the key.
func (s *Idempotency) Begin(ctx context.Context, key string, fingerprint []byte) (*Replay, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if !validIdempotencyKey(key) {
		return nil, iam.InvalidFields(iam.FieldError{Field: "Idempotency-Key", Message: "must be 1 to 255 visible ASCII characters"})
	}
	now := s.env.now()
	s.sweep(ctx, now)
	old, err := s.env.Store.BeginIdempotent(ctx, &iam.IdempotentRequest{OrgID: p.OrgID, PrincipalID: p.ID, Key: key,
		Fingerprint: fingerprint, CreatedAt: now, ExpiresAt: now.Add(idempotencyTTL)})
	if !iam.IsKind(err, iam.Conflict) || old == nil {
		return nil, err
	}
	switch {
	case !bytes.Equal(old.Fingerprint, fingerprint):
		return nil, iam.E(iam.Unprocessable, "idempotency_key_reused", "this Idempotency-Key was used for a different request")
	case !old.Done:
		return nil, iam.E(iam.Conflict, "idempotency_key_in_use", "a request with this Idempotency-Key is still running; retry later")
	}
	body, err := s.sealer.Open(old.Body, idempotencyAAD(p, key))
	if err != nil {
		return nil, iam.Wrap(err, "cannot open a kept answer")
	}
	return &Replay{Status: old.Status, ContentType: old.ContentType, Location: old.Location, Body: body}, nil
}

// Finish keeps the answer of a request Begin let run.
func (s *Idempotency) Finish(ctx context.Context, key string, r Replay) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	sealed, err := s.sealer.Seal(r.Body, idempotencyAAD(p, key))
	if err != nil {
		return iam.Wrap(err, "cannot seal an answer")
	}
	return s.env.Store.FinishIdempotent(ctx, &iam.IdempotentRequest{OrgID: p.OrgID, PrincipalID: p.ID, Key: key,
		Status: r.Status, ContentType: r.ContentType, Location: r.Location, Body: sealed})
}

// Abandon forgets a request Begin let run whose answer is not to be kept
// (a server-side failure), so that a retry runs it again.
func (s *Idempotency) Abandon(ctx context.Context, key string) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.env.Store.AbandonIdempotent(ctx, p.OrgID, p.ID, key)
}

// sweep deletes expired records, at most once a minute per node.
func (s *Idempotency) sweep(ctx context.Context, now time.Time) {
	last := s.lastSweep.Load()
	if now.Unix()-last < 60 || !s.lastSweep.CompareAndSwap(last, now.Unix()) {
		return
	}
	if err := s.env.Store.SweepIdempotent(ctx, now); err != nil {
		s.env.Log.Warn("cannot sweep expired idempotency records", "err", err)
	}
}

func idempotencyAAD(p *iam.Principal, key string) []byte {
	return []byte("idempotency|" + p.OrgID.String() + "|" + p.ID.String() + "|" + key)
}

func validIdempotencyKey(k string) bool {
	if len(k) == 0 || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}
