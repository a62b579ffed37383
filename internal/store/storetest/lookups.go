package storetest

import (
	"testing"

	"github.com/wardenhq/warden/internal/iam"
)

func testLookups(t *testing.T, newStore NewStore) {
	s, c := newStore(t), newClock()
	a, b := mustOrg(t, s, c, "Analytical"), mustOrg(t, s, c, "Babbage")
	ada := mustUser(t, s, c, a, "ada@example.com", "Ada")
	bob := mustUser(t, s, c, b, "bob@example.com", "bob")
	mustUser(t, s, c, a, "nobody@example.com", "") // no username

	t.Run("org by name ignores case", func(t *testing.T) {
		o, err := s.FindOrgByName(ctx, "aNALYTICAL")
		noErr(t, err)
		if o.ID != a.ID || o.Name != "Analytical" {
			t.Fatalf("found %+v, want %s", o, a.ID)
		}
		_, err = s.FindOrgByName(ctx, "Unknown")
		wantKind(t, err, iam.NotFound)
	})

	t.Run("username within the organization", func(t *testing.T) {
		id, err := s.UserIDByUsername(ctx, a.ID, "ADA")
		noErr(t, err)
		if id != ada.ID {
			t.Fatalf("ADA is %s, want %s", id, ada.ID)
		}
		_, err = s.UserIDByUsername(ctx, a.ID, "bob") // another organization's user
		wantKind(t, err, iam.NotFound)
		_, err = s.UserIDByUsername(ctx, b.ID, "ada")
		wantKind(t, err, iam.NotFound)
		_, err = s.UserIDByUsername(ctx, a.ID, "") // users without a username are not named by ""
		wantKind(t, err, iam.NotFound)
	})

	t.Run("API key by its owner's number and its own", func(t *testing.T) {
		k := mustAPIKey(t, s, c, a.ID, iam.KindUser, ada.ID)
		other := mustAPIKey(t, s, c, b.ID, iam.KindUser, bob.ID)
		sa := &iam.ServiceAccount{ID: newID(t, c.now()), OrgID: a.ID, Name: "robot", CreatedAt: c.now(), UpdatedAt: c.now()}
		noErr(t, s.CreateServiceAccount(ctx, sa))
		saKey := mustAPIKey(t, s, c, a.ID, iam.KindServiceAccount, sa.ID)

		id, err := s.FindUserAPIKeyID(ctx, ada.Seq, k.Seq)
		noErr(t, err)
		if id != k.ID {
			t.Fatalf("key %d/%d is %s, want %s", ada.Seq, k.Seq, id, k.ID)
		}
		id, err = s.FindUserAPIKeyID(ctx, bob.Seq, other.Seq) // across organizations
		noErr(t, err)
		if id != other.ID {
			t.Fatalf("key %d/%d is %s, want %s", bob.Seq, other.Seq, id, other.ID)
		}
		_, err = s.FindUserAPIKeyID(ctx, bob.Seq, k.Seq) // the key is not bob's
		wantKind(t, err, iam.NotFound)
		_, err = s.FindUserAPIKeyID(ctx, sa.Seq, saKey.Seq) // not a user's key
		wantKind(t, err, iam.NotFound)
		_, err = s.FindUserAPIKeyID(ctx, ada.Seq, k.Seq+1000)
		wantKind(t, err, iam.NotFound)
	})
}
