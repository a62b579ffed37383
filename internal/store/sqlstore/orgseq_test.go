package sqlstore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// oldOrgRows stores org as versions 1 to 8 of the SQLite schema did, with
// the head of its audit chain.
func oldOrgRows(t *testing.T, s *Store, org *iam.Org) {
	t.Helper()
	mustExec(t, s, `INSERT INTO orgs (id, name, name_norm, created_at, updated_at) VALUES ($1, $2, $3, 1, 1)`,
		idArg(org.ID), org.Name, strings.ToLower(org.Name))
	mustExec(t, s, `INSERT INTO audit_heads (org_id, seq, hash) VALUES ($1, 0, x'')`, idArg(org.ID))
}

// oldUserRows stores u (of version 2 or later) with org_id the 16-byte
// ID, as versions up to 8 did, and its password hash.
func oldUserRows(t *testing.T, s *Store, u *iam.User, hash string) {
	t.Helper()
	mustExec(t, s, `INSERT INTO users (id, org_id, email, email_norm, username, username_norm, first_name, last_name,
		full_name, first_norm, last_norm, full_norm, metadata, disabled, instance_admin, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, '', '', '', '', '', '', '{}', false, false, 1, $7, $7)`,
		idArg(u.ID), idArg(u.OrgID), u.Email, strings.ToLower(u.Email), u.Username, strings.ToLower(u.Username),
		micros(u.CreatedAt))
	mustExec(t, s, `INSERT INTO passwords (user_id, org_id, hash) VALUES ($1, $2, $3)`, idArg(u.ID), idArg(u.OrgID), hash)
}

func mustExec(t *testing.T, s *Store, query string, args ...any) {
	t.Helper()
	if _, err := s.w.Exec(query, args...); err != nil {
		t.Fatal(err)
	}
}

// TestOrgSeqKeepsEveryRowInItsOrganization upgrades a version-8 SQLite
// file with two organizations through migration 9, which rewrites every
// org_id from the ID to the organization's seq: each row stays in its
// organization and out of the other, the role projection and the audit
// chain read back, deleting an organization still cascades, and a deleted
// user's seq is not handed out again.
func TestOrgSeqKeepsEveryRowInItsOrganization(t *testing.T) {
	ctx := context.Background()
	s := sqliteAt(t, 8)
	now := time.Now().UTC().Truncate(time.Microsecond)
	a, b := newOrg(t, "Alpha"), newOrg(t, "Beta")
	oldOrgRows(t, s, a)
	oldOrgRows(t, s, b)
	ua := &iam.User{ID: newID(t, now), OrgID: a.ID, Email: "ann@example.com", Username: "ann", CreatedAt: now}
	ub := &iam.User{ID: newID(t, now.Add(time.Millisecond)), OrgID: b.ID, Email: "ann@example.com", Username: "ann", CreatedAt: now}
	gone := &iam.User{ID: newID(t, now.Add(2*time.Millisecond)), OrgID: b.ID, Email: "gone@example.com", CreatedAt: now}
	for _, u := range []*iam.User{ua, ub, gone} {
		oldUserRows(t, s, u, "hash of "+u.ID.String())
	}
	mustExec(t, s, `DELETE FROM users WHERE id = $1`, idArg(gone.ID))
	mustExec(t, s, `INSERT INTO role_bindings (id, org_id, subject_type, subject_id, role, scope_type, scope_id, created_at)
		VALUES ($1, $2, 'user', $3, 'admin', 'org', $2, 1)`, idArg(newID(t, now)), idArg(a.ID), idArg(ua.ID))
	mustExec(t, s, `INSERT INTO audit_events (org_id, seq, id, time, actor_type, actor_id, action, target_type, target_id,
		source_ip, user_agent, surface, changes, prev_hash, hash) VALUES ($1, 1, $2, 1, 'user', $3, 'user.created', 'user', $4,
		'', '', 'native', '{}', x'', x'01')`, idArg(b.ID), idArg(newID(t, now)), idArg(ub.ID), ub.ID.String())
	mustExec(t, s, `UPDATE audit_heads SET seq = 1, hash = x'01' WHERE org_id = $1`, idArg(b.ID))

	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	var seqs int
	if err := s.w.QueryRow(`SELECT COUNT(*) FROM users WHERE typeof(org_id) = 'integer'`).Scan(&seqs); err != nil || seqs != 2 {
		t.Fatalf("users with an integer org_id: %d, %v; want 2", seqs, err)
	}
	for _, u := range []*iam.User{ua, ub} {
		got, err := s.GetUser(ctx, u.OrgID, u.ID)
		if err != nil || got.OrgID != u.OrgID || got.Email != u.Email {
			t.Fatalf("user of %s after the migration: %+v, %v", u.OrgID, got, err)
		}
		if h, err := s.GetPasswordHash(ctx, u.OrgID, u.ID); err != nil || h != "hash of "+u.ID.String() {
			t.Errorf("hash after the migration: %q, %v", h, err)
		}
	}
	if _, err := s.GetUser(ctx, b.ID, ua.ID); !iam.IsKind(err, iam.NotFound) {
		t.Errorf("Alpha's user read in Beta: %v, want not found", err)
	}
	found, err := s.FindUsersByLogin(ctx, "ann@example.com", 5)
	if err != nil || len(found) != 2 {
		t.Fatalf("logins after the migration: %v, %v", found, err)
	}
	for _, u := range found {
		if want := map[iam.ID]iam.ID{ua.ID: a.ID, ub.ID: b.ID}[u.ID]; u.OrgID != want {
			t.Errorf("login %s reads organization %s, want %s", u.ID, u.OrgID, want)
		}
	}
	if u, _ := s.GetUser(ctx, a.ID, ua.ID); len(u.Roles) != 1 || u.Roles[0] != "admin" {
		t.Errorf("org roles after the migration: %v", u.Roles)
	}
	events, err := s.ListAudit(ctx, b.ID, iam.AuditFilter{})
	if err != nil || len(events) != 1 || events[0].OrgID != b.ID || events[0].TargetID != ub.ID.String() {
		t.Fatalf("Beta's audit after the migration: %+v, %v", events, err)
	}
	if events, _ := s.ListAudit(ctx, a.ID, iam.AuditFilter{}); len(events) != 0 {
		t.Errorf("Alpha sees %d of Beta's events", len(events))
	}
	e := &iam.AuditEvent{ID: newID(t, now), OrgID: b.ID, Time: now, ActorType: iam.ActorUser, ActorID: ub.ID,
		Action: "user.updated", TargetType: "user", TargetID: ub.ID.String(), Surface: "native"}
	if err := s.AppendAudit(ctx, e); err != nil || e.Seq != 2 || string(e.PrevHash) != "\x01" {
		t.Errorf("the chain goes on after the migration: seq %d, prev %x, %v", e.Seq, e.PrevHash, err)
	}

	again := &iam.User{ID: newID(t, now.Add(3*time.Millisecond)), OrgID: b.ID, Email: "new@example.com", CreatedAt: now}
	if err := s.CreateUser(ctx, again); err != nil {
		t.Fatal(err)
	}
	if again.Seq <= 3 {
		t.Errorf("a new user took seq %d: the deleted user's seq 3 was handed out again", again.Seq)
	}
	if err := s.DeleteOrg(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := s.w.QueryRow(`SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM passwords) +
		(SELECT COUNT(*) FROM audit_events)`).Scan(&left); err != nil || left != 2 {
		t.Errorf("rows left after deleting Beta: %d, %v; want Alpha's user and password", left, err)
	}
}

// TestOrgSeqOfARolledBackOrg: SQLite hands the seq of an organization
// whose transaction rolled back to the next one created. A row of the
// second must read back as its own, never as the first's.
func TestOrgSeqOfARolledBackOrg(t *testing.T) {
	ctx := context.Background()
	s := openMigrated(t, filepath.Join(t.TempDir(), "warden.db"), Options{})
	now := time.Now().UTC().Truncate(time.Microsecond)
	first := newOrg(t, "First")
	failed := iam.E(iam.Invalid, "test", "roll back")
	err := s.Tx(ctx, func(q iam.Queries) error {
		if err := q.CreateOrg(ctx, first); err != nil {
			return err
		}
		u := &iam.User{ID: newID(t, now), OrgID: first.ID, Email: "a@example.com", CreatedAt: now}
		if err := q.CreateUser(ctx, u); err != nil {
			return err
		}
		if got, err := q.GetUser(ctx, first.ID, u.ID); err != nil || got.OrgID != first.ID {
			t.Errorf("in its own transaction: %+v, %v", got, err)
		}
		return failed
	})
	if err != failed {
		t.Fatalf("transaction: %v", err)
	}
	second := newOrg(t, "Second")
	if err := s.CreateOrg(ctx, second); err != nil {
		t.Fatal(err)
	}
	if second.Seq != first.Seq {
		t.Logf("seq %d after %d: SQLite did not hand it out again", second.Seq, first.Seq)
	}
	u := &iam.User{ID: newID(t, now.Add(time.Millisecond)), OrgID: second.ID, Email: "b@example.com", CreatedAt: now}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	found, err := s.FindUsersByLogin(ctx, "b@example.com", 2)
	if err != nil || len(found) != 1 || found[0].OrgID != second.ID {
		t.Fatalf("the second organization's user: %+v, %v", found, err)
	}
	if _, err := s.GetUser(ctx, first.ID, u.ID); !iam.IsKind(err, iam.NotFound) {
		t.Errorf("the second organization's user read through the rolled-back one: %v", err)
	}
}
