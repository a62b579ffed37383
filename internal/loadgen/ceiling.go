package loadgen

import (
	"context"
	"net"
	"net/http"
	"time"
)

// CeilingToken is the bearer token the ceiling server accepts.
const CeilingToken = "ceiling-benchmark-token-0123456789abcdef"

// ceilingUser is the fixed answer of the ceiling server: a user as the API
// shows one, about 250 bytes.
var ceilingUser = []byte(`{"id":"0190d4c2-7a3e-7c55-9a41-3f2b6c1d8e90","org_id":"0190d4c2-7a3e-7000-8000-000000000001",` +
	`"email":"ada.lovelace@example.com","username":"ada","first_name":"Ada","last_name":"Lovelace",` +
	`"full_name":"Ada Lovelace","roles":["user"],"disabled":false}` + "\n")

// Ceiling is an in-process HTTP server with no storage: it checks a bearer
// token and writes a fixed user. Driven by the same engine and connection
// count, it measures what net/http and the load generator can do on this
// machine, the ceiling every real scenario is compared with.
type Ceiling struct {
	URL string
	srv *http.Server
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

// Close stops the server.
func (c *Ceiling) Close() error {
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
