package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/prometheus/procfs"
)

// CeilingToken is the bearer token the ceiling server accepts.
const CeilingToken = "ceiling-benchmark-token-0123456789abcdef"

// ceilingUser is the fixed answer of the ceiling server: a user as the API
// shows one, about 250 bytes.
var ceilingUser = []byte(`{"id":"0190d4c2-7a3e-7c55-9a41-3f2b6c1d8e90","org_id":"0190d4c2-7a3e-7000-8000-000000000001",` +
	`"email":"ada.lovelace@example.com","username":"ada","first_name":"Ada","last_name":"Lovelace",` +
	`"full_name":"Ada Lovelace","roles":["user"],"disabled":false}` + "\n")

// Ceiling is an HTTP server with no storage: it checks a bearer token and
// writes a fixed user. Driven by the same engine and connection count, it
// measures what net/http and the load generator can do on this machine,
// the ceiling every real scenario is compared with.
type Ceiling struct {
	URL string
	srv *http.Server   // served in this process, or
	cmd *exec.Cmd      // in a child process
	in  io.WriteCloser // the child's stdin: closing it stops the child
}

// StartCeiling listens on 127.0.0.1 at a free port.
func StartCeiling() (*Ceiling, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+CeilingToken {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"unauthenticated"}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(ceilingUser)
	})
	c := &Ceiling{URL: "http://" + ln.Addr().String(),
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}}
	go c.srv.Serve(ln)
	return c, nil
}

// StartCeilingProcess runs the ceiling in a child process, name with args,
// which must call ServeCeiling. A server under test runs in a process of
// its own, as wrk's target does: each request then crosses between two
// processes, with the wake-ups and switches that costs on a small machine.
// A ceiling inside the load generator's process would skip that cost and
// set a bar no separate server can reach.
func StartCeilingProcess(name string, args ...string) (*Ceiling, error) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the ceiling server: %w", err)
	}
	c := &Ceiling{cmd: cmd, in: in}
	line, err := bufio.NewReader(out).ReadString('\n')
	if c.URL = strings.TrimSpace(line); err != nil || !strings.HasPrefix(c.URL, "http://") {
		c.Close()
		return nil, fmt.Errorf("the ceiling server did not say where it listens (%q): %v", c.URL, err)
	}
	return c, nil
}

// ServeCeiling is the child's side of StartCeilingProcess: it serves the
// ceiling, writes its URL as one line to out, and stops when in ends (the
// parent closed it, or died) or ctx does.
func ServeCeiling(ctx context.Context, in io.Reader, out io.Writer) error {
	c, err := StartCeiling()
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := fmt.Fprintln(out, c.URL); err != nil {
		return err
	}
	eof := make(chan struct{})
	go func() {
		io.Copy(io.Discard, in)
		close(eof)
	}()
	select {
	case <-eof:
	case <-ctx.Done():
	}
	return nil
}

// CPUSeconds is the CPU time the ceiling's child process has used so far.
func (c *Ceiling) CPUSeconds() (float64, error) {
	if c.cmd == nil {
		return 0, errors.New("the ceiling runs in this process")
	}
	return processCPU(c.cmd.Process.Pid)
}

// processCPU is the user and system CPU time of process pid, from
// /proc/<pid>/stat.
func processCPU(pid int) (float64, error) {
	p, err := procfs.NewProc(pid)
	if err != nil {
		return 0, err
	}
	st, err := p.Stat()
	if err != nil {
		return 0, err
	}
	return st.CPUTime(), nil
}

// Close stops the server.
func (c *Ceiling) Close() error {
	if c.cmd != nil {
		c.in.Close()
		done := make(chan error, 1)
		go func() { done <- c.cmd.Wait() }()
		select {
		case err := <-done:
			return err
		case <-time.After(5 * time.Second):
			c.cmd.Process.Kill()
			return <-done
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.srv.Shutdown(ctx)
}

// CeilingStep is the ceiling scenario's request: GET / with the token.
func CeilingStep(t *Target) func(int) Step {
	return func(int) Step {
		return func(ctx context.Context) error {
			return t.Call(ctx, http.MethodGet, "/v1/users/current", CeilingToken, nil, nil)
		}
	}
}
