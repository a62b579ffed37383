package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// TestComputedNormsKeepWhatTheyHeld upgrades a version-10 SQLite file
// through migration 11, which computes a user's lower-cased texts instead
// of storing them: every lower-cased column reads as before, only texts
// outside ASCII keep a stored form, logins and the role projection work as
// before, and a deleted user's seq is not handed out again.
func TestComputedNormsKeepWhatTheyHeld(t *testing.T) {
	ctx := context.Background()
	s := sqliteAt(t, 10)
	now := time.Now().UTC().Truncate(time.Microsecond)
	org := newOrg(t, "Acme")
	if err := s.CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	ann := &iam.User{ID: newID(t, now), OrgID: org.ID, Email: "Ann@Example.com", Username: "Ann",
		FirstName: "Ann", LastName: "Lee", FullName: "Ann Lee", CreatedAt: now}
	zoe := &iam.User{ID: newID(t, now), OrgID: org.ID, Email: "Zoë@Example.com", Username: "\u212Aelvin",
		FirstName: "Émile", LastName: "Zoë", FullName: "Émile Zoë", CreatedAt: now}
	gone := &iam.User{ID: newID(t, now), OrgID: org.ID, Email: "gone@example.com", CreatedAt: now}
	for _, u := range []*iam.User{ann, zoe, gone} {
		userRowV9(t, s, u, org.Seq)
	}
	mustExec(t, s, `DELETE FROM users WHERE id = $1`, idArg(gone.ID))
	viewer := &iam.RoleBinding{ID: newID(t, now), OrgID: org.ID, SubjectType: iam.SubjectUser, SubjectID: ann.ID,
		Role: "viewer", ScopeType: iam.ScopeOrg, ScopeID: org.ID, CreatedAt: now}
	if err := s.CreateRoleBinding(ctx, viewer); err != nil {
		t.Fatal(err)
	}

	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	for _, u := range []*iam.User{ann, zoe} {
		texts := []string{u.Email, u.Username, u.FirstName, u.LastName, u.FullName}
		var norms, folds [5]sql.NullString
		if err := s.r.QueryRow(`SELECT email_norm, username_norm, first_norm, last_norm, full_norm,
			email_fold, username_fold, first_fold, last_fold, full_fold FROM users WHERE id = $1`, idArg(u.ID)).Scan(
			&norms[0], &norms[1], &norms[2], &norms[3], &norms[4], &folds[0], &folds[1], &folds[2], &folds[3], &folds[4]); err != nil {
			t.Fatal(err)
		}
		for i, text := range texts {
			if norms[i].String != strings.ToLower(text) {
				t.Errorf("%q reads lower-cased as %q", text, norms[i].String)
			}
			outside := strings.ContainsFunc(text, func(r rune) bool { return r > 127 })
			if folds[i].Valid != outside {
				t.Errorf("%q: a stored lower-cased form is %v, want %v", text, folds[i].Valid, outside)
			}
		}
	}
	if got, err := s.FindUsersByLogin(ctx, "KELVIN", 10); err != nil || len(got) != 1 || got[0].ID != zoe.ID {
		t.Errorf("login by a username that lower-cases to ASCII: %d users, %v", len(got), err)
	}
	editor := &iam.RoleBinding{ID: newID(t, now), OrgID: org.ID, SubjectType: iam.SubjectUser, SubjectID: ann.ID,
		Role: "editor", ScopeType: iam.ScopeOrg, ScopeID: org.ID, CreatedAt: now}
	if err := s.CreateRoleBinding(ctx, editor); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetUser(ctx, org.ID, ann.ID); err != nil || !slices.Equal(got.Roles, []string{"editor", "viewer"}) {
		t.Errorf("roles after the migration: %v, %v", got, err)
	}
	next := &iam.User{ID: newID(t, now), OrgID: org.ID, Email: "next@example.com", CreatedAt: now, UpdatedAt: now}
	if err := s.CreateUser(ctx, next); err != nil || next.Seq != 4 {
		t.Errorf("a new user has seq %d (%v), want 4: the deleted user had 3", next.Seq, err)
	}
	var generated int
	if err := s.r.QueryRow(`SELECT COUNT(*) FROM pragma_table_xinfo('users') WHERE hidden = 2`).Scan(&generated); err != nil || generated != 5 {
		t.Errorf("%d virtual columns (%v), want the five lower-cased texts", generated, err)
	}
}
