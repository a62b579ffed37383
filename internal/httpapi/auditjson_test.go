package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

func refAuditPage(events []*iam.AuditEvent, next *string) auditList {
	page := auditList{Events: make([]auditEventJSON, len(events)), NextCursor: next}
	for i, e := range events {
		page.Events[i] = toAuditJSON(e)
	}
	return page
}

func FuzzAuditPageJSON(f *testing.F) {
	// texts, changes, a time in Unix nanoseconds, flags (no actor, no
	// changes, no cursor, a year MarshalText refuses), the cursor's seq.
	f.Add("user", "user.created", "user", "0193a6f2-7c1e-7d4a-9e1b-2c3d4e5f6a7b", "10.0.0.1", "Mozilla/5.0 (X11)", "native",
		[]byte(`{"email":"ada@example.com","roles":["user"]}`), int64(1_795_000_000_123_456_789), uint8(0), int64(42))
	f.Add("system", "org.created", "org", "settings", "", "", "sailpoint", []byte(``), int64(0), uint8(3), int64(0))
	f.Add("user", "a<b", "t&t", "x\"y", "back\\slash", "tab\there", "line\u2028sep", []byte(`{ "a" : 1 }`), int64(-1), uint8(4), int64(1))
	f.Add("\xff", "\u2029", "\x00", "\x7f", "\ufffd", "", "", []byte(`{"html":"<b>\u2028"}`), int64(1), uint8(8), int64(-5))
	f.Add("u", "a", "t", "i", "s", "ua", "native", []byte("{\"a\":\"\xe2\x80\xa8\"}\n"), int64(5), uint8(0), int64(7))
	f.Add("u", "a", "t", "i", "s", "ua", "native", []byte(`{"a":1`), int64(5), uint8(0), int64(7))
	for _, odd := range []string{"<", ">", "&", `"`, `\`, "\x00", "\x1f", "\n", "\u2028", "\u2029", "\xff", "\xe2\x80"} {
		f.Add("u", "a", "t", "i"+odd, "s", "ua", "native", []byte(`{}`), int64(5), uint8(0), int64(7))
		f.Add("u", "a", "t", "i", "s", "ua"+odd, "native", []byte(`{}`), int64(5), uint8(0), int64(7))
	}
	for _, changes := range []string{`{"a":"<"}`, `{"a":"&"}`, "{\"a\":\"\u2028\"}", `{ "a":1}`, "{\"a\":1}\n", `[]`, `"s"`, `null`, ` `} {
		f.Add("u", "a", "t", "i", "s", "ua", "native", []byte(changes), int64(5), uint8(0), int64(7))
	}
	f.Fuzz(func(t *testing.T, actorType, action, targetType, targetID, ip, ua, surface string, changes []byte, nanos int64,
		flags uint8, cursor int64) {
		at := time.Unix(0, nanos).UTC()
		if flags&8 != 0 {
			at = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) // MarshalText refuses it
		}
		e := &iam.AuditEvent{ID: iam.ID{1, 2, 3}, OrgID: iam.ID{9}, Seq: cursor, Time: at, ActorType: actorType, ActorID: iam.ID{4, 5},
			Action: action, TargetType: targetType, TargetID: targetID, SourceIP: ip, UserAgent: ua, Surface: surface,
			Changes: changes, PrevHash: []byte{0xde, 0xad}, Hash: []byte{0xbe, 0xef, 0x01}}
		if flags&1 != 0 {
			e.ActorID = iam.ID{}
		}
		if flags&2 != 0 {
			e.Changes = nil
		}
		c := fmt.Sprint(cursor)
		next := &c
		if flags&4 != 0 {
			next = nil
		}
		plain := &iam.AuditEvent{ID: iam.ID{7}, OrgID: iam.ID{9}, Seq: 1, Time: time.Unix(5, 0), ActorType: "system",
			Action: "x", Changes: []byte(`{}`), Hash: []byte{1}}
		for _, events := range [][]*iam.AuditEvent{{e}, {plain, e, plain}, {}} {
			var want bytes.Buffer
			wantErr := json.NewEncoder(&want).Encode(refAuditPage(events, next))
			got, err := appendAuditPage(nil, events, next)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("error %v, encoding/json's %v", err, wantErr)
			}
			if err == nil && !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("wrote\n%s\nencoding/json writes\n%s", got, want.Bytes())
			}
		}
	})
}

// TestUsualAuditEventsAreWrittenDirectly: the events Warden records take
// the direct path, not encoding/json's.
func TestUsualAuditEventsAreWrittenDirectly(t *testing.T) {
	e := &iam.AuditEvent{ID: iam.ID{1}, OrgID: iam.ID{2}, Seq: 3, Time: time.Now(), ActorType: "user", ActorID: iam.ID{3},
		Action: "user.created", TargetType: "user", TargetID: "0193a6f2-7c1e-7d4a-9e1b-2c3d4e5f6a7b", SourceIP: "10.0.0.1",
		UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0", Surface: "native",
		Changes: []byte(`{"disabled":false,"email":"zoë@example.com","roles":["user"]}`), PrevHash: make([]byte, 32), Hash: make([]byte, 32)}
	if _, ok := appendPlainAudit(nil, e); !ok {
		t.Fatal("a usual event went through encoding/json")
	}
}

// BenchmarkEncodeAuditPage encodes a page of 100 audit events, as
// GET /v1/audit sends it; "reflect" is the same page through encoding/json.
func BenchmarkEncodeAuditPage(b *testing.B) {
	events := make([]*iam.AuditEvent, 100)
	at := time.Date(2026, 11, 24, 8, 0, 0, 123456000, time.UTC)
	for i := range events {
		events[i] = &iam.AuditEvent{ID: iam.ID{byte(i), 1}, OrgID: iam.ID{9}, Seq: int64(i + 1), Time: at, ActorType: "user",
			ActorID: iam.ID{3}, Action: "user.created", TargetType: "user", TargetID: "0193a6f2-7c1e-7d4a-9e1b-2c3d4e5f6a7b",
			SourceIP: "10.216.190.3", UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0", Surface: "native",
			Changes: []byte(fmt.Sprintf(`{"disabled":false,"email":"user%d@example.com","first_name":"Ada","full_name":"Ada Lovelace",`+
				`"last_name":"Lovelace","password_set":true,"roles":["user"],"username":"user%d"}`, i, i)),
			PrevHash: make([]byte, 32), Hash: make([]byte, 32)}
	}
	next := "100"
	benchEncodePage(b, func(w http.ResponseWriter) error { return writeAuditPage(w, events, &next) }, refAuditPage(events, &next))
}
