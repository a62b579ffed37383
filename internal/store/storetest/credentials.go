package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

func mustServiceAccount(t *testing.T, s iam.Queries, c *clock, org *iam.Org, name string) *iam.ServiceAccount {
	t.Helper()
	now := c.now()
	sa := &iam.ServiceAccount{ID: newID(t, now), OrgID: org.ID, Name: name, Description: "the " + name,
		CreatedAt: now, UpdatedAt: now}
	noErr(t, s.CreateServiceAccount(ctx, sa))
	return sa
}

func newAPIKey(t *testing.T, c *clock, org iam.ID, kind iam.PrincipalKind, principal iam.ID) *iam.APIKey {
	t.Helper()
	now := c.now()
	return &iam.APIKey{ID: newID(t, now), OrgID: org, PrincipalKind: kind, PrincipalID: principal,
		SecretHash: []byte("sha256-of-secret-" + now.String()), Description: "ci key",
		ValidSources: []string{"192.0.2.0/24", "2001:db8::1"}, Permissions: []string{"users.read"}, CreatedAt: now}
}

func mustAPIKey(t *testing.T, s iam.Queries, c *clock, org iam.ID, kind iam.PrincipalKind, principal iam.ID) *iam.APIKey {
	t.Helper()
	k := newAPIKey(t, c, org, kind, principal)
	noErr(t, s.CreateAPIKey(ctx, k))
	return k
}

func mustOAuthClient(t *testing.T, s iam.Queries, c *clock, org, sa iam.ID) *iam.OAuthClient {
	t.Helper()
	now := c.now()
	cl := &iam.OAuthClient{ID: newID(t, now), OrgID: org, ServiceAccountID: sa, Name: "client",
		SecretHash: []byte("client-secret-hash"), CreatedAt: now}
	noErr(t, s.CreateOAuthClient(ctx, cl))
	return cl
}

func mustGrant(t *testing.T, s iam.Queries, c *clock, org iam.ID, kind iam.PrincipalKind, principal iam.ID) *iam.Grant {
	t.Helper()
	now := c.now()
	g := &iam.Grant{ID: newID(t, now), OrgID: org, PrincipalKind: kind, PrincipalID: principal, Type: "user",
		ForClientID: "squirro-app", Permissions: []string{"projects.read"}, CreatedAt: now}
	noErr(t, s.CreateGrant(ctx, g))
	return g
}

func mustRefreshToken(t *testing.T, s iam.Queries, c *clock, g *iam.Grant) *iam.RefreshToken {
	t.Helper()
	now := c.now()
	rt := &iam.RefreshToken{ID: newID(t, now), OrgID: g.OrgID, GrantID: g.ID, SecretHash: []byte("refresh-hash"), CreatedAt: now}
	noErr(t, s.CreateRefreshToken(ctx, rt))
	return rt
}

func mustAuthMethod(t *testing.T, s iam.Queries, c *clock, u *iam.User, method string) *iam.AuthMethod {
	t.Helper()
	m := &iam.AuthMethod{OrgID: u.OrgID, UserID: u.ID, Method: method, Initialized: true, Enabled: true,
		Secret: []byte("sealed-seed"), Settings: json.RawMessage(`{"digits": 6}`), UpdatedAt: c.now()}
	noErr(t, s.PutAuthMethod(ctx, m))
	return m
}

func ptr(t time.Time) *time.Time { return &t }

func wantCode(t *testing.T, err error, kind iam.Kind, code string) {
	t.Helper()
	wantKind(t, err, kind)
	if got := iam.CodeOf(err); got != code {
		t.Fatalf("code = %q, want %q (%v)", got, code, err)
	}
}

func testCredentials(t *testing.T, newStore NewStore) {
	t.Run("service accounts round-trip, page and have unique names", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		sa := mustServiceAccount(t, s, c, o, "Deploy Bot")
		if sa.Seq <= 0 {
			t.Fatalf("Seq = %d", sa.Seq)
		}
		got, err := s.GetServiceAccount(ctx, o.ID, sa.ID)
		noErr(t, err)
		jsonEqual(t, "GetServiceAccount", got, sa)

		now := c.now()
		err = s.CreateServiceAccount(ctx, &iam.ServiceAccount{ID: newID(t, now), OrgID: o.ID, Name: "DEPLOY bot",
			CreatedAt: now, UpdatedAt: now})
		wantKind(t, err, iam.Conflict)
		var e *iam.Error
		if !asErr(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "name" {
			t.Fatalf("conflict does not name the name field: %#v", err)
		}
		err = s.CreateServiceAccount(ctx, &iam.ServiceAccount{ID: sa.ID, OrgID: o.ID, Name: "other",
			CreatedAt: now, UpdatedAt: now})
		wantKind(t, err, iam.Conflict)
		ghost := &iam.ServiceAccount{ID: newID(t, now), OrgID: newID(t, now), Name: "x", CreatedAt: now, UpdatedAt: now}
		wantKind(t, s.CreateServiceAccount(ctx, ghost), iam.NotFound)
		// The same name in another org is fine.
		mustServiceAccount(t, s, c, mustOrg(t, s, c, "Other"), "Deploy Bot")

		sa.Name, sa.Description, sa.Disabled, sa.UpdatedAt = "Release Bot", "ships releases", true, c.now()
		noErr(t, s.UpdateServiceAccount(ctx, sa))
		got, _ = s.GetServiceAccount(ctx, o.ID, sa.ID)
		jsonEqual(t, "after UpdateServiceAccount", got, sa)
		second := mustServiceAccount(t, s, c, o, "Second")
		third := mustServiceAccount(t, s, c, o, "Third")
		second.Name = "release BOT"
		wantKind(t, s.UpdateServiceAccount(ctx, second), iam.Conflict)

		page, err := s.ListServiceAccounts(ctx, o.ID, iam.Page{Limit: 2})
		noErr(t, err)
		if len(page) != 2 || page[0].ID != sa.ID || page[1].ID != second.ID {
			t.Fatalf("first page = %v", page)
		}
		page, err = s.ListServiceAccounts(ctx, o.ID, iam.Page{After: page[1].ID, Limit: 2})
		noErr(t, err)
		if len(page) != 1 || page[0].ID != third.ID {
			t.Fatalf("second page = %v", page)
		}

		noErr(t, s.DeleteServiceAccount(ctx, o.ID, sa.ID))
		_, err = s.GetServiceAccount(ctx, o.ID, sa.ID)
		wantKind(t, err, iam.NotFound)
		wantKind(t, s.DeleteServiceAccount(ctx, o.ID, sa.ID), iam.NotFound)
		wantKind(t, s.UpdateServiceAccount(ctx, sa), iam.NotFound)
		// The name is free again.
		mustServiceAccount(t, s, c, o, "Release Bot")
	})

	t.Run("API keys round-trip every field and number in order", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		sa := mustServiceAccount(t, s, c, o, "bot")
		k := newAPIKey(t, c, o.ID, iam.KindUser, u.ID)
		k.ExpiresAt, k.LastUsedAt, k.LastUsedFrom = ptr(c.now().Add(90*24*time.Hour)), ptr(c.now()), "192.0.2.9"
		noErr(t, s.CreateAPIKey(ctx, k))
		if k.Seq <= 0 {
			t.Fatalf("Seq = %d", k.Seq)
		}
		got, err := s.GetAPIKey(ctx, o.ID, k.ID)
		noErr(t, err)
		jsonEqual(t, "GetAPIKey", got, k)
		got, err = s.FindAPIKey(ctx, k.ID)
		noErr(t, err)
		jsonEqual(t, "FindAPIKey", got, k)

		bare := newAPIKey(t, c, o.ID, iam.KindUser, u.ID)
		bare.ValidSources, bare.Permissions, bare.Description = nil, nil, ""
		noErr(t, s.CreateAPIKey(ctx, bare))
		if bare.Seq <= k.Seq {
			t.Fatalf("Seq %d after %d", bare.Seq, k.Seq)
		}
		got, _ = s.GetAPIKey(ctx, o.ID, bare.ID)
		if got.ValidSources == nil || len(got.ValidSources) != 0 || got.Permissions == nil || len(got.Permissions) != 0 ||
			got.ExpiresAt != nil || got.LastUsedAt != nil || got.RevokedAt != nil {
			t.Fatalf("bare key read back as %+v", got)
		}
		bare.ValidSources, bare.Permissions = []string{}, []string{} // as read back
		saKey := mustAPIKey(t, s, c, o.ID, iam.KindServiceAccount, sa.ID)

		dup := newAPIKey(t, c, o.ID, iam.KindUser, u.ID)
		dup.ID = k.ID
		wantKind(t, s.CreateAPIKey(ctx, dup), iam.Conflict)
		wantKind(t, s.CreateAPIKey(ctx, newAPIKey(t, c, o.ID, iam.KindUser, newID(t, c.now()))), iam.NotFound)
		// A principal of the wrong kind does not exist as that kind.
		wantKind(t, s.CreateAPIKey(ctx, newAPIKey(t, c, o.ID, iam.KindServiceAccount, u.ID)), iam.NotFound)
		wantKind(t, s.CreateAPIKey(ctx, newAPIKey(t, c, o.ID, "robot", u.ID)), iam.Invalid)

		at := c.now()
		noErr(t, s.RevokeAPIKey(ctx, o.ID, k.ID, at))
		wantKind(t, s.RevokeAPIKey(ctx, o.ID, k.ID, c.now()), iam.NotFound)
		wantKind(t, s.RevokeAPIKey(ctx, o.ID, newID(t, c.now()), c.now()), iam.NotFound)
		k.RevokedAt = &at
		got, _ = s.FindAPIKey(ctx, k.ID)
		jsonEqual(t, "revoked key", got, k)

		list, err := s.ListAPIKeys(ctx, o.ID, u.ID)
		noErr(t, err)
		jsonEqual(t, "ListAPIKeys", list, []*iam.APIKey{k, bare})
		list, _ = s.ListAPIKeys(ctx, o.ID, sa.ID)
		jsonEqual(t, "ListAPIKeys of the service account", list, []*iam.APIKey{saKey})

		exp := c.now().Add(time.Hour)
		noErr(t, s.RenewAPIKey(ctx, o.ID, bare.ID, &exp))
		got, _ = s.GetAPIKey(ctx, o.ID, bare.ID)
		if got.ExpiresAt == nil || !got.ExpiresAt.Equal(exp) {
			t.Fatalf("ExpiresAt = %v, want %v", got.ExpiresAt, exp)
		}
		noErr(t, s.RenewAPIKey(ctx, o.ID, bare.ID, nil))
		got, _ = s.GetAPIKey(ctx, o.ID, bare.ID)
		if got.ExpiresAt != nil {
			t.Fatalf("ExpiresAt = %v, want never", got.ExpiresAt)
		}
		wantKind(t, s.RenewAPIKey(ctx, o.ID, newID(t, c.now()), nil), iam.NotFound)

		used := c.now()
		noErr(t, s.TouchAPIKey(ctx, o.ID, bare.ID, used, "198.51.100.4"))
		got, _ = s.GetAPIKey(ctx, o.ID, bare.ID)
		if got.LastUsedAt == nil || !got.LastUsedAt.Equal(used) || got.LastUsedFrom != "198.51.100.4" {
			t.Fatalf("after TouchAPIKey: %v from %q", got.LastUsedAt, got.LastUsedFrom)
		}
		wantKind(t, s.TouchAPIKey(ctx, o.ID, newID(t, c.now()), used, ""), iam.NotFound)
		_, err = s.FindAPIKey(ctx, newID(t, c.now()))
		wantKind(t, err, iam.NotFound)
	})

	t.Run("OAuth clients round-trip, list by service account and revoke once", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		sa := mustServiceAccount(t, s, c, o, "bot")
		cl := mustOAuthClient(t, s, c, o.ID, sa.ID)
		got, err := s.FindOAuthClient(ctx, cl.ID)
		noErr(t, err)
		jsonEqual(t, "FindOAuthClient", got, cl)
		now := c.now()
		app := &iam.OAuthClient{ID: newID(t, now), OrgID: o.ID, Name: "web app", SecretHash: []byte("h"),
			AllowPassword: true, CreatedAt: now}
		noErr(t, s.CreateOAuthClient(ctx, app))
		got, _ = s.FindOAuthClient(ctx, app.ID)
		jsonEqual(t, "first-party client", got, app)
		if !got.ServiceAccountID.IsZero() {
			t.Fatalf("ServiceAccountID = %v", got.ServiceAccountID)
		}
		cl2 := mustOAuthClient(t, s, c, o.ID, sa.ID)

		list, err := s.ListOAuthClients(ctx, o.ID, sa.ID)
		noErr(t, err)
		jsonEqual(t, "ListOAuthClients", list, []*iam.OAuthClient{cl, cl2})
		list, err = s.ListOAuthClients(ctx, o.ID, iam.NilID)
		noErr(t, err)
		jsonEqual(t, "first-party clients", list, []*iam.OAuthClient{app})

		dup := *cl
		wantKind(t, s.CreateOAuthClient(ctx, &dup), iam.Conflict)
		ghost := &iam.OAuthClient{ID: newID(t, c.now()), OrgID: o.ID, ServiceAccountID: newID(t, c.now()), SecretHash: []byte("h")}
		wantKind(t, s.CreateOAuthClient(ctx, ghost), iam.NotFound)
		ghost = &iam.OAuthClient{ID: newID(t, c.now()), OrgID: newID(t, c.now()), SecretHash: []byte("h")}
		wantKind(t, s.CreateOAuthClient(ctx, ghost), iam.NotFound)

		at := c.now()
		noErr(t, s.RevokeOAuthClient(ctx, o.ID, cl.ID, at))
		wantKind(t, s.RevokeOAuthClient(ctx, o.ID, cl.ID, c.now()), iam.NotFound)
		wantKind(t, s.RevokeOAuthClient(ctx, o.ID, newID(t, c.now()), c.now()), iam.NotFound)
		cl.RevokedAt = &at
		got, _ = s.FindOAuthClient(ctx, cl.ID)
		jsonEqual(t, "revoked client", got, cl)
		_, err = s.FindOAuthClient(ctx, newID(t, c.now()))
		wantKind(t, err, iam.NotFound)
	})

	t.Run("grants and refresh tokens round-trip; a token is used once", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		sa := mustServiceAccount(t, s, c, o, "bot")
		cl := mustOAuthClient(t, s, c, o.ID, iam.NilID)
		now := c.now()
		g := &iam.Grant{ID: newID(t, now), OrgID: o.ID, PrincipalKind: iam.KindUser, PrincipalID: u.ID, Type: "password",
			ClientID: cl.ID, Permissions: []string{"a.read", "b.write"}, CreatedAt: now, LastUsedAt: ptr(c.now()),
			ExpiresAt: ptr(now.Add(30 * 24 * time.Hour))}
		noErr(t, s.CreateGrant(ctx, g))
		got, err := s.GetGrant(ctx, o.ID, g.ID)
		noErr(t, err)
		jsonEqual(t, "GetGrant", got, g)
		g2 := mustGrant(t, s, c, o.ID, iam.KindUser, u.ID)
		got, _ = s.GetGrant(ctx, o.ID, g2.ID)
		jsonEqual(t, "grant without client", got, g2)
		saGrant := mustGrant(t, s, c, o.ID, iam.KindServiceAccount, sa.ID)

		wantKind(t, s.CreateGrant(ctx, &iam.Grant{ID: g.ID, OrgID: o.ID, PrincipalKind: iam.KindUser, PrincipalID: u.ID}), iam.Conflict)
		wantKind(t, s.CreateGrant(ctx, &iam.Grant{ID: newID(t, c.now()), OrgID: o.ID, PrincipalKind: iam.KindUser,
			PrincipalID: sa.ID}), iam.NotFound)

		list, err := s.ListGrants(ctx, o.ID, u.ID)
		noErr(t, err)
		jsonEqual(t, "ListGrants", list, []*iam.Grant{g, g2})
		list, _ = s.ListGrants(ctx, o.ID, sa.ID)
		jsonEqual(t, "ListGrants of the service account", list, []*iam.Grant{saGrant})

		used := c.now()
		noErr(t, s.TouchGrant(ctx, o.ID, g2.ID, used))
		got, _ = s.GetGrant(ctx, o.ID, g2.ID)
		if got.LastUsedAt == nil || !got.LastUsedAt.Equal(used) {
			t.Fatalf("LastUsedAt = %v", got.LastUsedAt)
		}
		wantKind(t, s.TouchGrant(ctx, o.ID, newID(t, c.now()), used), iam.NotFound)

		rt := mustRefreshToken(t, s, c, g)
		gotRT, err := s.FindRefreshToken(ctx, rt.ID)
		noErr(t, err)
		jsonEqual(t, "FindRefreshToken", gotRT, rt)
		dupRT := *rt
		wantKind(t, s.CreateRefreshToken(ctx, &dupRT), iam.Conflict)
		wantKind(t, s.CreateRefreshToken(ctx, &iam.RefreshToken{ID: newID(t, c.now()), OrgID: o.ID,
			GrantID: newID(t, c.now()), SecretHash: []byte("h")}), iam.NotFound)

		at := c.now()
		noErr(t, s.UseRefreshToken(ctx, o.ID, rt.ID, at))
		rt.UsedAt = &at
		gotRT, _ = s.FindRefreshToken(ctx, rt.ID)
		jsonEqual(t, "used refresh token", gotRT, rt)
		wantCode(t, s.UseRefreshToken(ctx, o.ID, rt.ID, c.now()), iam.Conflict, "token_reused")
		gotRT, _ = s.FindRefreshToken(ctx, rt.ID)
		jsonEqual(t, "reused refresh token is unchanged", gotRT, rt)
		wantKind(t, s.UseRefreshToken(ctx, o.ID, newID(t, c.now()), c.now()), iam.NotFound)
		_, err = s.FindRefreshToken(ctx, newID(t, c.now()))
		wantKind(t, err, iam.NotFound)

		revoked := c.now()
		noErr(t, s.RevokeGrant(ctx, o.ID, g.ID, revoked))
		wantKind(t, s.RevokeGrant(ctx, o.ID, g.ID, c.now()), iam.NotFound)
		wantKind(t, s.RevokeGrant(ctx, o.ID, newID(t, c.now()), c.now()), iam.NotFound)
		got, _ = s.GetGrant(ctx, o.ID, g.ID)
		if got.RevokedAt == nil || !got.RevokedAt.Equal(revoked) {
			t.Fatalf("RevokedAt = %v, want %v", got.RevokedAt, revoked)
		}
		list, _ = s.ListGrants(ctx, o.ID, u.ID)
		if len(list) != 2 {
			t.Fatalf("ListGrants after revoke: %d grants, want 2", len(list))
		}
	})

	t.Run("racing uses of one refresh token: exactly one wins", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		rt := mustRefreshToken(t, s, c, mustGrant(t, s, c, o.ID, iam.KindUser, u.ID))
		const n = 8
		at := c.now()
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%2 == 0 {
					errs[i] = s.Tx(ctx, func(q iam.Queries) error { return q.UseRefreshToken(ctx, o.ID, rt.ID, at) })
				} else {
					errs[i] = s.UseRefreshToken(ctx, o.ID, rt.ID, at)
				}
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case iam.CodeOf(err) != "token_reused":
				t.Fatalf("a racing use failed with %v, want token_reused", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d uses won, want exactly 1", wins)
		}
	})

	t.Run("auth methods round-trip and TOTP steps only move forward", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		m := &iam.AuthMethod{OrgID: o.ID, UserID: u.ID, Method: "totp", Initialized: true, Enabled: true,
			Secret: []byte{0, 1, 2, 0xff}, Settings: json.RawMessage(`{"digits": 6, "period": 30}`), LastStep: 7,
			LastLoginAt: ptr(c.now()), LastLoginIP: "192.0.2.1", UpdatedAt: c.now()}
		noErr(t, s.PutAuthMethod(ctx, m))
		got, err := s.GetAuthMethod(ctx, o.ID, u.ID, "totp")
		noErr(t, err)
		jsonEqual(t, "GetAuthMethod", got, m)
		if string(got.Settings) != `{"digits": 6, "period": 30}` {
			t.Fatalf("settings not stored verbatim: %s", got.Settings)
		}

		sms := &iam.AuthMethod{OrgID: o.ID, UserID: u.ID, Method: "sms", UpdatedAt: c.now()}
		noErr(t, s.PutAuthMethod(ctx, sms))
		got, _ = s.GetAuthMethod(ctx, o.ID, u.ID, "sms")
		if string(got.Settings) != "{}" || got.Secret != nil || got.LastLoginAt != nil {
			t.Fatalf("bare method read back as %+v", got)
		}
		// Replacing keeps one row per (user, method).
		sms.Initialized, sms.Settings, sms.UpdatedAt = true, json.RawMessage(`{"phone": "+41790000000"}`), c.now()
		noErr(t, s.PutAuthMethod(ctx, sms))
		list, err := s.ListAuthMethods(ctx, o.ID, u.ID)
		noErr(t, err)
		jsonEqual(t, "ListAuthMethods", list, []*iam.AuthMethod{sms, m})

		for _, step := range []struct {
			step int64
			want bool
		}{{7, false}, {6, false}, {8, true}, {8, false}, {100, true}, {99, false}} {
			ok, err := s.AdvanceAuthMethodStep(ctx, o.ID, u.ID, "totp", step.step)
			noErr(t, err)
			if ok != step.want {
				t.Fatalf("AdvanceAuthMethodStep(%d) = %v, want %v", step.step, ok, step.want)
			}
		}
		got, _ = s.GetAuthMethod(ctx, o.ID, u.ID, "totp")
		if got.LastStep != 100 {
			t.Fatalf("LastStep = %d, want 100", got.LastStep)
		}
		_, err = s.AdvanceAuthMethodStep(ctx, o.ID, u.ID, "webauthn", 1)
		wantKind(t, err, iam.NotFound)

		at := c.now()
		noErr(t, s.RecordAuthMethodLogin(ctx, o.ID, u.ID, "totp", at, "198.51.100.7"))
		got, _ = s.GetAuthMethod(ctx, o.ID, u.ID, "totp")
		if got.LastLoginAt == nil || !got.LastLoginAt.Equal(at) || got.LastLoginIP != "198.51.100.7" {
			t.Fatalf("after RecordAuthMethodLogin: %v from %q", got.LastLoginAt, got.LastLoginIP)
		}
		wantKind(t, s.RecordAuthMethodLogin(ctx, o.ID, u.ID, "webauthn", at, ""), iam.NotFound)

		noErr(t, s.DeleteAuthMethod(ctx, o.ID, u.ID, "sms"))
		wantKind(t, s.DeleteAuthMethod(ctx, o.ID, u.ID, "sms"), iam.NotFound)
		_, err = s.GetAuthMethod(ctx, o.ID, u.ID, "sms")
		wantKind(t, err, iam.NotFound)
		wantKind(t, s.PutAuthMethod(ctx, &iam.AuthMethod{OrgID: o.ID, UserID: newID(t, c.now()), Method: "totp"}), iam.NotFound)
	})

	t.Run("racing TOTP steps: exactly one wins", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		mustAuthMethod(t, s, c, u, "totp")
		const n = 8
		oks := make([]bool, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				oks[i], errs[i] = s.AdvanceAuthMethodStep(ctx, o.ID, u.ID, "totp", 42)
			}()
		}
		wg.Wait()
		wins := 0
		for i := range n {
			noErr(t, errs[i])
			if oks[i] {
				wins++
			}
		}
		if wins != 1 {
			t.Fatalf("%d uses of one step won, want exactly 1", wins)
		}
	})

	t.Run("recovery codes are single use and replaced as a set", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		if n, err := s.CountRecoveryCodes(ctx, o.ID, u.ID); err != nil || n != 0 {
			t.Fatalf("CountRecoveryCodes = %d, %v", n, err)
		}
		noErr(t, s.ReplaceRecoveryCodes(ctx, o.ID, u.ID, [][]byte{[]byte("c1"), []byte("c2"), []byte("c3")}))
		if n, _ := s.CountRecoveryCodes(ctx, o.ID, u.ID); n != 3 {
			t.Fatalf("CountRecoveryCodes = %d, want 3", n)
		}
		ok, err := s.UseRecoveryCode(ctx, o.ID, u.ID, []byte("c2"), c.now())
		noErr(t, err)
		if !ok {
			t.Fatal("a fresh code was refused")
		}
		if ok, _ := s.UseRecoveryCode(ctx, o.ID, u.ID, []byte("c2"), c.now()); ok {
			t.Fatal("a used code was accepted again")
		}
		if ok, _ := s.UseRecoveryCode(ctx, o.ID, u.ID, []byte("nope"), c.now()); ok {
			t.Fatal("an unknown code was accepted")
		}
		if n, _ := s.CountRecoveryCodes(ctx, o.ID, u.ID); n != 2 {
			t.Fatalf("CountRecoveryCodes = %d, want 2", n)
		}
		noErr(t, s.ReplaceRecoveryCodes(ctx, o.ID, u.ID, [][]byte{[]byte("d1"), []byte("d2"), []byte("c2")}))
		if n, _ := s.CountRecoveryCodes(ctx, o.ID, u.ID); n != 3 {
			t.Fatalf("after replace: CountRecoveryCodes = %d, want 3", n)
		}
		if ok, _ := s.UseRecoveryCode(ctx, o.ID, u.ID, []byte("c1"), c.now()); ok {
			t.Fatal("an old code survived the replacement")
		}
		if ok, _ := s.UseRecoveryCode(ctx, o.ID, u.ID, []byte("c2"), c.now()); !ok {
			t.Fatal("a new code equal to a used old one was refused")
		}
		noErr(t, s.ReplaceRecoveryCodes(ctx, o.ID, u.ID, nil))
		if n, _ := s.CountRecoveryCodes(ctx, o.ID, u.ID); n != 0 {
			t.Fatalf("after clearing: CountRecoveryCodes = %d", n)
		}
		wantKind(t, s.ReplaceRecoveryCodes(ctx, o.ID, newID(t, c.now()), [][]byte{[]byte("x")}), iam.NotFound)
	})

	t.Run("password policy, history and change time", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		_, err := s.GetPasswordPolicy(ctx, o.ID)
		wantKind(t, err, iam.NotFound)
		p := &iam.PasswordPolicy{OrgID: o.ID, MinLength: 12, MaxLength: 128, Blocklist: true, History: 5, MaxAgeDays: 90, UpdatedAt: c.now()}
		noErr(t, s.PutPasswordPolicy(ctx, p))
		got, err := s.GetPasswordPolicy(ctx, o.ID)
		noErr(t, err)
		jsonEqual(t, "GetPasswordPolicy", got, p)
		p.MinLength, p.Blocklist, p.History, p.MaxAgeDays, p.UpdatedAt = 8, false, 0, 0, c.now()
		noErr(t, s.PutPasswordPolicy(ctx, p))
		got, _ = s.GetPasswordPolicy(ctx, o.ID)
		jsonEqual(t, "after a second PutPasswordPolicy", got, p)
		wantKind(t, s.PutPasswordPolicy(ctx, &iam.PasswordPolicy{OrgID: newID(t, c.now())}), iam.NotFound)

		_, err = s.PasswordChangedAt(ctx, o.ID, u.ID)
		wantKind(t, err, iam.NotFound)
		// A hash set without choosing (import, upgrade) is no change.
		noErr(t, s.SetPasswordHash(ctx, o.ID, u.ID, "imported"))
		_, err = s.PasswordChangedAt(ctx, o.ID, u.ID)
		wantKind(t, err, iam.NotFound)
		if h, _ := s.PasswordHistory(ctx, o.ID, u.ID, 10); len(h) != 0 {
			t.Fatalf("history after SetPasswordHash: %v", h)
		}

		var last time.Time
		for i := 1; i <= 3; i++ {
			last = c.now()
			noErr(t, s.SetPassword(ctx, o.ID, u.ID, fmt.Sprintf("h%d", i), last))
		}
		if h, _ := s.GetPasswordHash(ctx, o.ID, u.ID); h != "h3" {
			t.Fatalf("hash = %q, want h3", h)
		}
		at, err := s.PasswordChangedAt(ctx, o.ID, u.ID)
		noErr(t, err)
		if !at.Equal(last) {
			t.Fatalf("PasswordChangedAt = %v, want %v", at, last)
		}
		h, err := s.PasswordHistory(ctx, o.ID, u.ID, 2)
		noErr(t, err)
		if !slices.Equal(h, []string{"h3", "h2"}) {
			t.Fatalf("PasswordHistory(2) = %v", h)
		}
		if h, _ := s.PasswordHistory(ctx, o.ID, u.ID, 10); !slices.Equal(h, []string{"h3", "h2", "h1"}) {
			t.Fatalf("PasswordHistory(10) = %v", h)
		}
		if h, err := s.PasswordHistory(ctx, o.ID, u.ID, 0); err != nil || len(h) != 0 {
			t.Fatalf("PasswordHistory(0) = %v, %v", h, err)
		}
		// Rehashing the same password keeps the change time.
		noErr(t, s.SetPasswordHash(ctx, o.ID, u.ID, "h3-rehashed"))
		if at, _ := s.PasswordChangedAt(ctx, o.ID, u.ID); !at.Equal(last) {
			t.Fatalf("PasswordChangedAt after a rehash = %v, want %v", at, last)
		}
		wantKind(t, s.SetPassword(ctx, o.ID, newID(t, c.now()), "h", c.now()), iam.NotFound)
	})

	t.Run("deleting a user removes its credentials", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		kept := mustUser(t, s, c, o, "b@example.com", "b")
		all := func(u *iam.User) (*iam.APIKey, *iam.Grant, *iam.RefreshToken) {
			k := mustAPIKey(t, s, c, o.ID, iam.KindUser, u.ID)
			g := mustGrant(t, s, c, o.ID, iam.KindUser, u.ID)
			rt := mustRefreshToken(t, s, c, g)
			mustAuthMethod(t, s, c, u, "totp")
			noErr(t, s.ReplaceRecoveryCodes(ctx, o.ID, u.ID, [][]byte{[]byte("c1")}))
			noErr(t, s.SetPassword(ctx, o.ID, u.ID, "h", c.now()))
			return k, g, rt
		}
		k, g, rt := all(u)
		kk, kg, krt := all(kept)
		noErr(t, s.DeleteUser(ctx, o.ID, u.ID))
		_, err := s.FindAPIKey(ctx, k.ID)
		wantKind(t, err, iam.NotFound)
		_, err = s.GetGrant(ctx, o.ID, g.ID)
		wantKind(t, err, iam.NotFound)
		_, err = s.FindRefreshToken(ctx, rt.ID)
		wantKind(t, err, iam.NotFound)
		_, err = s.GetAuthMethod(ctx, o.ID, u.ID, "totp")
		wantKind(t, err, iam.NotFound)
		if n, _ := s.CountRecoveryCodes(ctx, o.ID, u.ID); n != 0 {
			t.Fatalf("%d recovery codes survived", n)
		}
		if h, _ := s.PasswordHistory(ctx, o.ID, u.ID, 10); len(h) != 0 {
			t.Fatalf("password history survived: %v", h)
		}
		if l, _ := s.ListAPIKeys(ctx, o.ID, u.ID); len(l) != 0 {
			t.Fatalf("%d keys survived", len(l))
		}
		// The other user's are untouched.
		if _, err := s.FindAPIKey(ctx, kk.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetGrant(ctx, o.ID, kg.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FindRefreshToken(ctx, krt.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetAuthMethod(ctx, o.ID, kept.ID, "totp"); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.CountRecoveryCodes(ctx, o.ID, kept.ID); n != 1 {
			t.Fatalf("the other user has %d recovery codes", n)
		}
	})

	t.Run("deleting a service account removes its credentials, memberships and bindings", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		sa, kept := mustServiceAccount(t, s, c, o, "bot"), mustServiceAccount(t, s, c, o, "kept")
		grp := mustGroup(t, s, c, o, "bots")
		all := func(sa *iam.ServiceAccount) (*iam.APIKey, *iam.OAuthClient, *iam.Grant, *iam.RefreshToken) {
			k := mustAPIKey(t, s, c, o.ID, iam.KindServiceAccount, sa.ID)
			cl := mustOAuthClient(t, s, c, o.ID, sa.ID)
			g := mustGrant(t, s, c, o.ID, iam.KindServiceAccount, sa.ID)
			rt := mustRefreshToken(t, s, c, g)
			_, err := s.AddGroupMember(ctx, &iam.GroupMember{GroupID: grp.ID, OrgID: o.ID, PrincipalType: iam.SubjectServiceAccount,
				PrincipalID: sa.ID, CreatedAt: c.now()})
			noErr(t, err)
			mustBind(t, s, c, o.ID, iam.SubjectServiceAccount, sa.ID, "org.viewer", iam.ScopeOrg, o.ID)
			return k, cl, g, rt
		}
		k, cl, g, rt := all(sa)
		kk, kcl, kg, krt := all(kept)
		noErr(t, s.DeleteServiceAccount(ctx, o.ID, sa.ID))
		_, err := s.FindAPIKey(ctx, k.ID)
		wantKind(t, err, iam.NotFound)
		_, err = s.FindOAuthClient(ctx, cl.ID)
		wantKind(t, err, iam.NotFound)
		_, err = s.GetGrant(ctx, o.ID, g.ID)
		wantKind(t, err, iam.NotFound)
		_, err = s.FindRefreshToken(ctx, rt.ID)
		wantKind(t, err, iam.NotFound)
		if l, _ := s.ListPrincipalGroups(ctx, o.ID, sa.ID); len(l) != 0 {
			t.Fatalf("memberships survived: %v", l)
		}
		if l, _ := s.ListRoleBindings(ctx, o.ID, iam.BindingFilter{SubjectID: sa.ID}); len(l) != 0 {
			t.Fatalf("%d bindings survived", len(l))
		}
		if _, err := s.FindAPIKey(ctx, kk.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FindOAuthClient(ctx, kcl.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetGrant(ctx, o.ID, kg.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FindRefreshToken(ctx, krt.ID); err != nil {
			t.Fatal(err)
		}
		if l, _ := s.ListPrincipalGroups(ctx, o.ID, kept.ID); len(l) != 1 {
			t.Fatalf("the other account has %d memberships", len(l))
		}
		if l, _ := s.ListRoleBindings(ctx, o.ID, iam.BindingFilter{SubjectID: kept.ID}); len(l) != 1 {
			t.Fatalf("the other account has %d bindings", len(l))
		}
	})

	t.Run("deleting an org removes its credentials", func(t *testing.T) {
		s, c := newStore(t), newClock()
		type creds struct {
			sa *iam.ServiceAccount
			uk *iam.APIKey
			sk *iam.APIKey
			cl *iam.OAuthClient
			fp *iam.OAuthClient
			g  *iam.Grant
			rt *iam.RefreshToken
			u  *iam.User
		}
		fill := func(o *iam.Org) creds {
			u := mustUser(t, s, c, o, "a@example.com", "a")
			sa := mustServiceAccount(t, s, c, o, "bot")
			g := mustGrant(t, s, c, o.ID, iam.KindUser, u.ID)
			mustAuthMethod(t, s, c, u, "totp")
			noErr(t, s.ReplaceRecoveryCodes(ctx, o.ID, u.ID, [][]byte{[]byte("c1")}))
			noErr(t, s.SetPassword(ctx, o.ID, u.ID, "h", c.now()))
			noErr(t, s.PutPasswordPolicy(ctx, &iam.PasswordPolicy{OrgID: o.ID, MinLength: 10, MaxLength: 64, UpdatedAt: c.now()}))
			return creds{sa: sa, uk: mustAPIKey(t, s, c, o.ID, iam.KindUser, u.ID),
				sk: mustAPIKey(t, s, c, o.ID, iam.KindServiceAccount, sa.ID),
				cl: mustOAuthClient(t, s, c, o.ID, sa.ID), fp: mustOAuthClient(t, s, c, o.ID, iam.NilID),
				g: g, rt: mustRefreshToken(t, s, c, g), u: u}
		}
		o, other := mustOrg(t, s, c, "Doomed"), mustOrg(t, s, c, "Kept")
		d, k := fill(o), fill(other)
		noErr(t, s.DeleteOrg(ctx, o.ID))
		for name, err := range map[string]error{
			"FindAPIKey (user)":             second(s.FindAPIKey(ctx, d.uk.ID)),
			"FindAPIKey (service account)":  second(s.FindAPIKey(ctx, d.sk.ID)),
			"FindOAuthClient":               second(s.FindOAuthClient(ctx, d.cl.ID)),
			"FindOAuthClient (first-party)": second(s.FindOAuthClient(ctx, d.fp.ID)),
			"FindRefreshToken":              second(s.FindRefreshToken(ctx, d.rt.ID)),
			"GetGrant":                      second(s.GetGrant(ctx, o.ID, d.g.ID)),
			"GetServiceAccount":             second(s.GetServiceAccount(ctx, o.ID, d.sa.ID)),
			"GetAuthMethod":                 second(s.GetAuthMethod(ctx, o.ID, d.u.ID, "totp")),
			"GetPasswordPolicy":             second(s.GetPasswordPolicy(ctx, o.ID)),
			"PasswordChangedAt":             second(s.PasswordChangedAt(ctx, o.ID, d.u.ID)),
		} {
			if !iam.IsKind(err, iam.NotFound) {
				t.Errorf("%s after DeleteOrg: %v, want not found", name, err)
			}
		}
		if n, _ := s.CountRecoveryCodes(ctx, o.ID, d.u.ID); n != 0 {
			t.Errorf("%d recovery codes survived", n)
		}
		if h, _ := s.PasswordHistory(ctx, o.ID, d.u.ID, 10); len(h) != 0 {
			t.Errorf("password history survived: %v", h)
		}
		for name, err := range map[string]error{
			"FindAPIKey":        second(s.FindAPIKey(ctx, k.uk.ID)),
			"FindOAuthClient":   second(s.FindOAuthClient(ctx, k.cl.ID)),
			"FindRefreshToken":  second(s.FindRefreshToken(ctx, k.rt.ID)),
			"GetAuthMethod":     second(s.GetAuthMethod(ctx, other.ID, k.u.ID, "totp")),
			"GetPasswordPolicy": second(s.GetPasswordPolicy(ctx, other.ID)),
		} {
			if err != nil {
				t.Errorf("the other org's %s: %v", name, err)
			}
		}
	})

	t.Run("tenant isolation", func(t *testing.T) { testCredentialIsolation(t, newStore) })
}

func second[T any](_ T, err error) error { return err }

// testCredentialIsolation tries every organization-scoped credential
// method with organization B's ID on organization A's rows.
func testCredentialIsolation(t *testing.T, newStore NewStore) {
	s, c := newStore(t), newClock()
	a, b := mustOrg(t, s, c, "A"), mustOrg(t, s, c, "B")
	u := mustUser(t, s, c, a, "a@example.com", "a")
	sa := mustServiceAccount(t, s, c, a, "bot")
	key := mustAPIKey(t, s, c, a.ID, iam.KindUser, u.ID)
	cl := mustOAuthClient(t, s, c, a.ID, sa.ID)
	fp := mustOAuthClient(t, s, c, a.ID, iam.NilID)
	g := mustGrant(t, s, c, a.ID, iam.KindUser, u.ID)
	rt := mustRefreshToken(t, s, c, g)
	m := mustAuthMethod(t, s, c, u, "totp")
	noErr(t, s.ReplaceRecoveryCodes(ctx, a.ID, u.ID, [][]byte{[]byte("c1"), []byte("c2")}))
	noErr(t, s.SetPassword(ctx, a.ID, u.ID, "hash-of-a", c.now()))
	policy := &iam.PasswordPolicy{OrgID: a.ID, MinLength: 12, MaxLength: 64, History: 3, UpdatedAt: c.now()}
	noErr(t, s.PutPasswordPolicy(ctx, policy))
	changedAt, _ := s.PasswordChangedAt(ctx, a.ID, u.ID)

	notFound := map[string]func() error{
		"GetServiceAccount":    func() error { _, err := s.GetServiceAccount(ctx, b.ID, sa.ID); return err },
		"UpdateServiceAccount": func() error { v := *sa; v.OrgID, v.Name = b.ID, "hijacked"; return s.UpdateServiceAccount(ctx, &v) },
		"DeleteServiceAccount": func() error { return s.DeleteServiceAccount(ctx, b.ID, sa.ID) },
		"CreateAPIKey for a user": func() error {
			return s.CreateAPIKey(ctx, newAPIKey(t, c, b.ID, iam.KindUser, u.ID))
		},
		"CreateAPIKey for a service account": func() error {
			return s.CreateAPIKey(ctx, newAPIKey(t, c, b.ID, iam.KindServiceAccount, sa.ID))
		},
		"GetAPIKey":    func() error { _, err := s.GetAPIKey(ctx, b.ID, key.ID); return err },
		"RenewAPIKey":  func() error { return s.RenewAPIKey(ctx, b.ID, key.ID, nil) },
		"RevokeAPIKey": func() error { return s.RevokeAPIKey(ctx, b.ID, key.ID, c.now()) },
		"TouchAPIKey":  func() error { return s.TouchAPIKey(ctx, b.ID, key.ID, c.now(), "203.0.113.1") },
		"CreateOAuthClient": func() error {
			return s.CreateOAuthClient(ctx, &iam.OAuthClient{ID: newID(t, c.now()), OrgID: b.ID, ServiceAccountID: sa.ID,
				SecretHash: []byte("h"), CreatedAt: c.now()})
		},
		"RevokeOAuthClient":               func() error { return s.RevokeOAuthClient(ctx, b.ID, cl.ID, c.now()) },
		"RevokeOAuthClient (first-party)": func() error { return s.RevokeOAuthClient(ctx, b.ID, fp.ID, c.now()) },
		"CreateGrant": func() error {
			return s.CreateGrant(ctx, &iam.Grant{ID: newID(t, c.now()), OrgID: b.ID, PrincipalKind: iam.KindUser,
				PrincipalID: u.ID, CreatedAt: c.now()})
		},
		"GetGrant":    func() error { _, err := s.GetGrant(ctx, b.ID, g.ID); return err },
		"RevokeGrant": func() error { return s.RevokeGrant(ctx, b.ID, g.ID, c.now()) },
		"TouchGrant":  func() error { return s.TouchGrant(ctx, b.ID, g.ID, c.now()) },
		"CreateRefreshToken": func() error {
			return s.CreateRefreshToken(ctx, &iam.RefreshToken{ID: newID(t, c.now()), OrgID: b.ID, GrantID: g.ID,
				SecretHash: []byte("h"), CreatedAt: c.now()})
		},
		"UseRefreshToken": func() error { return s.UseRefreshToken(ctx, b.ID, rt.ID, c.now()) },
		"PutAuthMethod": func() error {
			v := *m
			v.OrgID, v.Secret = b.ID, []byte("attacker-seed")
			return s.PutAuthMethod(ctx, &v)
		},
		"GetAuthMethod":    func() error { _, err := s.GetAuthMethod(ctx, b.ID, u.ID, "totp"); return err },
		"DeleteAuthMethod": func() error { return s.DeleteAuthMethod(ctx, b.ID, u.ID, "totp") },
		"AdvanceAuthMethodStep": func() error {
			_, err := s.AdvanceAuthMethodStep(ctx, b.ID, u.ID, "totp", 1<<40)
			return err
		},
		"RecordAuthMethodLogin": func() error { return s.RecordAuthMethodLogin(ctx, b.ID, u.ID, "totp", c.now(), "203.0.113.1") },
		"ReplaceRecoveryCodes": func() error {
			return s.ReplaceRecoveryCodes(ctx, b.ID, u.ID, [][]byte{[]byte("attacker")})
		},
		"SetPassword":       func() error { return s.SetPassword(ctx, b.ID, u.ID, "hash-of-b", c.now()) },
		"PasswordChangedAt": func() error { _, err := s.PasswordChangedAt(ctx, b.ID, u.ID); return err },
		"GetPasswordPolicy": func() error { _, err := s.GetPasswordPolicy(ctx, b.ID); return err },
	}
	for name, call := range notFound {
		t.Run(name+" across orgs is not found", func(t *testing.T) { wantKind(t, call(), iam.NotFound) })
	}
	empty := map[string]func() (int, error){
		"ListServiceAccounts": func() (int, error) { l, err := s.ListServiceAccounts(ctx, b.ID, iam.Page{}); return len(l), err },
		"ListAPIKeys":         func() (int, error) { l, err := s.ListAPIKeys(ctx, b.ID, u.ID); return len(l), err },
		"ListOAuthClients":    func() (int, error) { l, err := s.ListOAuthClients(ctx, b.ID, sa.ID); return len(l), err },
		"ListOAuthClients (first-party)": func() (int, error) {
			l, err := s.ListOAuthClients(ctx, b.ID, iam.NilID)
			return len(l), err
		},
		"ListGrants":         func() (int, error) { l, err := s.ListGrants(ctx, b.ID, u.ID); return len(l), err },
		"ListAuthMethods":    func() (int, error) { l, err := s.ListAuthMethods(ctx, b.ID, u.ID); return len(l), err },
		"CountRecoveryCodes": func() (int, error) { return s.CountRecoveryCodes(ctx, b.ID, u.ID) },
		"UseRecoveryCode": func() (int, error) {
			ok, err := s.UseRecoveryCode(ctx, b.ID, u.ID, []byte("c1"), c.now())
			if ok {
				return 1, err
			}
			return 0, err
		},
		"PasswordHistory": func() (int, error) { l, err := s.PasswordHistory(ctx, b.ID, u.ID, 10); return len(l), err },
	}
	for name, call := range empty {
		t.Run(name+" across orgs sees nothing", func(t *testing.T) {
			n, err := call()
			noErr(t, err)
			if n != 0 {
				t.Fatalf("saw %d rows of another org", n)
			}
		})
	}
	t.Run("org A is unchanged", func(t *testing.T) {
		gotSA, err := s.GetServiceAccount(ctx, a.ID, sa.ID)
		noErr(t, err)
		jsonEqual(t, "service account", gotSA, sa)
		gotKey, err := s.GetAPIKey(ctx, a.ID, key.ID)
		noErr(t, err)
		jsonEqual(t, "api key", gotKey, key)
		for _, want := range []*iam.OAuthClient{cl, fp} {
			got, err := s.FindOAuthClient(ctx, want.ID)
			noErr(t, err)
			jsonEqual(t, "oauth client", got, want)
		}
		gotGrant, err := s.GetGrant(ctx, a.ID, g.ID)
		noErr(t, err)
		jsonEqual(t, "grant", gotGrant, g)
		gotRT, err := s.FindRefreshToken(ctx, rt.ID)
		noErr(t, err)
		jsonEqual(t, "refresh token", gotRT, rt)
		gotM, err := s.GetAuthMethod(ctx, a.ID, u.ID, "totp")
		noErr(t, err)
		jsonEqual(t, "auth method", gotM, m)
		if n, _ := s.CountRecoveryCodes(ctx, a.ID, u.ID); n != 2 {
			t.Fatalf("%d recovery codes, want 2", n)
		}
		if h, _ := s.PasswordHistory(ctx, a.ID, u.ID, 10); !slices.Equal(h, []string{"hash-of-a"}) {
			t.Fatalf("password history = %v", h)
		}
		if hash, _ := s.GetPasswordHash(ctx, a.ID, u.ID); hash != "hash-of-a" {
			t.Fatalf("password hash = %q", hash)
		}
		if at, err := s.PasswordChangedAt(ctx, a.ID, u.ID); err != nil || !at.Equal(changedAt) {
			t.Fatalf("PasswordChangedAt = %v, %v", at, err)
		}
		gotP, err := s.GetPasswordPolicy(ctx, a.ID)
		noErr(t, err)
		jsonEqual(t, "password policy", gotP, policy)
		if _, err := s.GetPasswordPolicy(ctx, b.ID); !iam.IsKind(err, iam.NotFound) {
			t.Fatalf("org B has a password policy: %v", err)
		}
	})
}
