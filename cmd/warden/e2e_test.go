package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"github.com/wardenhq/warden/internal/pgtest"
	"io"
	"net/http"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/client"
	"github.com/wardenhq/warden/internal/iam"
)

// server is a real warden serve, started through run() on a random port.
type server struct {
	url    string
	data   string
	logs   lockedBuffer // everything the server logged
	cancel context.CancelFunc
	done   chan error
}

// lockedBuffer is a bytes.Buffer safe to write from the server's log
// goroutine while a test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer runs `warden serve` in-process with cheap password hashing and
// returns once it listens.
func startServer(t *testing.T, extra ...string) *server {
	t.Helper()
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data,
		"--argon2-memory", "1024", "--argon2-time", "1", "--log-level", "info"}, extra...)
	s := &server{data: data, cancel: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- run(ctx, args, func(string) string { return "" }, strings.NewReader(""), io.Discard, pw)
		pw.Close()
	}()
	addr := regexp.MustCompile(`msg=listening addr=(\S+)`)
	lines := bufio.NewScanner(pr)
	for lines.Scan() {
		s.logs.Write(append(lines.Bytes(), '\n'))
		if m := addr.FindStringSubmatch(lines.Text()); m != nil {
			s.url = "http://" + m[1]
			break
		}
	}
	if s.url == "" {
		cancel()
		t.Fatalf("server did not start: %v", <-s.done)
	}
	go io.Copy(&s.logs, pr)
	t.Cleanup(func() { s.stop(t) })
	return s
}

// stop shuts the server down gracefully and checks that run returned nil.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("serve did not stop within 10s")
	}
}

// must unwraps a (value, error) pair, failing the test on the error:
// v := must(call())(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantKind(t *testing.T, err error, kind iam.Kind, code string) {
	t.Helper()
	if !iam.IsKind(err, kind) || (code != "" && iam.CodeOf(err) != code) {
		t.Fatalf("err = %v, want kind %v code %q", err, kind, code)
	}
}

func TestEndToEnd(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { endToEnd(t, startServer(t)) })
	t.Run("postgres", func(t *testing.T) {
		endToEnd(t, startServer(t, "--database-url", pgtest.Schema(t)))
	})
}

// endToEnd drives one server through signup → login → users created, paged,
// patched both ways and deleted → logout → the audit log and its chain.
func endToEnd(t *testing.T, srv *server) {
	ctx := context.Background()
	anon := client.New(srv.url, "", nil)

	su := must(anon.Signup(ctx, client.Signup{Email: "ada@example.com", Password: "correct horse battery", FullName: "Ada Lovelace", OrgName: "Analytical"}))(t)
	_, err := anon.Signup(ctx, client.Signup{Email: "eve@example.com", Password: "correct horse battery", OrgName: "Other"})
	wantKind(t, err, iam.Conflict, "signup_closed")

	login := must(anon.Login(ctx, "ADA@example.com", "correct horse battery"))(t)
	if login.User.ID != su.UserID || login.TokenType != "Bearer" {
		t.Fatalf("login = %+v", login)
	}
	admin := anon.WithToken(login.AccessToken)
	who := must(admin.WhoAmI(ctx))(t)
	if who.Email != "ada@example.com" || !slices.Equal(who.OrganizationIDs, []iam.ID{su.OrgID}) || !slices.Contains(who.Roles, "admin") {
		t.Fatalf("whoami = %+v", who)
	}

	// Create users, then page through them.
	var created []client.User
	for _, name := range []string{"bob", "carol", "dan", "erin", "frank"} {
		u := must(admin.CreateUser(ctx, client.NewUser{Email: name + "@example.com", Username: name,
			Password: "a long enough password", Metadata: json.RawMessage(`{"team":{"name":"core","size":3}}`)}))(t)
		created = append(created, *u)
	}
	seen := map[iam.ID]bool{}
	q := client.UserQuery{Limit: 2}
	for pages := 0; ; pages++ {
		page := must(admin.ListUsers(ctx, q))(t)
		for _, u := range page.Users {
			if seen[u.ID] {
				t.Fatalf("user %s on two pages", u.Email)
			}
			seen[u.ID] = true
		}
		if page.NextCursor == "" {
			break
		}
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		q.Cursor = page.NextCursor
	}
	if len(seen) != 6 {
		t.Fatalf("paged through %d users, want 6", len(seen))
	}

	// Both patch formats.
	bob := created[0]
	u := must(admin.PatchUser(ctx, bob.ID.String(), client.MergePatch, map[string]any{
		"full_name": "Bob Builder", "metadata": map[string]any{"team": map[string]any{"size": nil}, "shoe": 44}}))(t)
	if u.FullName != "Bob Builder" || !sameJSON(u.Metadata, `{"shoe":44,"team":{"name":"core"}}`) {
		t.Fatalf("after merge patch: %q %s", u.FullName, u.Metadata)
	}
	u = must(admin.PatchUser(ctx, bob.ID.String(), client.JSONPatch, []client.PatchOp{
		{Op: "test", Path: "/username", Value: "bob"}, {Op: "replace", Path: "/roles", Value: []string{"reader"}}}))(t)
	if !slices.Equal(u.Roles, []string{"reader"}) {
		t.Fatalf("after JSON patch: roles %v", u.Roles)
	}

	// A reader may not write; bob logs in and tries.
	bobc := anon.WithToken(must(anon.Login(ctx, "bob", "a long enough password"))(t).AccessToken)
	_, err = bobc.CreateUser(ctx, client.NewUser{Email: "mallory@example.com"})
	wantKind(t, err, iam.PermissionDenied, "forbidden")

	noErr(t, admin.DeleteUser(ctx, created[4].ID.String()))
	_, err = admin.GetUser(ctx, created[4].ID.String())
	wantKind(t, err, iam.NotFound, "not_found")

	// Logout revokes the token at once.
	noErr(t, admin.Logout(ctx))
	_, err = admin.WhoAmI(ctx)
	wantKind(t, err, iam.Unauthenticated, "session_revoked")

	// The log holds every step and its chain verifies.
	admin = anon.WithToken(must(anon.Login(ctx, "ada@example.com", "correct horse battery"))(t).AccessToken)
	var actions []string
	aq := client.AuditQuery{Ascending: true, Limit: 5}
	for {
		page := must(admin.ListAudit(ctx, aq))(t)
		for _, e := range page.Events {
			actions = append(actions, e.Action)
		}
		if page.NextCursor == "" {
			break
		}
		aq.Cursor = page.NextCursor
	}
	want := []string{"org.created", "user.created", "session.created",
		"user.created", "user.created", "user.created", "user.created", "user.created",
		"user.updated", "user.updated", "session.created", "user.deleted", "session.revoked", "session.created"}
	if !slices.Equal(actions, want) {
		t.Fatalf("audit actions:\n got %v\nwant %v", actions, want)
	}
	rep := must(admin.VerifyAudit(ctx))(t)
	if !rep.OK || rep.Events != int64(len(want)) {
		t.Fatalf("verify = %+v", rep)
	}
}

func sameJSON(got json.RawMessage, want string) bool {
	var g, w any
	return json.Unmarshal(got, &g) == nil && json.Unmarshal([]byte(want), &w) == nil && reflect.DeepEqual(g, w)
}

func TestServeShutsDownGracefully(t *testing.T) {
	srv := startServer(t)
	resp := must(http.Get(srv.url + "/readyz"))(t)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz = %d", resp.StatusCode)
	}
	srv.stop(t)
	if _, err := http.Get(srv.url + "/healthz"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
}

// runCLI runs the warden command line against srv with its own config dir.
func runCLI(t *testing.T, configDir, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		if k == "WARDEN_CONFIG_DIR" {
			return configDir
		}
		return ""
	}
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestCLI(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	anon := client.New(srv.url, "", nil)
	must(anon.Signup(ctx, client.Signup{Email: "ada@example.com", Password: "correct horse battery", OrgName: "Analytical"}))(t)
	cfg := t.TempDir()

	out, err := runCLI(t, cfg, "correct horse battery\n", "login", "ada@example.com", "--server", srv.url)
	if err != nil || !strings.Contains(out, "Logged in") {
		t.Fatalf("login: %v\n%s", err, out)
	}
	out, err = runCLI(t, cfg, "a long enough password\n", "users", "create", "--email", "bob@example.com", "--roles", "reader", "--password-stdin")
	if err != nil || !strings.Contains(out, "bob@example.com") {
		t.Fatalf("users create: %v\n%s", err, out)
	}
	out, err = runCLI(t, cfg, "", "users", "list", "--json")
	if err != nil {
		t.Fatalf("users list: %v\n%s", err, out)
	}
	var users []client.User
	if err := json.Unmarshal([]byte(out), &users); err != nil || len(users) != 2 {
		t.Fatalf("users list --json gave %d users (%v):\n%s", len(users), err, out)
	}
	out, err = runCLI(t, cfg, "", "users", "update", users[1].ID.String(), "--full-name", "Bob B")
	if err != nil || !strings.Contains(out, "Bob B") {
		t.Fatalf("users update: %v\n%s", err, out)
	}
	out, err = runCLI(t, cfg, "", "audit", "verify")
	if err != nil || !strings.Contains(out, "intact") {
		t.Fatalf("audit verify: %v\n%s", err, out)
	}
	out, err = runCLI(t, cfg, "", "audit", "list", "--action", "user.updated")
	if err != nil || !strings.Contains(out, "user.updated") {
		t.Fatalf("audit list: %v\n%s", err, out)
	}
	if out, err = runCLI(t, cfg, "", "logout"); err != nil {
		t.Fatalf("logout: %v\n%s", err, out)
	}
	if _, err = runCLI(t, cfg, "", "users", "list"); !iam.IsKind(err, iam.Unauthenticated) {
		t.Fatalf("after logout, users list err = %v, want unauthenticated", err)
	}

	srv.stop(t)
	out, err = runCLI(t, cfg, "", "audit", "verify", "--offline", "--data", srv.data)
	if err != nil || !strings.Contains(out, "intact") {
		t.Fatalf("offline verify: %v\n%s", err, out)
	}

	// Rewrite history in the database file: verification names the event.
	db, err := sql.Open("sqlite", filepath.Join(srv.data, "warden.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`UPDATE audit_events SET action = 'user.viewed' WHERE seq = 3`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, err = runCLI(t, cfg, "", "audit", "verify", "--offline", "--data", srv.data)
	if !errors.Is(err, errChainBroken) || !strings.Contains(out, "BROKEN at event 3") {
		t.Fatalf("offline verify of a tampered log: %v\n%s", err, out)
	}
}

func TestEnvironmentConfiguresFlags(t *testing.T) {
	var out bytes.Buffer
	getenv := func(k string) string {
		if k == "WARDEN_SESSION_TTL" {
			return "not-a-duration"
		}
		return ""
	}
	err := run(context.Background(), []string{"serve", "--data", t.TempDir()}, getenv, nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "WARDEN_SESSION_TTL") {
		t.Fatalf("a malformed WARDEN_SESSION_TTL gave %v", err)
	}
}
