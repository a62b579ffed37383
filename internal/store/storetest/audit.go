package storetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

func newEvent(t *testing.T, c *clock, org *iam.Org, action, target string) *iam.AuditEvent {
	t.Helper()
	now := c.now()
	return &iam.AuditEvent{ID: newID(t, now), OrgID: org.ID, Time: now, ActorType: iam.ActorUser,
		ActorID: newID(t, now), Action: action, TargetType: "user", TargetID: target, SourceIP: "198.51.100.4",
		UserAgent: "curl/8", Surface: "native", Changes: json.RawMessage(`{"email": {"to":"a@example.com"}}`)}
}

func appendEvents(t *testing.T, s iam.Queries, c *clock, org *iam.Org, n int) []*iam.AuditEvent {
	t.Helper()
	var out []*iam.AuditEvent
	for i := range n {
		e := newEvent(t, c, org, fmt.Sprintf("thing.%d", i%3), fmt.Sprintf("target-%d", i%2))
		if err := s.AppendAudit(ctx, e); err != nil {
			t.Fatalf("AppendAudit: %v", err)
		}
		out = append(out, e)
	}
	return out
}

// checkChain asserts events (oldest first) form a valid chain from 1.
func checkChain(t *testing.T, events []*iam.AuditEvent) {
	t.Helper()
	var prev []byte
	for i, e := range events {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d", i+1, e.Seq)
		}
		if !bytes.Equal(e.PrevHash, prev) {
			t.Fatalf("event %d does not link to its predecessor", e.Seq)
		}
		if !bytes.Equal(e.Hash, iam.ChainHash(e.PrevHash, e)) {
			t.Fatalf("event %d hash does not match its content", e.Seq)
		}
		prev = e.Hash
	}
}

func testAudit(t *testing.T, newStore NewStore) {
	t.Run("appends chain and read back exactly", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		written := appendEvents(t, s, c, o, 5)
		got, err := s.ListAudit(ctx, o.ID, iam.AuditFilter{Asc: true})
		noErr(t, err)
		checkChain(t, got)
		jsonEqual(t, "ListAudit", got, written)
		if string(got[0].Changes) != `{"email": {"to":"a@example.com"}}` {
			t.Fatalf("changes not verbatim: %s", got[0].Changes)
		}
	})
	t.Run("a system event without actor or changes round-trips", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		e := newEvent(t, c, o, "key.rotated", "")
		e.ActorType, e.ActorID, e.Changes = iam.ActorSystem, iam.NilID, nil
		noErr(t, s.AppendAudit(ctx, e))
		got, _ := s.ListAudit(ctx, o.ID, iam.AuditFilter{})
		if len(got) != 1 || !got[0].ActorID.IsZero() || len(got[0].Changes) != 0 {
			t.Fatalf("got %+v", got)
		}
		checkChain(t, got)
	})
	t.Run("a target is read back and found as it was written", func(t *testing.T) {
		// SQLite keeps a dashed lower-case UUID as 16 bytes: every other
		// form must stay text, or the event's hash would break.
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		id := newID(t, c.now()).String()
		targets := []string{id, strings.ToUpper(id), strings.ReplaceAll(id, "-", ""), "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "settings"}
		for _, target := range targets {
			noErr(t, s.AppendAudit(ctx, newEvent(t, c, o, "thing.changed", target)))
		}
		all, err := s.ListAudit(ctx, o.ID, iam.AuditFilter{Asc: true})
		noErr(t, err)
		checkChain(t, all)
		for i, target := range targets {
			if all[i].TargetID != target {
				t.Errorf("event %d: target %q, want %q", i+1, all[i].TargetID, target)
			}
			got, err := s.ListAudit(ctx, o.ID, iam.AuditFilter{TargetID: target})
			noErr(t, err)
			if len(got) != 1 || got[0].Seq != int64(i+1) {
				t.Errorf("filtered by %q: %d events", target, len(got))
			}
		}
	})
	t.Run("appending to a missing org is not found", func(t *testing.T) {
		s, c := newStore(t), newClock()
		wantKind(t, s.AppendAudit(ctx, newEvent(t, c, &iam.Org{ID: newID(t, c.now())}, "x", "")), iam.NotFound)
	})
	s, c := newStore(t), newClock()
	o := mustOrg(t, s, c, "Acme")
	events := appendEvents(t, s, c, o, 12)
	seqs := func(list []*iam.AuditEvent) []int64 {
		out := make([]int64, len(list))
		for i, e := range list {
			out[i] = e.Seq
		}
		return out
	}
	cases := []struct {
		name string
		f    iam.AuditFilter
		want []int64
	}{
		{"newest first by default", iam.AuditFilter{Limit: 3}, []int64{12, 11, 10}},
		{"below a cursor", iam.AuditFilter{Limit: 3, Cursor: 10}, []int64{9, 8, 7}},
		{"oldest first above a cursor", iam.AuditFilter{Limit: 3, Asc: true, Cursor: 4}, []int64{5, 6, 7}},
		{"by action", iam.AuditFilter{Action: "thing.1"}, []int64{11, 8, 5, 2}},
		{"by target", iam.AuditFilter{TargetID: "target-1", Limit: 2}, []int64{12, 10}},
		{"by target type", iam.AuditFilter{TargetType: "nothing"}, []int64{}},
		{"by actor", iam.AuditFilter{ActorID: events[6].ActorID}, []int64{7}},
		{"since is inclusive", iam.AuditFilter{Since: events[9].Time}, []int64{12, 11, 10}},
		{"until is exclusive", iam.AuditFilter{Until: events[2].Time}, []int64{2, 1}},
		{"a time window", iam.AuditFilter{Since: events[3].Time, Until: events[5].Time, Asc: true}, []int64{4, 5}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListAudit(ctx, o.ID, tc.f)
			noErr(t, err)
			jsonEqual(t, "seqs", seqs(got), tc.want)
		})
	}
	t.Run("times are kept to the microsecond", func(t *testing.T) {
		got, _ := s.ListAudit(ctx, o.ID, iam.AuditFilter{Limit: 1})
		if !got[0].Time.Equal(events[11].Time) || got[0].Time.Location() != time.UTC {
			t.Fatalf("time %v, want %v UTC", got[0].Time, events[11].Time)
		}
	})
}
