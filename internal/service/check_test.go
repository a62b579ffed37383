package service_test

import (
	"crypto/rand"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
	"github.com/wardenhq/warden/internal/store/sqlstore/sqlstoretest"
)

// TestCheckFollowsTheUser: a check reads its principal from the user
// cache, and still answers for the user as they are now: a user whose
// roles changed is checked with the new ones, a deleted user is not found.
func TestCheckFollowsTheUser(t *testing.T) {
	st := sqlstoretest.SQLite(t)
	key := make([]byte, 32)
	rand.Read(key)
	svc := node(t, st, &fakeClock{t: time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)}, key)
	admin, org, uma := orgWithReader(t, svc)
	mayCreate := func() (bool, error) {
		d, err := svc.Access.Check(admin, uma.ID, "users.create", iam.ScopeOrg, org)
		if err != nil {
			return false, err
		}
		return d.Allowed, nil
	}
	if ok, err := mayCreate(); ok || err != nil {
		t.Fatalf("a reader may create users: %v, %v", ok, err)
	}
	if _, err := svc.Users.Get(admin, uma.ID); err != nil { // cached now, if not before
		t.Fatal(err)
	}
	if _, err := svc.Users.Update(admin, uma.ID, func(u *service.UserUpdate) error { u.Roles = []string{"admin"}; return nil }); err != nil {
		t.Fatal(err)
	}
	if ok, err := mayCreate(); !ok || err != nil {
		t.Fatalf("an admin may not create users: %v, %v", ok, err)
	}
	if err := svc.Users.Delete(admin, uma.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := mayCreate(); !iam.IsKind(err, iam.NotFound) {
		t.Fatalf("a check of a deleted user: %v, want not found", err)
	}
}
