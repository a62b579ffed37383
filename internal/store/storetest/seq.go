package storetest

import (
	"testing"

	"github.com/wardenhq/warden/internal/iam"
)

func testIDBySeq(t *testing.T, newStore NewStore) {
	s, c := newStore(t), newClock()
	a, b := mustOrg(t, s, c, "A"), mustOrg(t, s, c, "B")
	u := mustUser(t, s, c, a, "ada@example.com", "ada")
	g := mustGroup(t, s, c, a, "Team")
	w := mustWorkspace(t, s, c, a, "lab")
	for _, tc := range []struct {
		kind string
		seq  int64
		id   iam.ID
	}{{iam.SeqUser, u.Seq, u.ID}, {iam.SeqGroup, g.Seq, g.ID}, {iam.SeqWorkspace, w.Seq, w.ID}} {
		got, err := s.IDBySeq(ctx, a.ID, tc.kind, tc.seq)
		noErr(t, err)
		if got != tc.id {
			t.Fatalf("%s %d is %s, want %s", tc.kind, tc.seq, got, tc.id)
		}
		_, err = s.IDBySeq(ctx, b.ID, tc.kind, tc.seq)
		wantKind(t, err, iam.NotFound) // another organization's number names nothing
	}
	_, err := s.IDBySeq(ctx, a.ID, iam.SeqUser, u.Seq+1000)
	wantKind(t, err, iam.NotFound)
	_, err = s.IDBySeq(ctx, a.ID, "users; DROP TABLE users", 1)
	wantKind(t, err, iam.Invalid)
}
