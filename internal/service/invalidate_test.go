package service_test

import (
	"context"
	"crypto/rand"
	"log/slog"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/pgtest"
	"github.com/wardenhq/warden/internal/redisnotify"
	"github.com/wardenhq/warden/internal/redistest"
	"github.com/wardenhq/warden/internal/service"
	"github.com/wardenhq/warden/internal/store/sqlstore"
	"github.com/wardenhq/warden/internal/store/sqlstore/sqlstoretest"
)

// readyStore tells when its Listen is listening.
type readyStore struct {
	iam.Store
	ready chan struct{}
}

func (s *readyStore) Listen(ctx context.Context, fn func(iam.Invalidation)) error {
	return s.Store.Listen(ctx, func(inv iam.Invalidation) {
		fn(inv)
		if inv.Kind == iam.InvalidateAll {
			select {
			case s.ready <- struct{}{}:
			default:
			}
		}
	})
}

// TestInvalidationsReachOtherNodes: three nodes, each with its own
// connections to one PostgreSQL database. Node two listens; node three
// neither listens nor polls. The clock never moves, so no cache entry ever
// falls due for its recheck: node two refuses what node one revokes, and
// sees the role node one grants, only because it was told; node three,
// untold, goes on answering from its caches.
func TestInvalidationsReachOtherNodes(t *testing.T) {
	invalidationsReachOtherNodes(t, func(st iam.Store) iam.Store { return st })
}

// TestInvalidationsReachOtherNodesThroughRedis: the same, with the
// invalidations on a Redis channel instead of PostgreSQL's LISTEN/NOTIFY,
// each node with a Redis client of its own.
func TestInvalidationsReachOtherNodesThroughRedis(t *testing.T) {
	channel := "warden-test:invalidate:" + rand.Text()
	invalidationsReachOtherNodes(t, func(st iam.Store) iam.Store {
		return redisnotify.Wrap(st, redistest.Client(t), channel, slog.New(slog.DiscardHandler))
	})
}

// invalidationsReachOtherNodes runs the three nodes, each over a store
// that wrap gives its invalidations' transport.
func invalidationsReachOtherNodes(t *testing.T, wrap func(iam.Store) iam.Store) {
	dbURL := pgtest.Schema(t)
	ctx := context.Background()
	open := func() iam.Store { return wrap(sqlstoretest.Open(t, dbURL, sqlstore.Options{ReadConns: 4})) }
	clock := &fakeClock{t: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}
	secret := make([]byte, 32)
	rand.Read(secret)
	listening := &readyStore{Store: open(), ready: make(chan struct{}, 1)}
	one, two, three := node(t, open(), clock, secret), node(t, listening, clock, secret), node(t, open(), clock, secret)
	lctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { two.Listen(lctx); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	select {
	case <-listening.ready:
	case <-time.After(10 * time.Second):
		t.Fatal("node two never started listening")
	}

	client := iam.WithRequest(ctx, iam.Request{IP: "192.0.2.10"})
	const password = "correct horse battery"
	org, adaID, err := one.Auth.Signup(client, service.Signup{Email: "ada@example.com", Password: password, OrgName: "Analytical"})
	if err != nil {
		t.Fatal(err)
	}
	login := func(email string) *service.Session {
		t.Helper()
		s, err := one.Auth.Login(client, service.Login{Login: email, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	main, other := login("ada@example.com"), login("ada@example.com")
	p, err := one.Auth.Authenticate(client, main.Token)
	if err != nil {
		t.Fatal(err)
	}
	admin := iam.WithPrincipal(client, p)
	uma, err := one.Users.Create(admin, service.NewUser{Email: "uma@example.com", Password: password, Roles: []string{"reader"}})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := one.Users.Create(admin, service.NewUser{Email: "bob@example.com", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	bobSession := login("bob@example.com")
	adaKey, err := one.APIKeys.Create(admin, service.KeyOwner{Kind: iam.KindUser, ID: adaID}, service.NewAPIKey{ValidSources: []string{"192.0.2.0/24"}})
	if err != nil {
		t.Fatal(err)
	}
	umaKey, err := one.APIKeys.Create(admin, service.KeyOwner{Kind: iam.KindUser, ID: uma.ID}, service.NewAPIKey{ValidSources: []string{"192.0.2.0/24"}})
	if err != nil {
		t.Fatal(err)
	}
	accessToken := func(name string) (*iam.OAuthClient, *service.Token) {
		t.Helper()
		c, secret, err := one.OAuthClients.Create(admin, name, true)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := one.OAuth.Token(client, service.TokenRequest{GrantType: "password", Username: "ada@example.com", Password: password,
			Client: service.ClientCredentials{ID: c.ID.String(), Secret: secret}})
		if err != nil {
			t.Fatal(err)
		}
		return c, tok
	}
	_, tok := accessToken("grant revoked")
	revokedClient, clientTok := accessToken("client revoked")

	credentials := map[string]string{
		"a session revoked by id":            other.Token,
		"a session signed out everywhere":    bobSession.Token,
		"an API key revoked":                 adaKey.Plain,
		"an API key whose owner is disabled": umaKey.Plain,
		"an OAuth grant revoked":             tok.AccessToken,
		"an OAuth client revoked":            clientTok.AccessToken,
	}
	for what, token := range credentials {
		for _, n := range []*service.Services{two, three} {
			if _, err := n.Auth.Authenticate(client, token); err != nil {
				t.Fatalf("%s, before: %v", what, err)
			}
		}
	}
	mayCreateUsers := func(n *service.Services) bool {
		t.Helper()
		d, err := n.Access.Check(admin, uma.ID, "users.create", iam.ScopeOrg, org)
		if err != nil {
			t.Fatal(err)
		}
		return d.Allowed
	}
	if mayCreateUsers(two) || mayCreateUsers(three) {
		t.Fatal("a reader may create users")
	}

	// A login changes no access version: only the message tells node two
	// that the user it cached has a new last_login_at.
	cy, err := one.Users.Create(admin, service.NewUser{Email: "cy@example.com", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	lastLogin := func(n *service.Services) *time.Time {
		t.Helper()
		u, err := n.Users.Get(admin, cy.ID)
		if err != nil {
			t.Fatal(err)
		}
		return u.LastLoginAt
	}
	if lastLogin(two) != nil || lastLogin(three) != nil {
		t.Fatal("cy has logged in before logging in")
	}
	login("cy@example.com")
	for wait := time.Now().Add(2 * time.Second); lastLogin(two) == nil; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(wait) {
			t.Fatal("node two: cy's login not seen within 2 s")
		}
	}
	if lastLogin(three) != nil {
		t.Error("node three, untold, sees cy's login already: the test no longer shows the notification")
	}

	// Node one revokes, signs out, disables and promotes.
	if err := one.Sessions.Revoke(admin, adaID, other.Session.ID); err != nil {
		t.Fatal(err)
	}
	if err := one.Sessions.RevokeAll(admin, bob.ID); err != nil {
		t.Fatal(err)
	}
	if err := one.APIKeys.Revoke(admin, service.KeyOwner{Kind: iam.KindUser, ID: adaID}, adaKey.Key.ID); err != nil {
		t.Fatal(err)
	}
	if err := one.Grants.Revoke(admin, adaID, tok.Grant.ID); err != nil {
		t.Fatal(err)
	}
	if err := one.OAuthClients.Revoke(admin, revokedClient.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := one.Users.Update(admin, uma.ID, func(u *service.UserUpdate) error {
		u.Roles, u.Disabled = []string{"admin"}, true
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(2 * time.Second)
	eventually := func(what string, ok func() bool) {
		t.Helper()
		for !ok() {
			if time.Now().After(deadline) {
				t.Errorf("node two: %s: not seen within 2 s", what)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	for what, token := range credentials {
		eventually(what, func() bool {
			_, err := two.Auth.Authenticate(client, token)
			return err != nil
		})
		if _, err := three.Auth.Authenticate(client, token); err != nil {
			t.Errorf("node three, untold, refuses %s already (%v): the test no longer shows the notification", what, err)
		}
	}
	eventually("a new role", func() bool { return mayCreateUsers(two) })
	if mayCreateUsers(three) {
		t.Error("node three, untold, sees the new role already: the test no longer shows the notification")
	}
}
