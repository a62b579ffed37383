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
	"time"

	"github.com/wardenhq/warden/internal/authn"
	"golang.org/x/crypto/argon2"
)

// HashRate measures how many argon2id hashes per second this machine
// computes with params, on as many goroutines as CPUs (the server's hash
// pool size by default), for about d. It calls argon2 itself, not through
// the server's Hasher, so that it measures the machine and not Warden's
// way of scheduling hashes: a login rate read against it shows what that
// way costs.
func HashRate(ctx context.Context, params authn.Argon2Params, d time.Duration) (float64, error) {
	steps, err := HashSteps(params)
	if err != nil {
		return 0, err
	}
	if err := WarmHashes(ctx, steps); err != nil {
		return 0, err
	}
	s, err := Run(ctx, Config{Connections: runtime.NumCPU(), Duration: d}, steps)
	if err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return s.RPS(), nil
}

// HashSteps is the argon2id probe as workers, each Step one hash with
// params, to run on as many workers as CPUs: alone (HashRate) or in turns
// with logins (Interleave).
func HashSteps(params authn.Argon2Params) (func(int) Step, error) {
	salt := make([]byte, params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	pw := []byte("correct horse battery staple")
	return func(int) Step {
		return func(context.Context) error {
			argon2.IDKey(pw, salt, params.Time, params.Memory, params.Threads, params.KeyLen)
			return nil
		}
	}, nil
}

// WarmHashes runs one untimed hash per CPU: the first ones pay for growing
// the heap to CPUs × the hash's memory.
func WarmHashes(ctx context.Context, steps func(int) Step) error {
	n := runtime.NumCPU()
	_, err := Run(ctx, Config{Connections: n, Requests: int64(n)}, steps)
	return err
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
