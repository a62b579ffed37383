package service_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// TestEmailLookupsFollowOtherNodes: node two answers a repeated lookup by
// email from its cache until its poll sees the organization's new access
// version; a user created elsewhere is found at once, since finding nobody
// is not remembered.
func TestEmailLookupsFollowOtherNodes(t *testing.T) {
	ctx := context.Background()
	one, two := twoNodes(t)
	asAdmin, _, uma := orgWithReader(t, one)

	lookup := func(email string) []*iam.User {
		t.Helper()
		users, err := two.Users.List(asAdmin, iam.UserFilter{Email: email})
		if err != nil {
			t.Fatal(err)
		}
		return users
	}
	if got := lookup("nobody@example.com"); len(got) != 0 {
		t.Fatalf("found %d users for an unknown email", len(got))
	}
	if _, err := one.Users.Create(asAdmin, service.NewUser{Email: "nobody@example.com"}); err != nil {
		t.Fatal(err)
	}
	if got := lookup("Nobody@Example.com"); len(got) != 1 || got[0].Email != "nobody@example.com" {
		t.Fatalf("a user created on node one is not found on node two: %v", got)
	}

	if got := lookup("UMA@example.com"); len(got) != 1 || got[0].ID != uma.ID {
		t.Fatalf("lookup of uma: %v", got)
	}
	if _, err := one.Users.Update(asAdmin, uma.ID, func(u *service.UserUpdate) error {
		u.Email = "uma.new@example.com"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := lookup("uma@example.com"); len(got) != 1 || got[0].ID != uma.ID {
		t.Fatalf("node two looked uma up again before its poll; this test no longer shows the cache: %v", got)
	}
	pollCtx, stop := context.WithCancel(ctx)
	defer stop()
	go two.Access.Run(pollCtx, 5*time.Millisecond)
	for deadline := time.Now().Add(5 * time.Second); len(lookup("uma@example.com")) != 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("node two still finds uma by her old email")
		}
	}
	if got := lookup("uma.new@example.com"); len(got) != 1 || got[0].ID != uma.ID || got[0].Email != "uma.new@example.com" {
		t.Fatalf("lookup by the new email: %v", got)
	}
}

// TestEmailLookupHandsOutItsOwnCopy: a cached lookup returns what the
// store's did, every field, and its caller may change it without changing
// the next answer.
func TestEmailLookupHandsOutItsOwnCopy(t *testing.T) {
	svc, _ := twoNodes(t)
	asAdmin, _, uma := orgWithReader(t, svc)
	var first iam.User
	for i := range 3 {
		users, err := svc.Users.List(asAdmin, iam.UserFilter{Email: uma.Email})
		if err != nil || len(users) != 1 {
			t.Fatalf("lookup %d: %v, %v", i, users, err)
		}
		if i == 0 {
			first = *users[0]
			first.Roles = slices.Clone(first.Roles)
		} else if !reflect.DeepEqual(*users[0], first) {
			t.Fatalf("lookup %d:\n%+v\nfrom the store:\n%+v", i, *users[0], first)
		}
		users[0].FullName = "changed by the caller"
		users[0].Roles[0] = "admin"
	}
}

// TestEmailLookupHitsReadNothing: once a lookup has found its user, the
// same lookup reads nothing from the store while nothing changes.
func TestEmailLookupHitsReadNothing(t *testing.T) {
	f := newKeyFixture(t)
	lookup := iam.UserFilter{Email: "Ada@Example.com"}
	if users, err := f.one.Users.List(f.admin, lookup); err != nil || len(users) != 1 {
		t.Fatalf("%v, %v", users, err)
	}
	lists, users := f.st.lists.Load(), f.st.users.Load()
	for range 100 {
		if found, err := f.one.Users.List(f.admin, lookup); err != nil || len(found) != 1 || found[0].Email != "ada@example.com" {
			t.Fatalf("%v, %v", found, err)
		}
	}
	if f.st.lists.Load() != lists || f.st.users.Load() != users {
		t.Fatalf("repeated lookups went to the store: %d lists, %d user reads", f.st.lists.Load()-lists, f.st.users.Load()-users)
	}
}

// BenchmarkLookupByEmail is GET /v1/users?email= through the service once
// the lookup is remembered: the permission check, the remembered user and
// the copy handed out.
func BenchmarkLookupByEmail(b *testing.B) {
	f := newKeyFixture(b)
	lookup := iam.UserFilter{Email: "ada@example.com"}
	if _, err := f.one.Users.List(f.admin, lookup); err != nil {
		b.Fatal(err)
	}
	lists := f.st.lists.Load()
	b.ReportAllocs()
	for b.Loop() {
		if users, err := f.one.Users.List(f.admin, lookup); err != nil || len(users) != 1 {
			b.Fatalf("%v, %v", users, err)
		}
	}
	if n := f.st.lists.Load() - lists; n != 0 {
		b.Fatalf("%d lookups went to the store", n)
	}
}
