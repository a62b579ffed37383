package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// TestAnotherNodesGrantArrivesByPolling: node two caches a snapshot; node
// one changes the user's roles; node two answers from its cache until its
// poll sees the organization's new access version, then from the change.
func TestAnotherNodesGrantArrivesByPolling(t *testing.T) {
	ctx := context.Background()
	one, two := twoNodes(t)
	asAdmin, org, uma := orgWithReader(t, one)
	mayCreate := func() bool {
		t.Helper()
		d, err := two.Access.Check(asAdmin, uma.ID, "users.create", iam.ScopeOrg, org)
		if err != nil {
			t.Fatal(err)
		}
		return d.Allowed
	}
	if mayCreate() {
		t.Fatal("a reader may create users")
	}
	if _, err := one.Users.Update(asAdmin, uma.ID, func(u *service.UserUpdate) error {
		u.Roles = []string{"admin"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if mayCreate() {
		t.Fatal("node two learnt of the change without polling; this test no longer shows the poll")
	}
	pollCtx, stop := context.WithCancel(ctx)
	defer stop()
	go two.Access.Run(pollCtx, 5*time.Millisecond)
	for deadline := time.Now().Add(5 * time.Second); !mayCreate(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("node two never saw the new role")
		}
	}
}

// orgWithReader signs up an organization on svc and creates a reader in it,
// uma; it returns a context of the organization's administrator.
func orgWithReader(t *testing.T, svc *service.Services) (context.Context, iam.ID, *iam.User) {
	t.Helper()
	ctx := context.Background()
	org, adminID, err := svc.Auth.Signup(ctx, service.Signup{Email: "ada@example.com", Password: "correct horse battery", OrgName: "A"})
	if err != nil {
		t.Fatal(err)
	}
	admin := iam.WithPrincipal(ctx, &iam.Principal{Kind: iam.KindUser, ID: adminID, OrgID: org})
	uma, err := svc.Users.Create(admin, service.NewUser{Email: "uma@example.com", Roles: []string{"reader"}})
	if err != nil {
		t.Fatal(err)
	}
	return admin, org, uma
}
