package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Scenarios are the server scenarios in their default order; "ceiling"
// (StartCeiling) and "login-storm" (RunLoginStorm) are run by the caller.
var Scenarios = []string{"whoami-jwt", "get-user-apikey", "list-users", "search-email", "create-user",
	"authz-check", "audit-list", "login", "mixed"}

// Env is what the scenarios share: the target, the manifest, and what was
// learnt from the server before measuring (tokens, user IDs, cursors). Its
// preparation runs once, on first need, before any measured run.
type Env struct {
	T   *Target
	M   *Manifest
	Log io.Writer // progress of the preparation

	run string // makes created emails unique across runs

	adminToken string
	adminOrg   string

	keys       []apiKey
	usersByOrg map[string][]string // user IDs each organization's keys can read
	orgEmails  []string            // sample emails found in the admin's organization
	cursors    []string            // user-list cursors spread over the whole list
	auditSeq   int64               // newest audit event seen
	created    atomic.Int64        // users created, numbering their emails

	prepared map[string]error
}

type apiKey struct{ key, org string }

// NewEnv is an Env for t and m; nothing is sent yet.
func NewEnv(t *Target, m *Manifest, log io.Writer) *Env {
	if log == nil {
		log = io.Discard
	}
	return &Env{T: t, M: m, Log: log, run: randomHex(4), usersByOrg: map[string][]string{}, prepared: map[string]error{}}
}

// once runs a preparation step the first time it is needed.
func (e *Env) once(name string, f func() error) error {
	if err, ok := e.prepared[name]; ok {
		return err
	}
	err := f()
	e.prepared[name] = err
	return err
}

func (e *Env) needAdmin(ctx context.Context) error {
	return e.once("admin", func() error {
		o := e.M.Orgs[0]
		tok, err := login(ctx, e.T, o.AdminEmail, o.AdminPassword)
		if err != nil {
			return err
		}
		var who struct {
			OrganizationIDs []string `json:"organization_ids"`
		}
		if err := e.T.JSON(ctx, "GET", "/v1/whoami", tok, nil, &who); err != nil {
			return err
		}
		if len(who.OrganizationIDs) == 0 {
			return fmt.Errorf("the admin %s belongs to no organization", o.AdminEmail)
		}
		e.adminToken, e.adminOrg = tok, who.OrganizationIDs[0]
		return nil
	})
}

type userPage struct {
	Users []struct {
		ID    string `json:"id"`
		Email string `json:"email"`
	} `json:"users"`
	NextCursor *string `json:"next_cursor"`
}

// needUsers resolves user IDs: a warm-up walk of the admin's user list
// (collecting cursors), the sample emails by exact search in every
// organization the keys belong to, and the keys' own users.
func (e *Env) needUsers(ctx context.Context) error {
	return e.once("users", func() error {
		if err := e.needAdmin(ctx); err != nil {
			return err
		}
		fmt.Fprintf(e.Log, "preparing: resolving %d API keys and %d sample emails\n", len(e.M.APIKeys), min(len(e.M.SampleEmails), 400))
		orgKey := map[string]string{e.adminOrg: e.adminToken}
		orgs := []string{e.adminOrg}
		for _, k := range e.M.APIKeys {
			var who struct {
				OrganizationIDs []string `json:"organization_ids"`
				InternalUserID  *string  `json:"internal_user_id"`
			}
			if err := e.T.JSON(ctx, "GET", "/v1/whoami", k, nil, &who); err != nil {
				return fmt.Errorf("API key %.12s…: %w", k, err)
			}
			if len(who.OrganizationIDs) == 0 {
				continue
			}
			org := who.OrganizationIDs[0]
			e.keys = append(e.keys, apiKey{key: k, org: org})
			if who.InternalUserID != nil {
				e.usersByOrg[org] = append(e.usersByOrg[org], *who.InternalUserID)
			}
			if _, ok := orgKey[org]; !ok {
				orgKey[org] = k
				orgs = append(orgs, org)
			}
		}
		// Walk the start of the admin's list: IDs and cursors.
		cursor := ""
		for page := 0; page < 20; page++ {
			var p userPage
			if err := e.T.JSON(ctx, "GET", "/v1/users?limit=100"+cursorParam(cursor), e.adminToken, nil, &p); err != nil {
				return err
			}
			for _, u := range p.Users {
				e.usersByOrg[e.adminOrg] = append(e.usersByOrg[e.adminOrg], u.ID)
			}
			if p.NextCursor == nil {
				break
			}
			cursor = *p.NextCursor
			e.cursors = append(e.cursors, cursor)
		}
		// Sample emails, spread over the whole data set, reach deep.
		emails := e.M.SampleEmails
		if n := 400; len(emails) > n {
			picked := make([]string, 0, n)
			for i := range n {
				picked = append(picked, emails[i*len(emails)/n])
			}
			emails = picked
		}
		for _, email := range emails {
			for _, org := range orgs[:min(len(orgs), 16)] {
				var p userPage
				if err := e.T.JSON(ctx, "GET", "/v1/users?email="+url.QueryEscape(email), orgKey[org], nil, &p); err != nil {
					if se, ok := err.(*StatusError); ok && se.Status == http.StatusForbidden {
						continue
					}
					return err
				}
				if len(p.Users) == 0 {
					continue
				}
				e.usersByOrg[org] = append(e.usersByOrg[org], p.Users[0].ID)
				if org == e.adminOrg {
					e.orgEmails = append(e.orgEmails, email)
					// A cursor is the last ID of a page: a user's ID starts a
					// page anywhere in the list.
					e.cursors = append(e.cursors, p.Users[0].ID)
				}
				break
			}
		}
		if len(e.usersByOrg[e.adminOrg]) == 0 {
			return fmt.Errorf("found no users in the admin's organization")
		}
		fmt.Fprintf(e.Log, "preparing: %d user IDs in %d organizations, %d list cursors, %d emails in the admin's organization\n",
			countAll(e.usersByOrg), len(e.usersByOrg), len(e.cursors), len(e.orgEmails))
		return nil
	})
}

func countAll(m map[string][]string) int {
	n := 0
	for _, v := range m {
		n += len(v)
	}
	return n
}

func cursorParam(c string) string {
	if c == "" {
		return ""
	}
	return "&cursor=" + url.QueryEscape(c)
}

func (e *Env) needAudit(ctx context.Context) error {
	return e.once("audit", func() error {
		if err := e.needAdmin(ctx); err != nil {
			return err
		}
		var p struct {
			Events []struct {
				Seq int64 `json:"seq"`
			} `json:"events"`
		}
		if err := e.T.JSON(ctx, "GET", "/v1/audit-events?limit=1", e.adminToken, nil, &p); err != nil {
			return err
		}
		if len(p.Events) > 0 {
			e.auditSeq = p.Events[0].Seq
		}
		return nil
	})
}

func newRand(worker int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(worker)))
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// nextCursor finds "next_cursor":"…" in a list answer without decoding it
// all; "" when the page was the last.
func nextCursor(body []byte) string {
	const key = `"next_cursor":"`
	i := bytes.LastIndex(body, []byte(key))
	if i < 0 {
		return ""
	}
	rest := body[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// Build prepares scenario name (one of Scenarios) and returns its
// per-connection request makers.
func (e *Env) Build(ctx context.Context, name string) (func(int) Step, error) {
	switch name {
	case "whoami-jwt":
		if err := e.needAdmin(ctx); err != nil {
			return nil, err
		}
		return func(int) Step {
			return func(ctx context.Context) error {
				return e.T.Call(ctx, http.MethodGet, "/v1/whoami", e.adminToken, nil, nil)
			}
		}, nil

	case "get-user-apikey":
		if len(e.M.APIKeys) == 0 {
			return nil, fmt.Errorf("get-user-apikey needs api_keys in the manifest (--manifest)")
		}
		if err := e.needUsers(ctx); err != nil {
			return nil, err
		}
		var keys []apiKey
		for _, k := range e.keys {
			if len(e.usersByOrg[k.org]) > 0 {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			return nil, fmt.Errorf("get-user-apikey: no API key of the manifest belongs to an organization with known users")
		}
		return func(w int) Step {
			r := newRand(w)
			return func(ctx context.Context) error {
				k := pick(r, keys)
				return e.T.Call(ctx, http.MethodGet, "/v1/users/"+pick(r, e.usersByOrg[k.org]), k.key, nil, nil)
			}
		}, nil

	case "list-users":
		if err := e.needUsers(ctx); err != nil {
			return nil, err
		}
		return e.walker("/v1/users?limit=100", func(r *rand.Rand) string {
			if len(e.cursors) == 0 || r.IntN(20) == 0 {
				return ""
			}
			return pick(r, e.cursors)
		}), nil

	case "audit-list":
		if err := e.needAudit(ctx); err != nil {
			return nil, err
		}
		return e.walker("/v1/audit-events?limit=100", func(r *rand.Rand) string {
			if e.auditSeq < 2 || r.IntN(20) == 0 {
				return ""
			}
			return strconv.FormatInt(1+r.Int64N(e.auditSeq), 10)
		}), nil

	case "search-email":
		if err := e.needUsers(ctx); err != nil {
			return nil, err
		}
		emails := e.orgEmails
		if len(emails) == 0 {
			emails = e.M.SampleEmails
		}
		if len(emails) == 0 {
			return nil, fmt.Errorf("search-email needs sample_emails in the manifest (--manifest)")
		}
		return func(w int) Step {
			r := newRand(w)
			n := 0
			return func(ctx context.Context) error {
				email := pick(r, emails)
				n++
				path := "/v1/users?email=" + url.QueryEscape(email)
				if n%2 == 0 {
					prefix, _, _ := strings.Cut(email, "@")
					prefix = prefix[:max(1, len(prefix)-2)]
					path = "/v1/users?limit=20&q=" + url.QueryEscape(prefix)
				}
				return e.T.Call(ctx, http.MethodGet, path, e.adminToken, nil, nil)
			}
		}, nil

	case "create-user":
		if err := e.needAdmin(ctx); err != nil {
			return nil, err
		}
		return func(w int) Step {
			return func(ctx context.Context) error {
				n := e.created.Add(1)
				body := fmt.Appendf(nil, `{"email":"bench-%s-%d@bench.example.com","full_name":"Bench Created %d","roles":["user"]}`, e.run, n, n)
				return e.T.Call(ctx, http.MethodPost, "/v1/users", e.adminToken, body, nil)
			}
		}, nil

	case "authz-check":
		if err := e.needUsers(ctx); err != nil {
			return nil, err
		}
		users := e.usersByOrg[e.adminOrg]
		perms := []string{"users.read", "users.update", "groups.read", "projects.read", "workspaces.create", "roles.read"}
		return func(w int) Step {
			r := newRand(w)
			return func(ctx context.Context) error {
				path := "/v1/authz/check?principal=" + pick(r, users) + "&permission=" + pick(r, perms) + "&scope=org"
				return e.T.Call(ctx, http.MethodGet, path, e.adminToken, nil, nil)
			}
		}, nil

	case "login":
		emails := e.M.SampleEmails
		if len(emails) == 0 || e.M.Password == "" {
			return nil, fmt.Errorf("login needs sample_emails and password in the manifest (--manifest)")
		}
		return func(w int) Step {
			r := newRand(w)
			return func(ctx context.Context) error {
				body, _ := json.Marshal(map[string]string{"login": pick(r, emails), "password": e.M.Password})
				return e.T.Call(ctx, http.MethodPost, "/v1/login", "", body, nil)
			}
		}, nil

	case "mixed":
		return e.mixed(ctx)
	}
	return nil, fmt.Errorf("unknown scenario %q", name)
}

// walker pages through a list from random starting points, following
// next_cursor a few pages before jumping elsewhere.
func (e *Env) walker(base string, start func(*rand.Rand) string) func(int) Step {
	return func(w int) Step {
		r := newRand(w)
		var buf bytes.Buffer
		cursor, left := "", 0
		return func(ctx context.Context) error {
			if left == 0 {
				cursor, left = start(r), 5
			}
			if err := e.T.Call(ctx, http.MethodGet, base+cursorParam(cursor), e.adminToken, nil, &buf); err != nil {
				left = 0
				return err
			}
			if cursor = nextCursor(buf.Bytes()); cursor == "" {
				left = 0
			} else {
				left--
			}
			return nil
		}
	}
}

// MixedBlend is the mixed scenario: percentages of requests by scenario.
var MixedBlend = []struct {
	Scenario string
	Percent  int
}{{"get-user-apikey", 60}, {"whoami-jwt", 20}, {"search-email", 10}, {"list-users", 5}, {"create-user", 3}, {"login", 2}}

func (e *Env) mixed(ctx context.Context) (func(int) Step, error) {
	makers := make([]func(int) Step, len(MixedBlend))
	for i, b := range MixedBlend {
		m, err := e.Build(ctx, b.Scenario)
		if err != nil {
			return nil, fmt.Errorf("mixed: %w", err)
		}
		makers[i] = m
	}
	return func(w int) Step {
		r := newRand(w)
		steps := make([]Step, len(makers))
		for i, m := range makers {
			steps[i] = m(w)
		}
		return func(ctx context.Context) error {
			n := r.IntN(100)
			for i, b := range MixedBlend {
				if n < b.Percent {
					return steps[i](ctx)
				}
				n -= b.Percent
			}
			return steps[0](ctx)
		}
	}, nil
}

// RunLoginStorm runs logins on half the connections (at least one) and
// whoami-jwt on the rest at the same time, for cfg's duration or until
// the logins have made cfg.Requests: how much a login storm slows ordinary
// authenticated requests.
func (e *Env) RunLoginStorm(ctx context.Context, cfg Config) (whoami, logins *Stats, err error) {
	if cfg.Connections < 2 {
		return nil, nil, fmt.Errorf("login-storm needs at least 2 connections")
	}
	lm, err := e.Build(ctx, "login")
	if err != nil {
		return nil, nil, err
	}
	wm, err := e.Build(ctx, "whoami-jwt")
	if err != nil {
		return nil, nil, err
	}
	lcfg := cfg
	lcfg.Connections = cfg.Connections / 2
	wcfg := Config{Connections: cfg.Connections - lcfg.Connections, Duration: 24 * time.Hour}
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	type res struct {
		s   *Stats
		err error
	}
	wdone := make(chan res, 1)
	go func() {
		s, err := Run(wctx, wcfg, wm)
		wdone <- res{s, err}
	}()
	logins, err = Run(ctx, lcfg, lm)
	stop()
	w := <-wdone
	if err != nil {
		return nil, nil, err
	}
	return w.s, logins, w.err
}
