package loadgen

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/authn"
)

func get(t *Target, path string) func(int) Step {
	return func(int) Step {
		return func(ctx context.Context) error { return t.Call(ctx, http.MethodGet, path, "", nil, nil) }
	}
}

func TestRunRequestCount(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	s, err := Run(context.Background(), Config{Connections: 8, Requests: 500}, get(NewTarget(srv.URL, 8), "/"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Requests != 500 || s.Errors != 0 || hits.Load() != 500 || s.OK() != 500 {
		t.Fatalf("requests %d errors %d hits %d, want 500, 0, 500", s.Requests, s.Errors, hits.Load())
	}
	p50, p95, p99, mx := s.Percentile(50), s.Percentile(95), s.Percentile(99), s.Max()
	if p50 <= 0 || p50 > p95 || p95 > p99 || p99 > mx || mx > s.Elapsed {
		t.Fatalf("percentiles not ordered: p50 %v p95 %v p99 %v max %v elapsed %v", p50, p95, p99, mx, s.Elapsed)
	}
	if s.RPS() <= 0 || s.Mean() <= 0 {
		t.Fatalf("rps %v mean %v", s.RPS(), s.Mean())
	}
}

func TestRunCountsErrors(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%4 == 0 {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	s, err := Run(context.Background(), Config{Connections: 4, Requests: 400}, get(NewTarget(srv.URL, 4), "/x"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Requests != 400 || s.Errors != 100 {
		t.Fatalf("requests %d errors %d, want 400 and 100", s.Requests, s.Errors)
	}
	if !strings.Contains(s.FirstError, "HTTP 500") || !strings.Contains(s.FirstError, "boom") {
		t.Fatalf("first error %q", s.FirstError)
	}
	if len(s.latencies) != 300 {
		t.Fatalf("%d latencies recorded, want the 300 successes", len(s.latencies))
	}
}

func TestRunTransportErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	s, err := Run(context.Background(), Config{Connections: 2, Requests: 10}, get(NewTarget(url, 2), "/"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Errors != 10 || s.RPS() != 0 || s.Percentile(99) != 0 || s.FirstError == "" {
		t.Fatalf("errors %d rps %v p99 %v first %q", s.Errors, s.RPS(), s.Percentile(99), s.FirstError)
	}
}

func TestRunDuration(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(10 * time.Millisecond)
	}))
	defer srv.Close()
	s, err := Run(context.Background(), Config{Connections: 4, Duration: 300 * time.Millisecond}, get(NewTarget(srv.URL, 4), "/"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Elapsed < 300*time.Millisecond || s.Elapsed > 2*time.Second {
		t.Fatalf("elapsed %v, want about 300ms", s.Elapsed)
	}
	// 4 connections × 300 ms / ≥10 ms each: at most about 120 requests.
	if s.Requests < 8 || s.Requests > 130 || s.Errors != 0 {
		t.Fatalf("requests %d errors %d", s.Requests, s.Errors)
	}
	if s.Percentile(50) < 10*time.Millisecond {
		t.Fatalf("p50 %v is below the handler's 10ms sleep", s.Percentile(50))
	}
}

func TestRunStopsWithContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := Run(ctx, Config{Connections: 2, Duration: time.Hour}, get(NewTarget(srv.URL, 2), "/")); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("Run did not stop when its context ended")
	}
}

// TestInterleave checks that two scenarios run in alternating turns, never
// at once, each for the whole duration, with each connection's Step made
// once and kept across its turns.
func TestInterleave(t *testing.T) {
	var mu sync.Mutex
	var order []byte // which server answered, in order
	var inFlight atomic.Int64
	server := func(name byte) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if inFlight.Add(1) > 3 {
				t.Error("both scenarios ran at once")
			}
			time.Sleep(time.Millisecond)
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			inFlight.Add(-1)
		}))
	}
	a, b := server('a'), server('b')
	defer a.Close()
	defer b.Close()
	var made atomic.Int64
	counted := func(t *Target) func(int) Step {
		return func(w int) Step {
			made.Add(1)
			return get(t, "/")(w)
		}
	}
	d := 400 * time.Millisecond
	var turnsOfA atomic.Int64
	sa, sb, err := Interleave(context.Background(), d, 100*time.Millisecond,
		Side{Connections: 3, NewWorker: counted(NewTarget(a.URL, 3)), BeforeTurn: func() { turnsOfA.Add(1) }},
		Side{Connections: 3, NewWorker: counted(NewTarget(b.URL, 3))})
	if err != nil {
		t.Fatal(err)
	}
	if turnsOfA.Load() != 4 {
		t.Errorf("a's BeforeTurn ran %d times, want once for each of its 4 turns", turnsOfA.Load())
	}
	if made.Load() != 6 {
		t.Fatalf("%d Steps made, want one per connection and scenario: 6", made.Load())
	}
	turns := 1
	for i := 1; i < len(order); i++ {
		if order[i] != order[i-1] {
			turns++
		}
	}
	if order[0] != 'a' || turns != 8 {
		t.Fatalf("answers came in %d turns starting with %q, want 8 starting with a", turns, order[0])
	}
	for _, s := range []*Stats{sa, sb} {
		if s.Elapsed < d || s.Elapsed > 2*time.Second || s.Errors != 0 || s.OK() == 0 {
			t.Fatalf("elapsed %v, %d requests, %d errors: want about 400ms of answers", s.Elapsed, s.Requests, s.Errors)
		}
		if p50, mx := s.Percentile(50), s.Max(); p50 < time.Millisecond || p50 > mx {
			t.Fatalf("p50 %v max %v: latencies not sorted or not kept", p50, mx)
		}
	}
	if sa.Requests+sb.Requests != int64(len(order)) {
		t.Fatalf("%d + %d requests counted, %d answered", sa.Requests, sb.Requests, len(order))
	}
	one := Side{Connections: 1, NewWorker: get(NewTarget(a.URL, 1), "/")}
	if _, _, err := Interleave(context.Background(), 0, time.Second, one, one); err == nil {
		t.Error("turns of no duration were accepted")
	}
	if _, _, err := Interleave(context.Background(), time.Second, time.Second, one, Side{NewWorker: one.NewWorker}); err == nil {
		t.Error("a side of no connections was accepted")
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{{}, {Connections: 1}, {Connections: 1, Requests: -1}, {Connections: 0, Requests: 5}} {
		if _, err := Run(context.Background(), c, nil); err == nil {
			t.Errorf("Run(%+v) accepted", c)
		}
	}
}

func TestPercentileExact(t *testing.T) {
	s := &Stats{}
	for i := 1; i <= 100; i++ {
		s.latencies = append(s.latencies, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{50: 50 * time.Millisecond, 95: 95 * time.Millisecond,
		99: 99 * time.Millisecond, 100: 100 * time.Millisecond, 0.1: time.Millisecond} {
		if got := s.Percentile(p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	if (&Stats{}).Percentile(99) != 0 {
		t.Error("percentile of nothing is not 0")
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8080", "http://localhost:1", "http://127.9.9.9", "http://[::1]:8080", "https://LOCALHOST"} {
		if err := CheckLoopback(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1:8080", "http://192.168.1.1", "http://example.com", "http://0.0.0.0:8080",
		"ftp://127.0.0.1", "127.0.0.1:8080", "http://[::2]"} {
		if err := CheckLoopback(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestParseStats(t *testing.T) {
	metrics := "# HELP x\ngo_goroutines 7\nprocess_cpu_seconds_total 12.34\nprocess_resident_memory_bytes 2.5165824e+07\n" +
		"process_virtual_memory_bytes 1e9\n"
	if st, err := parseStats(strings.NewReader(metrics)); err != nil || st.RSS != 25165824 || st.CPUSeconds != 12.34 {
		t.Fatalf("parseStats = %+v, %v", st, err)
	}
	if _, err := parseStats(strings.NewReader("go_goroutines 7\nprocess_cpu_seconds_total 1\n")); err == nil {
		t.Fatal("no error without the resident memory")
	}
}

func TestProcessCPU(t *testing.T) {
	before, err := processCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); { // spin
	}
	if after, err := processCPU(os.Getpid()); err != nil || after <= before {
		t.Fatalf("CPU time %v then %v (%v), want it to grow", before, after, err)
	}
}

func TestCeiling(t *testing.T) {
	c, err := StartCeiling()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if len(ceilingUser) < 200 || len(ceilingUser) > 300 {
		t.Errorf("ceiling user is %d bytes, want about 250", len(ceilingUser))
	}
	tg := NewTarget(c.URL, 4)
	s, err := Run(context.Background(), Config{Connections: 4, Requests: 300}, CeilingStep(tg))
	if err != nil {
		t.Fatal(err)
	}
	if s.Requests != 300 || s.Errors != 0 {
		t.Fatalf("requests %d errors %d (%s)", s.Requests, s.Errors, s.FirstError)
	}
	err = tg.Call(context.Background(), http.MethodGet, "/", "wrong", nil, nil)
	if se, ok := err.(*StatusError); !ok || se.Status != http.StatusUnauthorized {
		t.Fatalf("a wrong token got %v, want 401", err)
	}
}

func TestHashRate(t *testing.T) {
	rate, err := HashRate(context.Background(), authn.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 100*time.Millisecond)
	if err != nil || rate <= 0 {
		t.Fatalf("HashRate = %v, %v", rate, err)
	}
}

func TestNextCursor(t *testing.T) {
	for body, want := range map[string]string{
		`{"users":[{"id":"a"}],"next_cursor":"AZBx-yz_09"}`: "AZBx-yz_09",
		`{"events":[],"next_cursor":"1234"}`:                "1234",
		`{"users":[],"next_cursor":null}`:                   "",
		`{"users":[]}`:                                      "",
	} {
		if got := nextCursor([]byte(body)); got != want {
			t.Errorf("nextCursor(%s) = %q, want %q", body, got, want)
		}
	}
}

// TestServeCeiling runs the child's side of StartCeilingProcess in this
// process: it names its URL, serves it, and stops when its input ends.
func TestServeCeiling(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- ServeCeiling(context.Background(), inR, outW) }()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	tg := NewTarget(strings.TrimSpace(line), 1)
	if err := tg.Call(context.Background(), http.MethodGet, "/", CeilingToken, nil, nil); err != nil {
		t.Fatal(err)
	}
	inW.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ServeCeiling did not stop when its input ended")
	}
}

func TestStartCeilingProcessNeedsAURL(t *testing.T) {
	if _, err := StartCeilingProcess("sh", "-c", "echo nothing here"); err == nil || !strings.Contains(err.Error(), "did not say") {
		t.Fatalf("err = %v", err)
	}
}
