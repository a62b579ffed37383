package sqlstore

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// TestUserReadsEveryText checks that each way of reading users (by ID, by
// login, a plain page, a filtered page, a search) gives back every text
// field as written, empty ones and non-ASCII ones included: SQLite returns
// them joined in one column.
func TestUserReadsEveryText(t *testing.T) {
	onEngines(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := openMigrated(t, url, Options{})
		org := mustOrg(t, s, "Texts")
		now := time.Now().UTC().Truncate(time.Microsecond)
		u := &iam.User{ID: newID(t, now), OrgID: org.ID, Email: "zoë@example.com", FirstName: "Zoë",
			LastName: "", FullName: "Zoë Ærø", Metadata: json.RawMessage(`{"team": "ü, \"x\""}`),
			Disabled: true, CreatedAt: now, UpdatedAt: now}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := s.SetLastLogin(ctx, org.ID, u.ID, now); err != nil {
			t.Fatal(err)
		}
		for _, role := range []string{"reader", "admin"} { // the roles are the last text
			if err := s.CreateRoleBinding(ctx, orgRole(t, u, role)); err != nil {
				t.Fatal(err)
			}
		}
		want, err := s.GetUser(ctx, org.ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want.Email != u.Email || want.Username != "" || want.FirstName != "Zoë" || want.LastName != "" ||
			want.FullName != u.FullName || string(want.Metadata) != string(u.Metadata) || !want.Disabled ||
			want.LastLoginAt == nil || !want.LastLoginAt.Equal(now) || !slices.Equal(want.Roles, []string{"admin", "reader"}) {
			t.Fatalf("GetUser gave %+v, want the fields of %+v", want, u)
		}
		byLogin, err := s.FindUsersByLogin(ctx, "ZOË@example.com", 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []iam.UserFilter{{}, {Email: u.Email}, {Q: "zoë"}} {
			page, err := s.ListUsers(ctx, org.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			byLogin = append(byLogin, page...)
		}
		if len(byLogin) != 4 {
			t.Fatalf("got %d users from the login and the three pages, want 4", len(byLogin))
		}
		for _, got := range byLogin {
			if !reflect.DeepEqual(got, want) {
				t.Errorf("read %+v, want %+v", got, want)
			}
		}
	})
}

// TestUserWithNulIsRefused checks that a text holding a NUL, which no write
// through the service stores, makes the read fail rather than shift the
// texts after it into the wrong fields.
func TestUserWithNulIsRefused(t *testing.T) {
	ctx := context.Background()
	s := openMigrated(t, filepath.Join(t.TempDir(), "warden.db"), Options{})
	org := mustOrg(t, s, "Nul")
	u := mustUser(t, s, org, "nul@example.com")
	if _, err := s.w.ExecContext(ctx, `UPDATE users SET first_name = 'A' || char(0) || 'B'`); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetUser(ctx, org.ID, u.ID); !iam.IsKind(err, iam.Internal) {
		t.Fatalf("GetUser = %+v, %v; want an internal error", got, err)
	}
	if got, err := s.ListUsers(ctx, org.ID, iam.UserFilter{}); !iam.IsKind(err, iam.Internal) {
		t.Fatalf("ListUsers = %v, %v; want an internal error", got, err)
	}
}

// TestUserWithTextNumberIsRefused checks that a number column holding text,
// which SQLite stores as it is given, makes the read fail rather than read
// as zero.
func TestUserWithTextNumberIsRefused(t *testing.T) {
	ctx := context.Background()
	s := openMigrated(t, filepath.Join(t.TempDir(), "warden.db"), Options{})
	org := mustOrg(t, s, "Text number")
	u := mustUser(t, s, org, "number@example.com")
	if _, err := s.w.ExecContext(ctx, `UPDATE users SET version = 'two'`); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetUser(ctx, org.ID, u.ID); !iam.IsKind(err, iam.Internal) {
		t.Fatalf("GetUser = %+v, %v; want an internal error", got, err)
	}
	if got, err := s.ListUsers(ctx, org.ID, iam.UserFilter{}); !iam.IsKind(err, iam.Internal) {
		t.Fatalf("ListUsers = %v, %v; want an internal error", got, err)
	}
}
