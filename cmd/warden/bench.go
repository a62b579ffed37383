package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/loadgen"
)

type benchConfig struct {
	server      string
	allowRemote bool
	manifest    string
	scenarios   string
	connections int
	duration    time.Duration
	warmup      time.Duration
	requests    int64
	jsonOut     bool
	hashProbe   time.Duration
	argon2      authn.Argon2Params
	bootstrap   int
	procs       int
	interleave  time.Duration
}

// benchScenarios is every scenario in its default order.
var benchScenarios = []string{"ceiling", "whoami-jwt", "get-user-apikey", "list-users", "search-email", "create-user",
	"authz-check", "audit-list", "login", "login-storm", "mixed"}

// pairedScenarios are judged by their share of the ceiling alone: with
// --interleave each runs in turns with the ceiling, and its share is of
// that ceiling.
var pairedScenarios = []string{"whoami-jwt", "get-user-apikey", "authz-check", "audit-list"}

// benchCeilingCmd is the hidden command bench runs the ceiling server
// with, in a process of its own.
const benchCeilingCmd = "bench-ceiling"

func newBenchCeilingCmd() *cobra.Command {
	return &cobra.Command{
		Use:    benchCeilingCmd,
		Short:  "Serve bench's ceiling scenario until stdin ends (run by warden bench)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return loadgen.ServeCeiling(cmd.Context(), cmd.InOrStdin(), cmd.OutOrStdout())
		},
	}
}

func newBenchCmd() *cobra.Command {
	c := benchConfig{argon2: authn.DefaultArgon2Params}
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Load a running server with named scenarios and report throughput and latency",
		Long: `bench drives a running Warden server (start it with --rate-limit 0, or the
per-credential rate limit answers 429) with a fixed number of keep-alive
connections, each sending one request after another, for a duration or a
request count (after --warmup of unmeasured requests, which fill the
server's caches), and reports per scenario the successful requests per second
(also as a percentage of the "ceiling": a storage-free net/http server that
bench runs in a child process, as the server runs in its own), the exact
p50/p95/p99/max latencies, the errors, and the server's RSS after it.

A shared machine's speed drifts within a minute, so the scenarios judged by
their share of the ceiling run in short turns with it (--interleave), and
login in turns with a probe of the machine's argon2id rate: each pair then
meets the machine in the same state.

Credentials, API keys and sample emails come from the manifest warden seed
writes. Without one, bench signs up an organization on an empty server (or
one run with --open-signup) and creates a few users itself.

Scenarios: ` + strings.Join(benchScenarios, ", "),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBench(cmd.Context(), c, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&c.server, "server", "http://127.0.0.1:8080", "URL of the server under load (loopback only unless --allow-remote)")
	f.BoolVar(&c.allowRemote, "allow-remote", false, "allow a --server that is not on the loopback interface")
	f.StringVar(&c.manifest, "manifest", "warden-seed.json", "the seed manifest warden seed wrote")
	f.StringVar(&c.scenarios, "scenarios", strings.Join(benchScenarios, ","), "comma-separated scenarios to run, in this order")
	f.IntVar(&c.connections, "connections", 32, "concurrent keep-alive connections")
	f.DurationVar(&c.duration, "duration", 10*time.Second, "how long each scenario runs")
	f.DurationVar(&c.warmup, "warmup", time.Second, "how long each scenario runs unmeasured first, to fill the server's caches and open the connections (0: none)")
	f.Int64Var(&c.requests, "requests", 0, "run each scenario for this many requests instead of --duration")
	f.BoolVar(&c.jsonOut, "json", false, "print one JSON document instead of a table")
	f.DurationVar(&c.hashProbe, "hash-probe", 3*time.Second, "how long to measure this machine's argon2id rate before login when it does not run in turns with it (--interleave 0 or --requests); 0: no probe")
	f.Uint32Var(&c.argon2.Memory, "argon2-memory", c.argon2.Memory, "argon2id memory in KiB of the rate probe: the server's --argon2-memory")
	f.Uint32Var(&c.argon2.Time, "argon2-time", c.argon2.Time, "argon2id iterations of the rate probe: the server's --argon2-time")
	f.Uint8Var(&c.argon2.Threads, "argon2-threads", c.argon2.Threads, "argon2id parallelism of the rate probe: the server's --argon2-threads")
	f.IntVar(&c.bootstrap, "bootstrap-users", 200, "users to create when there is no manifest")
	f.DurationVar(&c.interleave, "interleave", 200*time.Millisecond, "turn length for "+strings.Join(pairedScenarios, ", ")+
		": each runs in turns with the ceiling, so that both meet the machine in the same state, and its share is of that ceiling; login runs in turns of at least 1s with the argon2id probe (0, or with --requests: all run alone, against the ceiling scenario's and a probe before login)")
	f.IntVar(&c.procs, "procs", max(1, runtime.NumCPU()/2), "CPUs the load generator runs on (its GOMAXPROCS while loading); the server and the ceiling keep all")
	return cmd
}

// benchRow is one scenario's result, as printed and as JSON.
type benchRow struct {
	Scenario   string   `json:"scenario"`
	Requests   int64    `json:"requests"`
	Errors     int64    `json:"errors"`
	FirstError string   `json:"first_error,omitempty"`
	Seconds    float64  `json:"seconds"`
	RPS        float64  `json:"requests_per_second"`
	PctCeiling *float64 `json:"percent_of_ceiling,omitempty"`
	PctHash    *float64 `json:"percent_of_hash_rate,omitempty"`
	P50        float64  `json:"p50_ms"`
	P95        float64  `json:"p95_ms"`
	P99        float64  `json:"p99_ms"`
	Max        float64  `json:"max_ms"`
	RSS        int64    `json:"server_rss_bytes,omitempty"`
	// CPU is the server's CPU time per request (the ceiling's process's in
	// its row), which the machine's draw moves less than the throughput.
	CPU float64 `json:"server_cpu_us_per_request,omitempty"`
	// PairedCeiling is the ceiling run in turns with this scenario
	// (--interleave), which PctCeiling is a share of.
	PairedCeiling *pairedCeiling `json:"paired_ceiling,omitempty"`
}

type pairedCeiling struct {
	RPS float64 `json:"requests_per_second"`
	CPU float64 `json:"cpu_us_per_request,omitempty"`
}

type benchReport struct {
	Server      string     `json:"server"`
	Connections int        `json:"connections"`
	Duration    string     `json:"duration,omitempty"`
	Warmup      string     `json:"warmup,omitempty"`
	Requests    int64      `json:"requests_per_scenario,omitempty"`
	Users       int64      `json:"users,omitempty"`
	HashRate    float64    `json:"argon2id_hashes_per_second,omitempty"`
	HashInTurns bool       `json:"argon2id_in_turns_with_login,omitempty"`
	Argon2      string     `json:"argon2id_params,omitempty"`
	IdleRSS     int64      `json:"server_rss_bytes_before,omitempty"`
	Scenarios   []benchRow `json:"scenarios"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func toRow(name string, s *loadgen.Stats) benchRow {
	return benchRow{Scenario: name, Requests: s.Requests, Errors: s.Errors, FirstError: s.FirstError,
		Seconds: s.Elapsed.Seconds(), RPS: s.RPS(), P50: ms(s.Percentile(50)), P95: ms(s.Percentile(95)),
		P99: ms(s.Percentile(99)), Max: ms(s.Max())}
}

func parseScenarios(v string) ([]string, error) {
	var out []string
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !slices.Contains(benchScenarios, s) {
			return nil, fmt.Errorf("--scenarios: unknown scenario %q (known: %s)", s, strings.Join(benchScenarios, ", "))
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, errors.New("--scenarios names no scenario")
	}
	return out, nil
}

func runBench(ctx context.Context, c benchConfig, stdout, stderr io.Writer) error {
	if !c.allowRemote {
		if err := loadgen.CheckLoopback(c.server); err != nil {
			return err
		}
	}
	names, err := parseScenarios(c.scenarios)
	if err != nil {
		return err
	}
	cfg := loadgen.Config{Connections: c.connections, Duration: c.duration, Requests: c.requests}
	if c.connections < 1 {
		return errors.New("--connections must be at least 1")
	}
	if c.procs < 1 {
		return errors.New("--procs must be at least 1")
	}
	if c.requests < 0 || (c.requests == 0 && c.duration <= 0) {
		return errors.New("give a positive --duration or --requests")
	}
	if c.warmup < 0 {
		return errors.New("--warmup must not be negative")
	}
	if c.interleave != 0 && c.interleave < minTurn {
		return fmt.Errorf("--interleave must be 0 or at least %v", minTurn)
	}
	// Runs of a request count have no time to share out: they run alone.
	inTurns := c.interleave > 0 && c.requests == 0
	target := loadgen.NewTarget(c.server, c.connections)
	rep := benchReport{Server: c.server, Connections: c.connections, Requests: c.requests}
	if c.requests == 0 {
		rep.Duration = c.duration.String()
	}
	if c.warmup > 0 {
		rep.Warmup = c.warmup.String()
	}
	// warm runs a scenario for --warmup before it is measured: a server's
	// first requests fill its caches (a user read once is answered from
	// memory after), and the targets are about the steady state.
	warmCfg := loadgen.Config{Connections: c.connections, Duration: c.warmup}
	warm := func(run func(loadgen.Config) error) error {
		if c.warmup <= 0 {
			return nil
		}
		return run(warmCfg)
	}
	// warmSteps warms a scenario that is a plain run of Steps.
	warmSteps := func(mk func(int) loadgen.Step) error {
		return warm(func(wc loadgen.Config) error {
			_, err := loadgen.Run(ctx, wc, mk)
			return err
		})
	}
	needsServer := slices.ContainsFunc(names, func(n string) bool { return n != "ceiling" })
	var env *loadgen.Env
	if needsServer {
		if st, err := target.ServerStats(ctx); err == nil {
			rep.IdleRSS = st.RSS
		} else if _, isStatus := err.(*loadgen.StatusError); !isStatus && !strings.Contains(err.Error(), "process_resident") {
			return fmt.Errorf("the server at %s does not answer: %w", c.server, err)
		}
		m, err := loadgen.ReadManifest(c.manifest)
		if errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(stderr, "no manifest at %s: signing up an organization and creating %d users\n", c.manifest, c.bootstrap)
			m, err = loadgen.Bootstrap(ctx, target, c.bootstrap, min(64, c.bootstrap))
		}
		if err != nil {
			return err
		}
		rep.Users = m.Users
		env = loadgen.NewEnv(target, m, stderr)
	}
	// The load generator shares the machine with the server. Left on every
	// CPU, its idle threads spin looking for work and its goroutines are
	// scheduled against the server's, which takes the server's CPU and
	// puts milliseconds into its tail; so it loads from --procs CPUs, as
	// one pins wrk to its own cores. The hash probe, which measures the
	// whole machine, and the ceiling's child process keep all of them.
	allProcs := runtime.GOMAXPROCS(c.procs)
	defer runtime.GOMAXPROCS(allProcs)
	var ceil ceilingProc
	defer ceil.close()
	var ceiling float64
	var saw429 bool
	for _, name := range names {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		fmt.Fprintf(stderr, "running %s…\n", name)
		var rows []benchRow
		var cpu float64 // CPU seconds the server (or the ceiling's process) used
		var before loadgen.ProcessStats
		measured := false // before was read
		// start reads the server's counters once warmed up, just before
		// the measured run.
		start := func() {
			var err error
			before, err = target.ServerStats(ctx)
			measured = err == nil
		}
		switch name {
		case "ceiling":
			ct, err := ceil.start(c.connections)
			if err != nil {
				return err
			}
			if err := warmSteps(loadgen.CeilingStep(ct)); err != nil {
				return err
			}
			var s *loadgen.Stats
			if cpu, err = ceil.cpu(func() (err error) {
				s, err = loadgen.Run(ctx, cfg, loadgen.CeilingStep(ct))
				return err
			}); err != nil {
				return err
			}
			ceiling = s.RPS()
			rows = append(rows, toRow(name, s))
		case "login-storm":
			err := warm(func(wc loadgen.Config) error {
				_, _, err := env.RunLoginStorm(ctx, wc)
				return err
			})
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			start()
			w, l, err := env.RunLoginStorm(ctx, cfg)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			rows = append(rows, toRow("login-storm:whoami-jwt", w), toRow("login-storm:login", l))
		default:
			// In turns, login's probe runs with it (runLoginInTurns).
			loginTurns := name == "login" && c.hashProbe > 0 && inTurns
			if name == "login" && c.hashProbe > 0 && rep.HashRate == 0 && !loginTurns {
				fmt.Fprintf(stderr, "measuring the argon2id rate (m=%d KiB, t=%d, p=%d) for %s…\n",
					c.argon2.Memory, c.argon2.Time, c.argon2.Threads, c.hashProbe)
				runtime.GOMAXPROCS(allProcs)
				rate, err := loadgen.HashRate(ctx, c.argon2, c.hashProbe)
				runtime.GOMAXPROCS(c.procs)
				if err != nil {
					return err
				}
				rep.HashRate = rate
				rep.Argon2 = fmt.Sprintf("m=%d,t=%d,p=%d", c.argon2.Memory, c.argon2.Time, c.argon2.Threads)
			}
			mk, err := env.Build(ctx, name)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if err := warmSteps(mk); err != nil {
				return err
			}
			if loginTurns {
				row, rate, err := runLoginInTurns(ctx, cfg, c, mk, allProcs, start)
				if err != nil {
					return err
				}
				rep.HashRate, rep.HashInTurns = rate, true
				rep.Argon2 = fmt.Sprintf("m=%d,t=%d,p=%d", c.argon2.Memory, c.argon2.Time, c.argon2.Threads)
				rows = append(rows, row)
				break
			}
			if inTurns && slices.Contains(pairedScenarios, name) {
				row, err := runPaired(ctx, name, cfg, c, &ceil, warmSteps, mk, start)
				if err != nil {
					return err
				}
				rows = append(rows, row)
				break
			}
			start()
			s, err := loadgen.Run(ctx, cfg, mk)
			if err != nil {
				return err
			}
			rows = append(rows, toRow(name, s))
		}
		var after loadgen.ProcessStats
		if measured {
			if after, err = target.ServerStats(ctx); err == nil {
				cpu = after.CPUSeconds - before.CPUSeconds
			}
		}
		for i := range rows {
			r := &rows[i]
			if len(rows) == 1 && cpu > 0 && r.Requests > 0 {
				r.CPU = cpu * 1e6 / float64(r.Requests)
			}
			if pc := r.PairedCeiling; pc != nil && pc.RPS > 0 {
				p := 100 * r.RPS / pc.RPS
				r.PctCeiling = &p
			} else if ceiling > 0 && r.Scenario != "ceiling" {
				p := 100 * r.RPS / ceiling
				r.PctCeiling = &p
			}
			if strings.HasSuffix(r.Scenario, "login") && rep.HashRate > 0 {
				p := 100 * r.RPS / rep.HashRate
				r.PctHash = &p
			}
			if strings.Contains(r.FirstError, "HTTP 429") {
				saw429 = true
			}
			r.RSS = after.RSS
		}
		rep.Scenarios = append(rep.Scenarios, rows...)
	}
	if c.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printBench(stdout, rep)
	if saw429 {
		fmt.Fprintln(stdout, "\nnote: HTTP 429 answers mean the server's rate limit is on: start it with --rate-limit 0 to benchmark")
	}
	return nil
}

func printBench(w io.Writer, rep benchReport) {
	how := rep.Duration
	if rep.Requests > 0 {
		how = fmt.Sprintf("%d requests", rep.Requests)
	}
	fmt.Fprintf(w, "server %s, %d connections, %s per scenario", rep.Server, rep.Connections, how)
	if rep.Warmup != "" {
		fmt.Fprintf(w, " after %s of warm-up", rep.Warmup)
	}
	if rep.Users > 0 {
		fmt.Fprintf(w, ", %d users", rep.Users)
	}
	if rep.IdleRSS > 0 {
		fmt.Fprintf(w, ", server RSS before %s", mib(rep.IdleRSS))
	}
	fmt.Fprintln(w)
	if rep.HashRate > 0 {
		how := "in process"
		if rep.HashInTurns {
			how += ", in turns with login"
		}
		fmt.Fprintf(w, "argon2id (%s) %s: %.1f hashes/s\n", rep.Argon2, how, rep.HashRate)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\trequests\treq/s\t% ceiling\tp50 ms\tp95 ms\tp99 ms\tmax ms\terrors\tCPU µs/req\tRSS\t")
	for _, r := range rep.Scenarios {
		pct := "-"
		if r.PctCeiling != nil {
			pct = fmt.Sprintf("%.1f", *r.PctCeiling)
		}
		if r.PctHash != nil {
			pct += fmt.Sprintf(" (%.0f%% hash)", *r.PctHash)
		}
		rss := "-"
		if r.RSS > 0 {
			rss = mib(r.RSS)
		}
		cpu := "-"
		if r.CPU > 0 {
			cpu = fmt.Sprintf("%.1f", r.CPU)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t%s\t%s\t\n", r.Scenario, r.Requests, r.RPS, pct,
			r.P50, r.P95, r.P99, r.Max, r.Errors, cpu, rss)
	}
	tw.Flush()
	for _, r := range rep.Scenarios {
		if pc := r.PairedCeiling; pc != nil {
			fmt.Fprintf(w, "%s: %% of the ceiling run in turns with it (--interleave): %.0f req/s", r.Scenario, pc.RPS)
			if pc.CPU > 0 {
				fmt.Fprintf(w, ", %.1f CPU µs/req", pc.CPU)
			}
			fmt.Fprintln(w)
		}
	}
	for _, r := range rep.Scenarios {
		if r.FirstError != "" {
			fmt.Fprintf(w, "%s: first error: %s\n", r.Scenario, r.FirstError)
		}
	}
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// ceilingProc is the ceiling's child process, started on first use and
// kept until bench ends.
type ceilingProc struct {
	c *loadgen.Ceiling
	t *loadgen.Target
}

func (p *ceilingProc) start(connections int) (*loadgen.Target, error) {
	if p.c != nil {
		return p.t, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	if p.c, err = loadgen.StartCeilingProcess(exe, benchCeilingCmd); err != nil {
		return nil, err
	}
	p.t = loadgen.NewTarget(p.c.URL, connections)
	return p.t, nil
}

// cpu runs run and returns the CPU seconds the ceiling's process used
// meanwhile, 0 when they cannot be read.
func (p *ceilingProc) cpu(run func() error) (float64, error) {
	cpu0, err0 := p.c.CPUSeconds()
	if err := run(); err != nil {
		return 0, err
	}
	cpu1, err1 := p.c.CPUSeconds()
	if err0 != nil || err1 != nil {
		return 0, nil
	}
	return cpu1 - cpu0, nil
}

func (p *ceilingProc) close() {
	if p.c != nil {
		p.c.Close()
	}
}

// runPaired runs the warmed scenario mk in turns with the ceiling
// (--interleave), warming the ceiling first, and returns its row with the
// paired ceiling's figures. start reads the server's counters; the server
// idles through the ceiling's turns, so its CPU is the scenario's.
func runPaired(ctx context.Context, name string, cfg loadgen.Config, c benchConfig, ceil *ceilingProc,
	warmSteps func(func(int) loadgen.Step) error, mk func(int) loadgen.Step, start func()) (benchRow, error) {
	ct, err := ceil.start(c.connections)
	if err != nil {
		return benchRow{}, err
	}
	if err := warmSteps(loadgen.CeilingStep(ct)); err != nil {
		return benchRow{}, err
	}
	start()
	var sc, s *loadgen.Stats
	cpu, err := ceil.cpu(func() (err error) {
		sc, s, err = loadgen.Interleave(ctx, cfg.Duration, c.interleave,
			loadgen.Side{Connections: cfg.Connections, NewWorker: loadgen.CeilingStep(ct)},
			loadgen.Side{Connections: cfg.Connections, NewWorker: mk})
		return err
	})
	if err != nil {
		return benchRow{}, err
	}
	row := toRow(name, s)
	row.PairedCeiling = &pairedCeiling{RPS: sc.RPS()}
	if sc.Requests > 0 {
		row.PairedCeiling.CPU = cpu * 1e6 / float64(sc.Requests)
	}
	return row, nil
}

// minTurn is the shortest --interleave: a turn much shorter than a
// request would be all start and finish.
const minTurn = 10 * time.Millisecond

// loginTurn is the shortest turn of login with the hash probe: at 32
// connections a login waits about half a second in the server's hash
// queue, so turns as short as the ceiling's would be mostly filling and
// draining it.
const loginTurn = time.Second

// runLoginInTurns runs the warmed login scenario mk in turns with the
// argon2id probe, which hashes on every CPU in its turns while the server
// idles, and returns login's row and the probe's rate.
func runLoginInTurns(ctx context.Context, cfg loadgen.Config, c benchConfig, mk func(int) loadgen.Step, allProcs int,
	start func()) (benchRow, float64, error) {
	probe, err := loadgen.HashSteps(c.argon2)
	if err != nil {
		return benchRow{}, 0, err
	}
	defer runtime.GOMAXPROCS(c.procs)
	all := func() { runtime.GOMAXPROCS(allProcs) }
	all()
	if err := loadgen.WarmHashes(ctx, probe); err != nil {
		return benchRow{}, 0, err
	}
	start()
	hashes, logins, err := loadgen.Interleave(ctx, cfg.Duration, max(c.interleave, loginTurn),
		loadgen.Side{Connections: runtime.NumCPU(), NewWorker: probe, BeforeTurn: all},
		loadgen.Side{Connections: cfg.Connections, NewWorker: mk, BeforeTurn: func() { runtime.GOMAXPROCS(c.procs) }})
	if err != nil {
		return benchRow{}, 0, err
	}
	return toRow("login", logins), hashes.RPS(), nil
}
