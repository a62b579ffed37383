package iam

import (
	"context"
	"time"
)

// IdempotentRequest is a write a client sent with an Idempotency-Key: while
// it runs, a retry is told so; once done, a retry gets the same answer. The
// stored body is sealed (it may show a secret the client sees once).
type IdempotentRequest struct {
	OrgID       ID
	PrincipalID ID
	Key         string
	Fingerprint []byte // SHA-256 of the method, path, query and body
	Done        bool
	Status      int
	ContentType string
	Location    string
	Body        []byte // sealed
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// IdempotencyQueries keeps idempotent requests, keyed by (principal, key).
type IdempotencyQueries interface {
	// BeginIdempotent records r as running. If the principal's key is
	// taken by a live record it returns that record and Conflict; an
	// expired one is replaced.
	BeginIdempotent(ctx context.Context, r *IdempotentRequest) (*IdempotentRequest, error)
	// FinishIdempotent stores the answer of a running request.
	FinishIdempotent(ctx context.Context, r *IdempotentRequest) error
	// AbandonIdempotent forgets a request whose answer is not to be
	// replayed (it failed on the server's side), so that a retry runs.
	AbandonIdempotent(ctx context.Context, orgID, principalID ID, key string) error
	// SweepIdempotent deletes the records that expired before t.
	SweepIdempotent(ctx context.Context, t time.Time) error
}
