// Package loadgen is the engine behind `warden bench`: a closed-loop load
// generator with a fixed number of connections, each issuing one request
// after another for a fixed duration or request count, recording every
// latency so that percentiles are exact.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Step makes one request and reads its whole answer. It returns an error
// for a transport failure or an unexpected status (see StatusError). Each
// connection has its own Step, called from one goroutine only, so a Step may
// keep state (a cursor, a random source) without locking.
type Step func(ctx context.Context) error

// Config is the shape of one run.
type Config struct {
	Connections int           // concurrent workers, each one request at a time
	Duration    time.Duration // run for this long (when Requests is 0)
	Requests    int64         // or: stop after this many requests in all
}

func (c Config) validate() error {
	if c.Connections < 1 {
		return errors.New("connections must be at least 1")
	}
	if c.Requests < 0 || (c.Requests == 0 && c.Duration <= 0) {
		return errors.New("a run needs a positive duration or request count")
	}
	return nil
}

// Stats is the outcome of a run. Latencies are those of the successful
// requests; failed ones are only counted, so that fast error answers (a
// 429, a refused connection) do not pass for throughput.
type Stats struct {
	Requests   int64         // requests completed, successful or not
	Errors     int64         // of which failed: transport errors and unexpected statuses
	FirstError string        // the first failure, for the report
	Elapsed    time.Duration // from the first request to the last answer
	latencies  []time.Duration
}

// OK is the number of successful requests.
func (s *Stats) OK() int64 { return s.Requests - s.Errors }

// RPS is successful requests per second.
func (s *Stats) RPS() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.OK()) / s.Elapsed.Seconds()
}

// Percentile is the exact p-th percentile (0 < p ≤ 100, nearest rank) of
// the successful requests' latencies, or 0 when there were none.
func (s *Stats) Percentile(p float64) time.Duration {
	n := len(s.latencies)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	rank = min(max(rank, 1), n)
	return s.latencies[rank-1]
}

// Max is the slowest successful request.
func (s *Stats) Max() time.Duration { return s.Percentile(100) }

// Mean is the average latency of the successful requests.
func (s *Stats) Mean() time.Duration {
	if len(s.latencies) == 0 {
		return 0
	}
	var sum time.Duration
	for _, l := range s.latencies {
		sum += l
	}
	return sum / time.Duration(len(s.latencies))
}

// worker's results, merged after the run.
type workerStats struct {
	latencies []time.Duration
	requests  int64
	errors    int64
	firstErr  error
	firstAt   time.Time
}

// Run drives newWorker(i)'s Step on cfg.Connections goroutines until the
// duration has passed or the request count is spent, or ctx ends. A request
// in flight at the deadline is let finish and counted; a Step that fails
// because ctx ended is not counted.
func Run(ctx context.Context, cfg Config, newWorker func(worker int) Step) (*Stats, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := runSteps(ctx, cfg, workers(cfg.Connections, newWorker))
	slices.Sort(s.latencies)
	return s, nil
}

// A Side is one of the two runs Interleave alternates: its connections,
// its workers' Steps, and what to do before each of its turns (nil: nothing).
type Side struct {
	Connections int
	NewWorker   func(worker int) Step
	BeforeTurn  func()
}

// Interleave runs a and b in turns of turn each, a first, until each has
// run for d, or ctx ends. On a shared machine the speed drifts by tens of
// per cent within a minute, so two runs one after the other compare two
// machines; in turns both meet the same one. Each connection's Step lives
// across the turns, keeping its state (a cursor, a random source) as in one
// run.
func Interleave(ctx context.Context, d, turn time.Duration, a, b Side) (sa, sb *Stats, err error) {
	if d <= 0 || turn <= 0 {
		return nil, nil, errors.New("runs in turns need a positive duration and turn length")
	}
	if a.Connections < 1 || b.Connections < 1 {
		return nil, nil, errors.New("connections must be at least 1")
	}
	sides := []struct {
		Side
		steps []Step
		stats *Stats
	}{{a, workers(a.Connections, a.NewWorker), new(Stats)}, {b, workers(b.Connections, b.NewWorker), new(Stats)}}
	for left := d; left > 0 && ctx.Err() == nil; left -= turn {
		for _, s := range sides {
			if s.BeforeTurn != nil {
				s.BeforeTurn()
			}
			s.stats.add(runSteps(ctx, Config{Duration: min(turn, left)}, s.steps))
		}
	}
	for _, s := range sides {
		slices.Sort(s.stats.latencies)
	}
	return sides[0].stats, sides[1].stats, nil
}

// add counts o's requests and time in s; the caller sorts the latencies
// once all are in.
func (s *Stats) add(o *Stats) {
	s.Requests += o.Requests
	s.Errors += o.Errors
	s.Elapsed += o.Elapsed
	s.latencies = append(s.latencies, o.latencies...)
	if s.FirstError == "" {
		s.FirstError = o.FirstError // turns run one after another: the earlier turn's is first
	}
}

func workers(n int, newWorker func(worker int) Step) []Step {
	steps := make([]Step, n)
	for i := range steps {
		steps[i] = newWorker(i)
	}
	return steps
}

// runSteps is one run of cfg over steps, one goroutine each; the latencies
// it returns are unsorted.
func runSteps(ctx context.Context, cfg Config, steps []Step) *Stats {
	var remaining atomic.Int64
	remaining.Store(cfg.Requests)
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	byWorker := make([]workerStats, len(steps))
	var wg sync.WaitGroup
	for i := range steps {
		wg.Add(1)
		go func(w *workerStats, step Step) {
			defer wg.Done()
			w.latencies = make([]time.Duration, 0, 1024)
			for ctx.Err() == nil {
				if cfg.Requests > 0 {
					if remaining.Add(-1) < 0 {
						return
					}
				} else if !time.Now().Before(deadline) {
					return
				}
				t0 := time.Now()
				err := step(ctx)
				d := time.Since(t0)
				if err != nil && ctx.Err() != nil {
					return
				}
				w.requests++
				if err != nil {
					w.errors++
					if w.firstErr == nil {
						w.firstErr, w.firstAt = err, t0
					}
					continue
				}
				w.latencies = append(w.latencies, d)
			}
		}(&byWorker[i], steps[i])
	}
	wg.Wait()
	s := &Stats{Elapsed: time.Since(start)}
	var first time.Time
	n := 0
	for i := range byWorker {
		n += len(byWorker[i].latencies)
	}
	s.latencies = make([]time.Duration, 0, n)
	for i := range byWorker {
		w := &byWorker[i]
		s.Requests += w.requests
		s.Errors += w.errors
		s.latencies = append(s.latencies, w.latencies...)
		if w.firstErr != nil && (first.IsZero() || w.firstAt.Before(first)) {
			first, s.FirstError = w.firstAt, w.firstErr.Error()
		}
	}
	return s
}

// StatusError is an answer with an unexpected HTTP status.
type StatusError struct {
	Method, Path string
	Status       int
	Body         string // the start of the answer's body
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.Status, e.Body)
}
