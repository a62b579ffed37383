package iam

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"
)

func TestIDEncodingsRoundTrip(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	id, err := NewID(now, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if id[6]>>4 != 7 || id[8]>>6 != 2 {
		t.Fatalf("not a UUIDv7: %s", id)
	}
	if !id.Time().Equal(now) {
		t.Fatalf("time = %v, want %v", id.Time(), now)
	}
	for _, s := range []string{id.String(), id.Hex(), id.Base64(), strings.ToUpper(id.String()), strings.ToUpper(id.Hex())} {
		got, err := ParseID(s)
		if err != nil || got != id {
			t.Fatalf("ParseID(%q) = %v, %v; want %v", s, got, err, id)
		}
	}
	if len(id.Base64()) != 22 || len(id.Hex()) != 32 {
		t.Fatalf("bad lengths: %s %s", id.Base64(), id.Hex())
	}
}

func TestIDsSortByTime(t *testing.T) {
	a, _ := NewID(time.UnixMilli(1000), rand.Reader)
	b, _ := NewID(time.UnixMilli(1001), rand.Reader)
	if string(a[:]) >= string(b[:]) {
		t.Fatal("later ID does not sort after earlier one")
	}
}

func TestIDsOfOneMillisecondSortInOrderMade(t *testing.T) {
	at := time.UnixMilli(5000)
	prev, _ := NewID(at, rand.Reader)
	for i := range 3000 { // more than the counter's headroom: it carries on past its start
		next, err := NewID(at, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if string(next[:]) <= string(prev[:]) && i < 2048 {
			t.Fatalf("ID %d of the same millisecond sorts before the one made before it", i)
		}
		if !next.Time().Equal(at) || next[6]>>4 != 7 || next[8]>>6 != 2 {
			t.Fatalf("ID %s lost its time, version or variant", next)
		}
		prev = next
	}
}

func TestParseIDRejectsGarbage(t *testing.T) {
	for _, s := range []string{"", "x", "0190f1b2-3c4d-7e5f-8a9b-0c1d2e3f4g5h", "0190f1b23c4d7e5f8a9b0c1d2e3f4a5b6", "not/base64/at/all/xxxx", "0190f1b2x3c4d-7e5f-8a9b-0c1d2e3f4a5b",
		"0190f1b2-3c4d-7e5g-8a9b-0c1d2e3f4a5b", "0190f1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5 ", "0190f1b23c4d7e5f8a9b0c1d2e3f4a5-"} {
		if _, err := ParseID(s); !IsKind(err, Invalid) {
			t.Errorf("ParseID(%q) err = %v, want Invalid", s, err)
		}
	}
}

func FuzzParseID(f *testing.F) {
	f.Add("0190f1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b")
	f.Add("H5Qv-WhgSBGW0WL8xolSCQ")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseID(s)
		if err != nil {
			return
		}
		if back, err := ParseID(id.String()); err != nil || back != id {
			t.Fatalf("round trip of %q failed", s)
		}
	})
}
