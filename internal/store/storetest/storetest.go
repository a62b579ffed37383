// Package storetest is the conformance suite of iam.Store: every backend
// runs it with a few lines, storetest.Run(t, newStore).
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// NewStore returns a fresh, empty, migrated store, closed at the test's end.
type NewStore func(t *testing.T) iam.Store

// Run runs the whole suite against the backend newStore makes.
func Run(t *testing.T, newStore NewStore) {
	t.Run("orgs", func(t *testing.T) { testOrgs(t, newStore) })
	t.Run("users", func(t *testing.T) { testUsers(t, newStore) })
	t.Run("paging", func(t *testing.T) { testPaging(t, newStore) })
	t.Run("passwords", func(t *testing.T) { testPasswords(t, newStore) })
	t.Run("sessions", func(t *testing.T) { testSessions(t, newStore) })
	t.Run("signing keys", func(t *testing.T) { testSigningKeys(t, newStore) })
	t.Run("audit", func(t *testing.T) { testAudit(t, newStore) })
	t.Run("transactions", func(t *testing.T) { testTx(t, newStore) })
	t.Run("concurrency", func(t *testing.T) { testConcurrency(t, newStore) })
	t.Run("tenant isolation", func(t *testing.T) { testIsolation(t, newStore) })
	t.Run("groups", func(t *testing.T) { testGroups(t, newStore) })
	t.Run("workspaces and projects", func(t *testing.T) { testWorkspaces(t, newStore) })
	t.Run("roles", func(t *testing.T) { testRoles(t, newStore) })
	t.Run("role bindings", func(t *testing.T) { testBindings(t, newStore) })
	t.Run("access isolation", func(t *testing.T) { testAccessIsolation(t, newStore) })
	t.Run("IDs by number", func(t *testing.T) { testIDBySeq(t, newStore) })
	t.Run("idempotency", func(t *testing.T) { testIdempotency(t, newStore) })
	t.Run("lookups by name and number", func(t *testing.T) { testLookups(t, newStore) })
	t.Run("credentials", func(t *testing.T) { testCredentials(t, newStore) })
	t.Run("sms codes", func(t *testing.T) { testSMSCodes(t, newStore) })
	t.Run("external authentications and identity links", func(t *testing.T) { testExternal(t, newStore) })
}

var ctx = context.Background()

// clock hands out distinct, increasing timestamps in storage precision.
type clock struct{ t time.Time }

func newClock() *clock {
	return &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
}

func (c *clock) now() time.Time {
	c.t = c.t.Add(1234567 * time.Nanosecond).Truncate(time.Microsecond)
	return c.t
}

func newID(t *testing.T, at time.Time) iam.ID {
	t.Helper()
	id, err := iam.NewID(at, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mustOrg(t *testing.T, s iam.Queries, c *clock, name string) *iam.Org {
	t.Helper()
	now := c.now()
	o := &iam.Org{ID: newID(t, now), Name: name, CreatedAt: now, UpdatedAt: now}
	if err := s.CreateOrg(ctx, o); err != nil {
		t.Fatalf("CreateOrg(%s): %v", name, err)
	}
	return o
}

func newUser(t *testing.T, c *clock, org *iam.Org, email, username string) *iam.User {
	t.Helper()
	now := c.now()
	return &iam.User{ID: newID(t, now), OrgID: org.ID, Email: email, Username: username,
		FirstName: "First", LastName: "Last", FullName: "First Last", Roles: []string{},
		Metadata: json.RawMessage(`{"b": [1, 2], "a": {"nested": true}}`), CreatedAt: now, UpdatedAt: now}
}

func mustUser(t *testing.T, s iam.Queries, c *clock, org *iam.Org, email, username string) *iam.User {
	t.Helper()
	u := newUser(t, c, org, email, username)
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

func mustSession(t *testing.T, s iam.Queries, c *clock, u *iam.User) *iam.Session {
	t.Helper()
	now := c.now()
	sess := &iam.Session{ID: newID(t, now), OrgID: u.OrgID, UserID: u.ID, Method: "password", IP: "192.0.2.7",
		UserAgent: "test/1.0", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := s.CreateSession(ctx, sess); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	return sess
}

func wantKind(t *testing.T, err error, kind iam.Kind) {
	t.Helper()
	if !iam.IsKind(err, kind) {
		t.Fatalf("err = %v, want kind %v", err, kind)
	}
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// jsonEqual compares two values by their JSON encoding.
func jsonEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Fatalf("%s:\n got %s\nwant %s", what, g, w)
	}
}
