package storetest

import (
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

func newExternalAuth(c *clock, u *iam.User, service string) *iam.ExternalAuth {
	now := c.now()
	return &iam.ExternalAuth{OrgID: u.OrgID, UserID: u.ID, Service: service, ServiceUser: "ada@" + service + ".example",
		SealedToken: []byte("sealed-token-" + service), SealedSecret: []byte("sealed-secret"), DisplayName: "Ada at " + service,
		TokenExpires: ptr(now.Add(time.Hour)), SecretExpires: ptr(now.Add(24 * time.Hour)), CreatedAt: now, UpdatedAt: now}
}

func newIdentityLink(c *clock, u *iam.User, issuer, subject string) *iam.IdentityLink {
	return &iam.IdentityLink{OrgID: u.OrgID, UserID: u.ID, Issuer: issuer, Subject: subject, CreatedAt: c.now()}
}

func testExternal(t *testing.T, newStore NewStore) {
	t.Run("external authentications round-trip, replace and list by service", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		ex := newExternalAuth(c, u, "exchange")
		noErr(t, s.PutExternalAuth(ctx, ex))
		got, err := s.GetExternalAuth(ctx, o.ID, u.ID, "exchange")
		noErr(t, err)
		jsonEqual(t, "GetExternalAuth", got, ex)

		box := newExternalAuth(c, u, "box")
		box.SealedSecret, box.TokenExpires, box.SecretExpires, box.DisplayName = nil, nil, nil, ""
		noErr(t, s.PutExternalAuth(ctx, box))
		got, _ = s.GetExternalAuth(ctx, o.ID, u.ID, "box")
		if got.SealedSecret != nil || got.TokenExpires != nil || got.SecretExpires != nil {
			t.Fatalf("bare authentication read back as %+v", got)
		}

		// Replacing keeps created_at and hands it back.
		created := ex.CreatedAt
		again := newExternalAuth(c, u, "exchange")
		again.ServiceUser, again.SealedToken, again.SealedSecret = "other", []byte("new-sealed-token"), nil
		noErr(t, s.PutExternalAuth(ctx, again))
		if !again.CreatedAt.Equal(created) {
			t.Fatalf("CreatedAt = %v, want the first %v", again.CreatedAt, created)
		}
		got, _ = s.GetExternalAuth(ctx, o.ID, u.ID, "exchange")
		jsonEqual(t, "replaced authentication", got, again)

		list, err := s.ListExternalAuths(ctx, o.ID, u.ID)
		noErr(t, err)
		jsonEqual(t, "ListExternalAuths", list, []*iam.ExternalAuth{box, again})

		// Service names are exact: another case is another service.
		_, err = s.GetExternalAuth(ctx, o.ID, u.ID, "Exchange")
		wantKind(t, err, iam.NotFound)
		wantKind(t, s.PutExternalAuth(ctx, newExternalAuth(c, &iam.User{ID: newID(t, c.now()), OrgID: o.ID}, "x")), iam.NotFound)

		noErr(t, s.DeleteExternalAuth(ctx, o.ID, u.ID, "exchange"))
		_, err = s.GetExternalAuth(ctx, o.ID, u.ID, "exchange")
		wantKind(t, err, iam.NotFound)
		wantKind(t, s.DeleteExternalAuth(ctx, o.ID, u.ID, "exchange"), iam.NotFound)
	})

	t.Run("identity links round-trip and (issuer, subject) is unique in an org", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		v := mustUser(t, s, c, o, "b@example.com", "b")
		const iss = "https://login.example.com"
		l := newIdentityLink(c, u, iss, "ada-1")
		noErr(t, s.PutIdentityLink(ctx, l))
		got, err := s.GetIdentityLink(ctx, o.ID, u.ID, iss)
		noErr(t, err)
		jsonEqual(t, "GetIdentityLink", got, l)
		got, err = s.FindIdentityLink(ctx, o.ID, iss, "ada-1")
		noErr(t, err)
		jsonEqual(t, "FindIdentityLink", got, l)
		_, err = s.FindIdentityLink(ctx, o.ID, iss, "ADA-1")
		wantKind(t, err, iam.NotFound)

		// Another user cannot take the subject; a different subject is fine.
		wantKind(t, s.PutIdentityLink(ctx, newIdentityLink(c, v, iss, "ada-1")), iam.Conflict)
		noErr(t, s.PutIdentityLink(ctx, newIdentityLink(c, v, iss, "bob-2")))
		// Relinking replaces the subject and keeps created_at.
		re := newIdentityLink(c, u, iss, "ada-2")
		noErr(t, s.PutIdentityLink(ctx, re))
		if !re.CreatedAt.Equal(l.CreatedAt) {
			t.Fatalf("CreatedAt = %v, want %v", re.CreatedAt, l.CreatedAt)
		}
		_, err = s.FindIdentityLink(ctx, o.ID, iss, "ada-1")
		wantKind(t, err, iam.NotFound)
		ms := newIdentityLink(c, u, "msexchange", "ada-1")
		noErr(t, s.PutIdentityLink(ctx, ms))
		list, err := s.ListIdentityLinks(ctx, o.ID, u.ID)
		noErr(t, err)
		jsonEqual(t, "ListIdentityLinks", list, []*iam.IdentityLink{re, ms})
		wantKind(t, s.PutIdentityLink(ctx, newIdentityLink(c, &iam.User{ID: newID(t, c.now()), OrgID: o.ID}, iss, "z")), iam.NotFound)

		noErr(t, s.DeleteIdentityLink(ctx, o.ID, u.ID, iss))
		wantKind(t, s.DeleteIdentityLink(ctx, o.ID, u.ID, iss), iam.NotFound)
		_, err = s.FindIdentityLink(ctx, o.ID, iss, "ada-2")
		wantKind(t, err, iam.NotFound)
	})

	t.Run("another organization sees none of them and may reuse the names", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		other := mustOrg(t, s, c, "Other")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		w := mustUser(t, s, c, other, "a@example.com", "a")
		noErr(t, s.PutExternalAuth(ctx, newExternalAuth(c, u, "box")))
		noErr(t, s.PutIdentityLink(ctx, newIdentityLink(c, u, "idp", "sub")))

		_, err := s.GetExternalAuth(ctx, other.ID, u.ID, "box")
		wantKind(t, err, iam.NotFound)
		list, err := s.ListExternalAuths(ctx, other.ID, u.ID)
		noErr(t, err)
		if len(list) != 0 {
			t.Fatalf("another org lists %v", list)
		}
		wantKind(t, s.DeleteExternalAuth(ctx, other.ID, u.ID, "box"), iam.NotFound)
		cross := newExternalAuth(c, u, "drive")
		cross.OrgID = other.ID
		wantKind(t, s.PutExternalAuth(ctx, cross), iam.NotFound)

		_, err = s.GetIdentityLink(ctx, other.ID, u.ID, "idp")
		wantKind(t, err, iam.NotFound)
		_, err = s.FindIdentityLink(ctx, other.ID, "idp", "sub")
		wantKind(t, err, iam.NotFound)
		links, err := s.ListIdentityLinks(ctx, other.ID, u.ID)
		noErr(t, err)
		if len(links) != 0 {
			t.Fatalf("another org lists %v", links)
		}
		wantKind(t, s.DeleteIdentityLink(ctx, other.ID, u.ID, "idp"), iam.NotFound)
		crossLink := newIdentityLink(c, u, "idp2", "sub2")
		crossLink.OrgID = other.ID
		wantKind(t, s.PutIdentityLink(ctx, crossLink), iam.NotFound)

		// The same (issuer, subject) in another organization is another person.
		noErr(t, s.PutIdentityLink(ctx, newIdentityLink(c, w, "idp", "sub")))
		got, err := s.FindIdentityLink(ctx, other.ID, "idp", "sub")
		noErr(t, err)
		if got.UserID != w.ID {
			t.Fatalf("found %v, want %v", got.UserID, w.ID)
		}
	})

	t.Run("they go with their user and organization", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		noErr(t, s.PutExternalAuth(ctx, newExternalAuth(c, u, "box")))
		noErr(t, s.PutIdentityLink(ctx, newIdentityLink(c, u, "idp", "sub")))
		noErr(t, s.DeleteUser(ctx, o.ID, u.ID))
		list, err := s.ListExternalAuths(ctx, o.ID, u.ID)
		noErr(t, err)
		links, err2 := s.ListIdentityLinks(ctx, o.ID, u.ID)
		noErr(t, err2)
		if len(list) != 0 || len(links) != 0 {
			t.Fatalf("left behind: %v %v", list, links)
		}
		_, err = s.FindIdentityLink(ctx, o.ID, "idp", "sub")
		wantKind(t, err, iam.NotFound)
		// The subject is free for the next user.
		v := mustUser(t, s, c, o, "b@example.com", "b")
		noErr(t, s.PutIdentityLink(ctx, newIdentityLink(c, v, "idp", "sub")))
		noErr(t, s.PutExternalAuth(ctx, newExternalAuth(c, v, "box")))
		noErr(t, s.DeleteOrg(ctx, o.ID))
		_, err = s.FindIdentityLink(ctx, o.ID, "idp", "sub")
		wantKind(t, err, iam.NotFound)
		_, err = s.GetExternalAuth(ctx, o.ID, v.ID, "box")
		wantKind(t, err, iam.NotFound)
	})
}
