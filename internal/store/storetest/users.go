package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/wardenhq/warden/internal/iam"
)

func testOrgs(t *testing.T, newStore NewStore) {
	t.Run("create, get, update, list and delete round-trip", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		if o.Seq <= 0 {
			t.Fatalf("Seq = %d, want a positive integer", o.Seq)
		}
		got, err := s.GetOrg(ctx, o.ID)
		noErr(t, err)
		jsonEqual(t, "GetOrg", got, o)
		o.Name, o.UpdatedAt = "Acme Corp", c.now()
		noErr(t, s.UpdateOrg(ctx, o))
		got, _ = s.GetOrg(ctx, o.ID)
		jsonEqual(t, "after UpdateOrg", got, o)
		o2 := mustOrg(t, s, c, "Beta")
		list, err := s.ListOrgs(ctx, iam.Page{Limit: 10})
		noErr(t, err)
		if len(list) != 2 || list[0].ID != o.ID || list[1].ID != o2.ID {
			t.Fatalf("ListOrgs = %v", list)
		}
		noErr(t, s.DeleteOrg(ctx, o.ID))
		_, err = s.GetOrg(ctx, o.ID)
		wantKind(t, err, iam.NotFound)
		wantKind(t, s.DeleteOrg(ctx, o.ID), iam.NotFound)
		wantKind(t, s.UpdateOrg(ctx, o), iam.NotFound)
	})
	t.Run("names are unique ignoring case", func(t *testing.T) {
		s, c := newStore(t), newClock()
		mustOrg(t, s, c, "Acme")
		now := c.now()
		err := s.CreateOrg(ctx, &iam.Org{ID: newID(t, now), Name: "ACME", CreatedAt: now, UpdatedAt: now})
		wantKind(t, err, iam.Conflict)
	})
	t.Run("deleting an org removes everything in it", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o, other := mustOrg(t, s, c, "Doomed"), mustOrg(t, s, c, "Kept")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		kept := mustUser(t, s, c, other, "a@example.com", "a")
		noErr(t, s.SetPasswordHash(ctx, o.ID, u.ID, "h"))
		sess := mustSession(t, s, c, u)
		appendEvents(t, s, c, o, 3)
		noErr(t, s.DeleteOrg(ctx, o.ID))
		_, err := s.GetUser(ctx, o.ID, u.ID)
		wantKind(t, err, iam.NotFound)
		_, err = s.GetSession(ctx, o.ID, sess.ID)
		wantKind(t, err, iam.NotFound)
		_, err = s.GetPasswordHash(ctx, o.ID, u.ID)
		wantKind(t, err, iam.NotFound)
		if ev, err := s.ListAudit(ctx, o.ID, iam.AuditFilter{}); err != nil || len(ev) != 0 {
			t.Fatalf("audit after delete: %d events, %v", len(ev), err)
		}
		if _, err := s.GetUser(ctx, other.ID, kept.ID); err != nil {
			t.Fatalf("the other org's user is gone: %v", err)
		}
	})
}

func testUsers(t *testing.T, newStore NewStore) {
	t.Run("create and get round-trip every field", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := newUser(t, c, o, "Ada@Example.com", "Ada")
		u.Disabled, u.InstanceAdmin = true, true
		last := c.now()
		u.LastLoginAt = &last
		noErr(t, s.CreateUser(ctx, u))
		if u.Seq <= 0 || u.Version != 1 {
			t.Fatalf("Seq = %d, Version = %d", u.Seq, u.Version)
		}
		got, err := s.GetUser(ctx, o.ID, u.ID)
		noErr(t, err)
		jsonEqual(t, "GetUser", got, u)
		if string(got.Metadata) != `{"b": [1, 2], "a": {"nested": true}}` {
			t.Fatalf("metadata not stored verbatim: %s", got.Metadata)
		}
	})
	t.Run("empty metadata reads back as an empty object", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := newUser(t, c, o, "a@example.com", "")
		u.Metadata = nil
		noErr(t, s.CreateUser(ctx, u))
		got, _ := s.GetUser(ctx, o.ID, u.ID)
		if string(got.Metadata) != "{}" || got.Roles == nil || len(got.Roles) != 0 {
			t.Fatalf("metadata %q roles %#v", got.Metadata, got.Roles)
		}
	})
	t.Run("duplicate email in other case is a conflict", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		mustUser(t, s, c, o, "ada@example.com", "ada")
		err := s.CreateUser(ctx, newUser(t, c, o, "ADA@example.com", "other"))
		wantKind(t, err, iam.Conflict)
		var e *iam.Error
		if !asErr(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "email" {
			t.Fatalf("conflict does not name the email field: %#v", err)
		}
	})
	t.Run("duplicate username is a conflict, empty usernames are not", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		mustUser(t, s, c, o, "a@example.com", "ada")
		wantKind(t, s.CreateUser(ctx, newUser(t, c, o, "b@example.com", "ADA")), iam.Conflict)
		mustUser(t, s, c, o, "c@example.com", "")
		mustUser(t, s, c, o, "d@example.com", "")
	})
	t.Run("the same email in two orgs is fine", func(t *testing.T) {
		s, c := newStore(t), newClock()
		mustUser(t, s, c, mustOrg(t, s, c, "A"), "ada@example.com", "ada")
		mustUser(t, s, c, mustOrg(t, s, c, "B"), "ada@example.com", "ada")
	})
	t.Run("a user in a missing org is not found", func(t *testing.T) {
		s, c := newStore(t), newClock()
		ghost := &iam.Org{ID: newID(t, c.now())}
		wantKind(t, s.CreateUser(ctx, newUser(t, c, ghost, "a@example.com", "a")), iam.NotFound)
	})
	t.Run("update writes every mutable field and bumps the version", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		u.Email, u.Username, u.FirstName, u.LastName, u.FullName = "b@example.com", "b", "B", "C", "B C"
		u.Metadata, u.Disabled, u.InstanceAdmin = json.RawMessage(`{"x":1}`), true, true
		u.UpdatedAt = c.now()
		noErr(t, s.UpdateUser(ctx, u))
		if u.Version != 2 {
			t.Fatalf("Version = %d, want 2", u.Version)
		}
		got, _ := s.GetUser(ctx, o.ID, u.ID)
		jsonEqual(t, "after UpdateUser", got, u)
		// The new email is searchable, the old one is gone.
		list, _ := s.ListUsers(ctx, o.ID, iam.UserFilter{Email: "B@EXAMPLE.COM"})
		if len(list) != 1 {
			t.Fatalf("search by new email found %d", len(list))
		}
	})
	t.Run("a stale version is a conflict named modified", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		stale := *u
		u.FullName = "first"
		noErr(t, s.UpdateUser(ctx, u))
		stale.FullName = "second"
		err := s.UpdateUser(ctx, &stale)
		wantKind(t, err, iam.Conflict)
		if iam.CodeOf(err) != "modified" {
			t.Fatalf("code = %q, want modified", iam.CodeOf(err))
		}
		got, _ := s.GetUser(ctx, o.ID, u.ID)
		if got.FullName != "first" {
			t.Fatalf("stale write landed: %q", got.FullName)
		}
	})
	t.Run("update to a taken email is a conflict", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		mustUser(t, s, c, o, "a@example.com", "a")
		u := mustUser(t, s, c, o, "b@example.com", "b")
		u.Email = "A@example.com"
		wantKind(t, s.UpdateUser(ctx, u), iam.Conflict)
	})
	t.Run("delete removes the user, twice is not found", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		noErr(t, s.SetPasswordHash(ctx, o.ID, u.ID, "h"))
		sess := mustSession(t, s, c, u)
		noErr(t, s.DeleteUser(ctx, o.ID, u.ID))
		_, err := s.GetUser(ctx, o.ID, u.ID)
		wantKind(t, err, iam.NotFound)
		_, err = s.GetPasswordHash(ctx, o.ID, u.ID)
		wantKind(t, err, iam.NotFound)
		_, err = s.GetSession(ctx, o.ID, sess.ID)
		wantKind(t, err, iam.NotFound)
		wantKind(t, s.DeleteUser(ctx, o.ID, u.ID), iam.NotFound)
	})
	t.Run("a deleted user's number is never given again", func(t *testing.T) {
		// Compatible APIs name users by number; a reused one would let a
		// stale reference reach a newcomer.
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		mustUser(t, s, c, o, "a@example.com", "a")
		gone := mustUser(t, s, c, o, "b@example.com", "b")
		noErr(t, s.DeleteUser(ctx, o.ID, gone.ID))
		if next := mustUser(t, s, c, o, "c@example.com", "c"); next.Seq <= gone.Seq {
			t.Fatalf("the newcomer has number %d, the deleted user had %d", next.Seq, gone.Seq)
		}
	})
	t.Run("last login is recorded", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		at := c.now()
		noErr(t, s.SetLastLogin(ctx, o.ID, u.ID, at))
		got, _ := s.GetUser(ctx, o.ID, u.ID)
		if got.LastLoginAt == nil || !got.LastLoginAt.Equal(at) {
			t.Fatalf("LastLoginAt = %v, want %v", got.LastLoginAt, at)
		}
	})
	t.Run("count covers the whole instance", func(t *testing.T) {
		s, c := newStore(t), newClock()
		if n, err := s.CountUsers(ctx); err != nil || n != 0 {
			t.Fatalf("CountUsers on empty = %d, %v", n, err)
		}
		mustUser(t, s, c, mustOrg(t, s, c, "A"), "a@example.com", "")
		mustUser(t, s, c, mustOrg(t, s, c, "B"), "a@example.com", "")
		if n, _ := s.CountUsers(ctx); n != 2 {
			t.Fatalf("CountUsers = %d, want 2", n)
		}
	})
	t.Run("texts outside ASCII are found ignoring case, before and after an update", func(t *testing.T) {
		// SQLite lower-cases ASCII only; the store keeps such texts'
		// lower-cased forms itself (sqlstore/lowered.go).
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := newUser(t, c, o, "Zoë.Émile@Example.com", "ÉMILE")
		u.FirstName, u.LastName, u.FullName = "Émile", "Zoë", "Émile Zoë"
		noErr(t, s.CreateUser(ctx, u))
		kelvin := mustUser(t, s, c, o, "k@example.com", "\u212Aelvin") // the Kelvin sign lower-cases to an ASCII k
		found := func(what string, users []*iam.User, err error, want ...*iam.User) {
			t.Helper()
			noErr(t, err)
			if len(users) != len(want) || (len(want) == 1 && users[0].ID != want[0].ID) {
				t.Fatalf("%s: found %v, want %d user(s)", what, ids(users), len(want))
			}
		}
		got, err := s.FindUsersByLogin(ctx, "ZOË.ÉMILE@example.com", 10)
		found("login by email", got, err, u)
		got, err = s.FindUsersByLogin(ctx, "émile", 10)
		found("login by username", got, err, u)
		got, err = s.FindUsersByLogin(ctx, "KELVIN", 10)
		found("login by a username that lower-cases to ASCII", got, err, kelvin)
		got, err = s.ListUsers(ctx, o.ID, iam.UserFilter{Email: "zoë.émile@EXAMPLE.COM"})
		found("email filter", got, err, u)
		for _, q := range []string{"ÉMI", "zoË", "émile z"} {
			got, err = s.ListUsers(ctx, o.ID, iam.UserFilter{Q: q})
			found("search "+q, got, err, u)
		}
		wantKind(t, s.CreateUser(ctx, newUser(t, c, o, "ZOË.émile@example.com", "")), iam.Conflict)

		u.Email, u.Username, u.FirstName, u.LastName, u.FullName = "plain@example.com", "plain", "Plain", "Text", "Plain Text"
		noErr(t, s.UpdateUser(ctx, u))
		got, err = s.FindUsersByLogin(ctx, "zoë.émile@example.com", 10)
		found("login by the old email", got, err)
		got, err = s.ListUsers(ctx, o.ID, iam.UserFilter{Q: "émi"})
		found("search by the old name", got, err)
		got, err = s.FindUsersByLogin(ctx, "PLAIN", 10)
		found("login by the new username", got, err, u)
		got, err = s.ListUsers(ctx, o.ID, iam.UserFilter{Q: "plain t"})
		found("search by the new name", got, err, u)
		mustUser(t, s, c, o, "zoë.émile@example.com", "") // the old email is free again
	})
	t.Run("login lookup spans orgs and matches email or username", func(t *testing.T) {
		s, c := newStore(t), newClock()
		a, b := mustOrg(t, s, c, "A"), mustOrg(t, s, c, "B")
		u1 := mustUser(t, s, c, a, "ada@example.com", "ada")
		u2 := mustUser(t, s, c, b, "ada@example.com", "lovelace")
		mustUser(t, s, c, b, "other@example.com", "")
		got, err := s.FindUsersByLogin(ctx, "ADA@example.com", 10)
		noErr(t, err)
		if len(got) != 2 || got[0].ID != u1.ID || got[1].ID != u2.ID {
			t.Fatalf("by email: %v", ids(got))
		}
		got, _ = s.FindUsersByLogin(ctx, "Lovelace", 10)
		if len(got) != 1 || got[0].ID != u2.ID {
			t.Fatalf("by username: %v", ids(got))
		}
		if got, _ = s.FindUsersByLogin(ctx, "ada@example.com", 1); len(got) != 1 {
			t.Fatalf("limit ignored: %d", len(got))
		}
		if got, _ = s.FindUsersByLogin(ctx, "", 10); len(got) != 0 {
			t.Fatalf("empty login matched %d users with no username", len(got))
		}
	})
}

func testPaging(t *testing.T, newStore NewStore) {
	s, c := newStore(t), newClock()
	o := mustOrg(t, s, c, "Acme")
	other := mustOrg(t, s, c, "Other")
	var all []iam.ID
	for i := range 25 {
		u := newUser(t, c, o, fmt.Sprintf("user%02d@example.com", i), fmt.Sprintf("handle%02d", i))
		u.FirstName, u.LastName, u.FullName = fmt.Sprintf("Given%02d", i), fmt.Sprintf("Family%02d", i), fmt.Sprintf("Given%02d Family%02d", i, i)
		noErr(t, s.CreateUser(ctx, u))
		all = append(all, u.ID)
		mustUser(t, s, c, other, fmt.Sprintf("user%02d@example.com", i), "")
	}
	t.Run("keyset pages return every user once in ID order", func(t *testing.T) {
		var got []iam.ID
		p := iam.UserFilter{Page: iam.Page{Limit: 10}}
		for range 5 {
			page, err := s.ListUsers(ctx, o.ID, p)
			noErr(t, err)
			got = append(got, ids(page)...)
			if len(page) < 10 {
				break
			}
			p.After = page[len(page)-1].ID
		}
		if !slices.Equal(got, all) {
			t.Fatalf("paged %d users, want the 25 in order", len(got))
		}
	})
	t.Run("limit defaults to 50 and is capped", func(t *testing.T) {
		page, _ := s.ListUsers(ctx, o.ID, iam.UserFilter{})
		if len(page) != 25 {
			t.Fatalf("default limit gave %d", len(page))
		}
	})
	cases := []struct {
		name string
		f    iam.UserFilter
		want int
	}{
		{"email matches exactly ignoring case", iam.UserFilter{Email: "USER07@example.com"}, 1},
		{"email does not match a prefix", iam.UserFilter{Email: "user07"}, 0},
		{"q matches an email prefix", iam.UserFilter{Q: "User1"}, 10},
		{"q matches a username prefix", iam.UserFilter{Q: "HANDLE2"}, 5},
		{"q matches a first name prefix", iam.UserFilter{Q: "given0"}, 10},
		{"q matches a last name prefix", iam.UserFilter{Q: "family24"}, 1},
		{"q matches a full name prefix", iam.UserFilter{Q: "Given03 Fam"}, 1},
		{"q without a match finds nothing", iam.UserFilter{Q: "zzz"}, 0},
		{"q and a limit page together", iam.UserFilter{Q: "user", Page: iam.Page{Limit: 4}}, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListUsers(ctx, o.ID, tc.f)
			noErr(t, err)
			if len(got) != tc.want {
				t.Fatalf("found %d, want %d", len(got), tc.want)
			}
		})
	}
	t.Run("orgs page by ID", func(t *testing.T) {
		first, _ := s.ListOrgs(ctx, iam.Page{Limit: 1})
		rest, _ := s.ListOrgs(ctx, iam.Page{Limit: 10, After: first[0].ID})
		if len(first) != 1 || len(rest) != 1 || rest[0].ID == first[0].ID {
			t.Fatalf("org pages: %d then %d", len(first), len(rest))
		}
	})
}

func testPasswords(t *testing.T, newStore NewStore) {
	s, c := newStore(t), newClock()
	o := mustOrg(t, s, c, "Acme")
	u := mustUser(t, s, c, o, "a@example.com", "a")
	t.Run("a user without a password has none", func(t *testing.T) {
		_, err := s.GetPasswordHash(ctx, o.ID, u.ID)
		wantKind(t, err, iam.NotFound)
	})
	t.Run("set, read and overwrite", func(t *testing.T) {
		noErr(t, s.SetPasswordHash(ctx, o.ID, u.ID, "$argon2id$one"))
		noErr(t, s.SetPasswordHash(ctx, o.ID, u.ID, "$argon2id$two"))
		h, err := s.GetPasswordHash(ctx, o.ID, u.ID)
		if err != nil || h != "$argon2id$two" {
			t.Fatalf("hash = %q, %v", h, err)
		}
	})
	t.Run("setting for a missing user is not found", func(t *testing.T) {
		wantKind(t, s.SetPasswordHash(ctx, o.ID, newID(t, c.now()), "h"), iam.NotFound)
	})
}

func ids(users []*iam.User) []iam.ID {
	out := make([]iam.ID, len(users))
	for i, u := range users {
		out[i] = u.ID
	}
	return out
}
