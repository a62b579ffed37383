package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wardenhq/warden/internal/authn"
)

// HashRate measures how many argon2id hashes per second this machine
// computes with params, on as many goroutines as CPUs (the server's hash
// pool size by default), for about d.
func HashRate(ctx context.Context, params authn.Argon2Params, d time.Duration) (float64, error) {
	workers := runtime.NumCPU()
	h := authn.NewHasher(params, workers, rand.Reader)
	var n atomic.Int64
	var firstErr atomic.Value
	// One untimed hash per worker first: the first ones pay for growing the
	// heap to workers × Memory.
	var warm sync.WaitGroup
	for range workers {
		warm.Go(func() { h.Hash(ctx, "warm up") })
	}
	warm.Wait()
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	return float64(n.Load()) / time.Since(start).Seconds(), nil
}

// ServerRSS reads process_resident_memory_bytes from the server's
// Prometheus /metrics.
func (t *Target) ServerRSS(ctx context.Context) (int64, error) {
	var buf bytes.Buffer
	if err := t.Call(ctx, "GET", "/metrics", "", nil, &buf); err != nil {
		return 0, err
	}
	return parseRSS(&buf)
}

func parseRSS(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "process_resident_memory_bytes "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0, fmt.Errorf("process_resident_memory_bytes %q: %w", v, err)
			}
			return int64(f), nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("/metrics has no process_resident_memory_bytes")
}
