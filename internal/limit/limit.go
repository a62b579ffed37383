// Package limit is the API's rate limit: a budget of requests per key (a
// principal, or a client address), kept in this node's memory (Memory) or,
// with Redis configured, in Redis, where every node sharing it spends from
// one budget (Redis).
package limit

import (
	"context"
	"math"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// Quota is the state of a key's budget after a request.
type Quota struct {
	OK         bool
	Limit      int           // the burst: requests a full budget allows at once
	Remaining  int           // requests allowed now
	Reset      time.Duration // until the budget is full again
	RetryAfter time.Duration // until the next request may pass, when !OK
}

// Limiter charges one request to key's budget.
type Limiter interface {
	Take(ctx context.Context, key string) Quota
}

// Key is the budget a request of ctx spends from: its principal's, or its
// client address's when it is anonymous. The native API and the compatible
// surfaces charge the same keys, so a principal has one budget across them.
func Key(ctx context.Context, p *iam.Principal) string {
	if p != nil {
		return "principal:" + p.ID.String()
	}
	return "ip:" + iam.RequestFrom(ctx).IP
}

// burstOf is the burst a limit of perSecond takes when none is given: one
// second's worth, at least one request.
func burstOf(perSecond float64, burst int) int {
	if burst >= 1 {
		return burst
	}
	return max(1, int(math.Ceil(perSecond)))
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
