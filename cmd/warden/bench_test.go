package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wardenhq/warden/internal/loadgen"
)

// benchRun runs `warden bench` in-process and returns its stdout.
func benchRun(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"bench"}, args...), func(string) string { return "" },
		strings.NewReader(""), &out, io.Discard)
	return out.String(), err
}

func TestBenchRefusesRemoteServers(t *testing.T) {
	for _, server := range []string{"http://10.1.2.3:8080", "http://192.168.0.10", "http://example.com:8080"} {
		_, err := benchRun(t, "--server", server, "--scenarios", "whoami-jwt", "--requests", "1")
		if err == nil || !strings.Contains(err.Error(), "--allow-remote") {
			t.Errorf("--server %s: err = %v, want a refusal naming --allow-remote", server, err)
		}
	}
	if _, err := benchRun(t, "--scenarios", "ceiling,nope", "--requests", "1"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown scenario: err = %v", err)
	}
	if _, err := benchRun(t, "--scenarios", "ceiling", "--requests", "1", "--procs", "0"); err == nil || !strings.Contains(err.Error(), "--procs") {
		t.Errorf("--procs 0: err = %v", err)
	}
}

// TestBenchCeilingOnly runs the ceiling in its child process (this test
// binary, through TestMain) and gives the test its CPUs back.
func TestBenchCeilingOnly(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	out, err := benchRun(t, "--scenarios", "ceiling", "--requests", "300", "--connections", "4", "--procs", "1", "--warmup", "50ms")
	noErr(t, err)
	if got := runtime.GOMAXPROCS(0); got != procs {
		t.Errorf("GOMAXPROCS after bench = %d, want %d again", got, procs)
	}
	if !strings.Contains(out, "ceiling") || !strings.Contains(out, "p99 ms") || !strings.Contains(out, "after 50ms of warm-up") {
		t.Fatalf("output:\n%s", out)
	}
}

// TestBenchScenarios runs every scenario against a real server with a small
// manifest made through the API.
func TestBenchScenarios(t *testing.T) {
	srv := startServer(t, "--rate-limit", "0")
	ctx := context.Background()
	m := must(loadgen.Bootstrap(ctx, loadgen.NewTarget(srv.url, 4), 30, 8))(t)
	if len(m.APIKeys) != 8 || len(m.SampleEmails) != 30 || m.Password == "" || m.Orgs[0].ID == "" {
		t.Fatalf("bootstrap manifest: %+v", m)
	}
	path := filepath.Join(t.TempDir(), "warden-seed.json")
	noErr(t, os.WriteFile(path, must(json.Marshal(m))(t), 0o600))

	out, err := benchRun(t, "--server", srv.url, "--manifest", path, "--requests", "200", "--connections", "4", "--json",
		"--warmup", "100ms", "--hash-probe", "300ms", "--argon2-memory", "1024", "--argon2-time", "1")
	noErr(t, err)
	var rep benchReport
	noErr(t, json.Unmarshal([]byte(out), &rep))
	var names []string
	for _, r := range rep.Scenarios {
		names = append(names, r.Scenario)
	}
	want := []string{"ceiling", "whoami-jwt", "get-user-apikey", "list-users", "search-email", "create-user",
		"authz-check", "audit-list", "login", "login-storm:whoami-jwt", "login-storm:login", "mixed"}
	if !slices.Equal(names, want) {
		t.Fatalf("scenarios %v, want %v", names, want)
	}
	if rep.HashRate <= 0 || rep.IdleRSS <= 0 || rep.Users != 31 {
		t.Errorf("hash rate %v, idle RSS %d, users %d", rep.HashRate, rep.IdleRSS, rep.Users)
	}
	for _, r := range rep.Scenarios {
		if r.Errors != 0 {
			t.Errorf("%s: %d errors, first: %s", r.Scenario, r.Errors, r.FirstError)
		}
		if r.Scenario != "login-storm:whoami-jwt" && r.Requests != 200 {
			t.Errorf("%s: %d requests, want 200", r.Scenario, r.Requests)
		}
		if r.RPS <= 0 || r.P50 <= 0 || r.P50 > r.P99 || r.P99 > r.Max {
			t.Errorf("%s: rps %v p50 %v p99 %v max %v", r.Scenario, r.RPS, r.P50, r.P99, r.Max)
		}
		if r.Scenario != "ceiling" && (r.PctCeiling == nil || r.RSS <= 0) {
			t.Errorf("%s: no %% of ceiling or no RSS", r.Scenario)
		}
		if strings.HasSuffix(r.Scenario, "login") != (r.PctHash != nil) {
			t.Errorf("%s: percent of hash rate %v", r.Scenario, r.PctHash)
		}
	}
	if rep.Scenarios[9].Requests == 0 {
		t.Error("no whoami requests during the login storm")
	}

	// create-user created its 200 users (and mixed some more), each with an
	// audit event: the admin's organization now has more users.
	env := loadgen.NewEnv(loadgen.NewTarget(srv.url, 1), m, nil)
	mk, err := env.Build(ctx, "create-user")
	noErr(t, err)
	s := must(loadgen.Run(ctx, loadgen.Config{Connections: 1, Requests: 3}, mk))(t)
	if s.Errors != 0 {
		t.Fatalf("a second create-user run collides: %s", s.FirstError)
	}

	// The table form.
	out, err = benchRun(t, "--server", srv.url, "--manifest", path, "--requests", "50", "--connections", "2",
		"--warmup", "0", "--scenarios", "ceiling,whoami-jwt,search-email")
	noErr(t, err)
	for _, s := range []string{"scenario", "% ceiling", "whoami-jwt", "search-email", "MiB"} {
		if !strings.Contains(out, s) {
			t.Errorf("table lacks %q:\n%s", s, out)
		}
	}
}

// TestBenchWithoutManifest signs up and makes its own users on an empty
// server, and says what is missing on one that is not.
func TestBenchWithoutManifest(t *testing.T) {
	srv := startServer(t, "--rate-limit", "0")
	missing := filepath.Join(t.TempDir(), "none.json")
	out, err := benchRun(t, "--server", srv.url, "--manifest", missing, "--requests", "50", "--connections", "2",
		"--scenarios", "whoami-jwt,get-user-apikey", "--bootstrap-users", "5", "--warmup", "0")
	noErr(t, err)
	if !strings.Contains(out, "get-user-apikey") {
		t.Fatalf("output:\n%s", out)
	}
	// The server has users now, so signup is closed: bench names --manifest.
	_, err = benchRun(t, "--server", srv.url, "--manifest", missing, "--requests", "5", "--scenarios", "whoami-jwt")
	if err == nil || !strings.Contains(err.Error(), "--manifest") {
		t.Fatalf("err = %v, want one naming --manifest", err)
	}
}

func TestBenchRateLimitNote(t *testing.T) {
	srv := startServer(t, "--rate-limit", "2", "--rate-burst", "20")
	m := must(loadgen.Bootstrap(context.Background(), loadgen.NewTarget(srv.url, 1), 2, 1))(t)
	path := filepath.Join(t.TempDir(), "m.json")
	noErr(t, os.WriteFile(path, must(json.Marshal(m))(t), 0o600))
	out, err := benchRun(t, "--server", srv.url, "--manifest", path, "--requests", "60", "--connections", "2", "--scenarios", "whoami-jwt", "--warmup", "0")
	noErr(t, err)
	if !strings.Contains(out, "--rate-limit 0") || !strings.Contains(out, "HTTP 429") {
		t.Fatalf("no rate-limit note:\n%s", out)
	}
}

// TestBenchWarmupIsNotMeasured checks that --warmup sends requests the
// report leaves out: the server answers more reads than bench counts.
func TestBenchWarmupIsNotMeasured(t *testing.T) {
	srv := startServer(t, "--rate-limit", "0")
	m := must(loadgen.Bootstrap(context.Background(), loadgen.NewTarget(srv.url, 2), 5, 2))(t)
	path := filepath.Join(t.TempDir(), "m.json")
	noErr(t, os.WriteFile(path, must(json.Marshal(m))(t), 0o600))
	reads := func() int {
		t.Helper()
		re := regexp.MustCompile(`(?m)^warden_http_requests_total\{method="GET",route="/v1/users/\{id\}",status="200"\} (\d+)$`)
		got := re.FindStringSubmatch(getRaw(t, srv.url+"/metrics", ""))
		if got == nil {
			return 0
		}
		return must(strconv.Atoi(got[1]))(t)
	}
	before := reads()
	out, err := benchRun(t, "--server", srv.url, "--manifest", path, "--requests", "20", "--connections", "2",
		"--scenarios", "get-user-apikey", "--warmup", "300ms", "--json")
	noErr(t, err)
	var rep benchReport
	noErr(t, json.Unmarshal([]byte(out), &rep))
	if rep.Warmup != "300ms" || len(rep.Scenarios) != 1 || rep.Scenarios[0].Requests != 20 {
		t.Fatalf("report: warm-up %q, scenarios %+v", rep.Warmup, rep.Scenarios)
	}
	if served := reads() - before; served <= 20 {
		t.Errorf("the server answered %d reads, want the 20 measured and the warm-up's", served)
	}
	if _, err := benchRun(t, "--scenarios", "ceiling", "--requests", "1", "--warmup", "-1s"); err == nil || !strings.Contains(err.Error(), "--warmup") {
		t.Errorf("--warmup -1s: err = %v", err)
	}
}

// TestBenchPairsWithTheCeiling checks that a scenario judged by its share of
// the ceiling runs in turns with it (--interleave) and is judged against
// that ceiling, and that the others and --interleave 0 run alone.
func TestBenchPairsWithTheCeiling(t *testing.T) {
	srv := startServer(t, "--rate-limit", "0")
	m := must(loadgen.Bootstrap(context.Background(), loadgen.NewTarget(srv.url, 2), 5, 2))(t)
	path := filepath.Join(t.TempDir(), "m.json")
	noErr(t, os.WriteFile(path, must(json.Marshal(m))(t), 0o600))
	bench := func(args ...string) benchReport {
		t.Helper()
		out, err := benchRun(t, append([]string{"--server", srv.url, "--manifest", path, "--duration", "400ms",
			"--connections", "2", "--warmup", "0", "--json"}, args...)...)
		noErr(t, err)
		var rep benchReport
		noErr(t, json.Unmarshal([]byte(out), &rep))
		return rep
	}
	rep := bench("--scenarios", "whoami-jwt,list-users", "--interleave", "100ms")
	paired, alone := rep.Scenarios[0], rep.Scenarios[1]
	pc := paired.PairedCeiling
	if pc == nil || pc.RPS <= 0 || pc.CPU <= 0 || paired.PctCeiling == nil || paired.RPS <= 0 {
		t.Fatalf("whoami-jwt: paired ceiling %+v, %% of it %v", pc, paired.PctCeiling)
	}
	if want := 100 * paired.RPS / pc.RPS; *paired.PctCeiling != want {
		t.Errorf("whoami-jwt: %v %% of the ceiling, want %v (its own turns' ceiling)", *paired.PctCeiling, want)
	}
	// Half the run was the ceiling's: the scenario ran its 400 ms, not 800.
	if paired.Seconds < 0.4 || paired.Seconds > 0.7 {
		t.Errorf("whoami-jwt ran %.2f s, want its 0.4 s of turns", paired.Seconds)
	}
	if alone.PairedCeiling != nil || alone.PctCeiling != nil {
		t.Errorf("list-users ran in turns, or has a share with no ceiling run: %+v", alone)
	}
	if rep := bench("--scenarios", "whoami-jwt", "--interleave", "0"); rep.Scenarios[0].PairedCeiling != nil {
		t.Error("--interleave 0 still ran whoami-jwt in turns")
	}
	cheap := []string{"--argon2-memory", "1024", "--argon2-time", "1"}
	rep = bench(append([]string{"--scenarios", "login"}, cheap...)...)
	if login := rep.Scenarios[0]; !rep.HashInTurns || rep.HashRate <= 0 || login.PctHash == nil || login.Requests == login.Errors {
		t.Errorf("login in turns: probe in turns %v at %v hashes/s, login %+v", rep.HashInTurns, rep.HashRate, login)
	}
	if rep := bench(append([]string{"--scenarios", "login", "--interleave", "0", "--hash-probe", "100ms"}, cheap...)...); rep.HashInTurns || rep.HashRate <= 0 {
		t.Errorf("--interleave 0: probe in turns %v at %v hashes/s, want a probe alone", rep.HashInTurns, rep.HashRate)
	}
	out, err := benchRun(t, "--server", srv.url, "--manifest", path, "--duration", "200ms", "--connections", "1",
		"--warmup", "0", "--scenarios", "get-user-apikey")
	noErr(t, err)
	if !strings.Contains(out, "get-user-apikey: % of the ceiling run in turns with it") {
		t.Errorf("the table does not say which ceiling the share is of:\n%s", out)
	}
	for _, bad := range []string{"-1s", "1ns"} {
		if _, err := benchRun(t, "--scenarios", "ceiling", "--requests", "1", "--interleave", bad); err == nil || !strings.Contains(err.Error(), "--interleave") {
			t.Errorf("--interleave %s: err = %v", bad, err)
		}
	}
}
