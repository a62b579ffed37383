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

// ProcessStats is what a process has used so far: its resident memory and
// its CPU time (user and system).
type ProcessStats struct {
	RSS        int64
	CPUSeconds float64
}

// ServerStats reads process_resident_memory_bytes and
// process_cpu_seconds_total from the server's Prometheus /metrics.
func (t *Target) ServerStats(ctx context.Context) (ProcessStats, error) {
	var buf bytes.Buffer
	if err := t.Call(ctx, "GET", "/metrics", "", nil, &buf); err != nil {
		return ProcessStats{}, err
	}
	return parseStats(&buf)
}

func parseStats(r io.Reader) (ProcessStats, error) {
	var st ProcessStats
	found := 0
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() && found < 2 {
		name, v, ok := strings.Cut(sc.Text(), " ")
		if !ok || (name != "process_resident_memory_bytes" && name != "process_cpu_seconds_total") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return ProcessStats{}, fmt.Errorf("%s %q: %w", name, v, err)
		}
		if name == "process_resident_memory_bytes" {
			st.RSS = int64(f)
		} else {
			st.CPUSeconds = f
		}
		found++
	}
	if err := sc.Err(); err != nil {
		return ProcessStats{}, err
	}
	if st.RSS == 0 {
		return ProcessStats{}, fmt.Errorf("/metrics has no process_resident_memory_bytes")
	}
	return st, nil
}
