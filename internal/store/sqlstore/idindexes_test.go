package sqlstore

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// TestFewerIDIndexesKeepWhatTheyHeld upgrades a version-9 SQLite file
// through migration 10, which builds the role bindings and audit events
// again without their ID indexes and keeps UUID audit targets as bytes:
// every event reads back as written (its hash still matches), a filter by
// target finds it, the role projection triggers still fire, a deleted
// binding's seq is not handed out again, and no index is left on an ID
// alone.
func TestFewerIDIndexesKeepWhatTheyHeld(t *testing.T) {
	ctx := context.Background()
	s := sqliteAt(t, 9)
	now := time.Now().UTC().Truncate(time.Microsecond)
	org := newOrg(t, "Acme")
	if err := s.CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	u := &iam.User{ID: newID(t, now), OrgID: org.ID, Email: "ann@example.com", CreatedAt: now, UpdatedAt: now}
	userRowV9(t, s, u, org.Seq)
	kept := &iam.RoleBinding{ID: newID(t, now), OrgID: org.ID, SubjectType: iam.SubjectUser, SubjectID: u.ID,
		Role: "viewer", ScopeType: iam.ScopeOrg, ScopeID: org.ID, CreatedAt: now}
	gone := &iam.RoleBinding{ID: newID(t, now), OrgID: org.ID, SubjectType: iam.SubjectUser, SubjectID: u.ID,
		Role: "editor", ScopeType: iam.ScopeOrg, ScopeID: org.ID, CreatedAt: now}
	for _, b := range []*iam.RoleBinding{kept, gone} {
		if err := s.CreateRoleBinding(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteRoleBinding(ctx, org.ID, gone.ID); err != nil {
		t.Fatal(err)
	}

	// Events as version 9 wrote them: every target as text.
	targets := []string{u.ID.String(), strings.ToUpper(u.ID.String()), "settings"}
	var prev []byte
	for i, target := range targets {
		e := &iam.AuditEvent{ID: newID(t, now), OrgID: org.ID, Seq: int64(i + 1), Time: now, ActorType: iam.ActorUser,
			ActorID: u.ID, Action: "user.updated", TargetType: "user", TargetID: target, Surface: "native",
			Changes: []byte(`{"email":"ann@example.com"}`), PrevHash: prev}
		e.Hash = iam.ChainHash(prev, e)
		mustExec(t, s, `INSERT INTO audit_events (org_id, seq, id, time, actor_type, actor_id, action, target_type, target_id,
			source_ip, user_agent, surface, changes, prev_hash, hash) VALUES ($1, $2, $3, $4, 'user', $5, 'user.updated', 'user', $6,
			'', '', 'native', $7, $8, $9)`, org.Seq, e.Seq, idArg(e.ID), micros(now), idArg(u.ID), target, string(e.Changes),
			nonNil(prev), e.Hash)
		prev = e.Hash
	}
	mustExec(t, s, `UPDATE audit_heads SET seq = $2, hash = $3 WHERE org_id = $1`, org.Seq, len(targets), prev)

	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	var blobs int
	if err := s.w.QueryRow(`SELECT COUNT(*) FROM audit_events WHERE typeof(target_id) = 'blob'`).Scan(&blobs); err != nil || blobs != 1 {
		t.Errorf("%d targets kept as bytes (%v), want only the lower-case UUID", blobs, err)
	}
	events, err := s.ListAudit(ctx, org.ID, iam.AuditFilter{Asc: true})
	if err != nil || len(events) != len(targets) {
		t.Fatalf("events: %d, %v", len(events), err)
	}
	prev = nil
	for i, e := range events {
		if e.TargetID != targets[i] || !bytes.Equal(e.PrevHash, prev) || !bytes.Equal(e.Hash, iam.ChainHash(prev, e)) {
			t.Errorf("event %d: target %q, or its chain broke", e.Seq, e.TargetID)
		}
		prev = e.Hash
		found, err := s.ListAudit(ctx, org.ID, iam.AuditFilter{TargetID: targets[i]})
		if err != nil || len(found) != 1 || found[0].Seq != e.Seq {
			t.Errorf("filtered by %q: %d events, %v", targets[i], len(found), err)
		}
	}
	next := &iam.AuditEvent{ID: newID(t, now), OrgID: org.ID, Time: now, ActorType: iam.ActorUser, ActorID: u.ID,
		Action: "user.deleted", TargetType: "user", TargetID: u.ID.String(), Surface: "native"}
	if err := s.AppendAudit(ctx, next); err != nil || next.Seq != 4 || !bytes.Equal(next.PrevHash, prev) {
		t.Errorf("the next event: seq %d, %v", next.Seq, err)
	}

	if b, err := s.GetRoleBinding(ctx, org.ID, kept.ID); err != nil || b.Role != "viewer" {
		t.Errorf("the kept binding: %+v, %v", b, err)
	}
	added := &iam.RoleBinding{ID: newID(t, now), OrgID: org.ID, SubjectType: iam.SubjectUser, SubjectID: u.ID,
		Role: "admin", ScopeType: iam.ScopeOrg, ScopeID: org.ID, CreatedAt: now}
	if err := s.CreateRoleBinding(ctx, added); err != nil {
		t.Fatal(err)
	}
	var seq int64
	var roles string
	if err := s.w.QueryRow(`SELECT seq FROM role_bindings WHERE id = $1`, idArg(added.ID)).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	if err := s.w.QueryRow(`SELECT org_roles FROM users WHERE id = $1`, idArg(u.ID)).Scan(&roles); err != nil {
		t.Fatal(err)
	}
	if seq != 3 || roles != "admin,viewer" {
		t.Errorf("the new binding: seq %d (the deleted one had 2), the user's org roles %q", seq, roles)
	}

	var idOnly int
	if err := s.w.QueryRow(`SELECT COUNT(*) FROM sqlite_schema s, pragma_index_list(s.name) i
		WHERE s.name IN ('role_bindings', 'audit_events') AND i.origin = 'u'`).Scan(&idOnly); err != nil || idOnly != 0 {
		t.Errorf("%d UNIQUE constraints left on the IDs (%v)", idOnly, err)
	}
}
