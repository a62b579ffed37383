package httpapi

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// userList is a page of users as encoding/json gives it: what
// appendUserPage must write byte for byte.
type userList struct {
	Users      []userJSON `json:"users"`
	NextCursor *string    `json:"next_cursor"`
}

func refPage(users []*iam.User, next *string) userList {
	page := userList{Users: make([]userJSON, len(users)), NextCursor: next}
	for i, u := range users {
		page.Users[i] = toUserJSON(u)
	}
	return page
}

func FuzzUserPageJSON(f *testing.F) {
	// name fields, role, metadata, a time in Unix nanoseconds, flags (nil
	// metadata, nil last login, nil roles, no cursor, disabled), cursor.
	f.Add("ada@example.com", "ada", "Ada", "Lovelace", "Ada Lovelace", "admin", []byte(`{"department":"research"}`), int64(1_795_000_000_123_456_789), uint8(0), "AZNa7LM_dMqINL4aPqcoLw")
	f.Add("jose@example.com", "josé", "José", "Núñez", "José Núñez", "user", []byte(`{"a":[1,2.5e3,true,null,{"b":"x y"}]}`), int64(0), uint8(31), "")
	f.Add("a<b>&c@example.com", "x\"y", "back\\slash", "tab\there", "line\u2028sep", "r&d", []byte(`{ "a" : 1 }`), int64(-1), uint8(4), "c<")
	f.Add("\xff\xfe@example.com", "\u2029", "\x00", "\x7f", "\ufffd", "", []byte(`{"html":"<b>\u2028"}`), int64(1), uint8(8), "\xff")
	f.Add("e", "u", "f", "l", "n", "r", []byte(``), int64(9_000_000_000_000_000_000), uint8(2), "c")
	f.Add("e", "u", "f", "l", "n", "r", []byte(`{"a":"\\u2028 \\\" \\\\"}`), int64(253_402_300_800_000_000_000/1000), uint8(1), "c")
	f.Add("e", "u", "f", "l", "n", "r", []byte("{\"a\":\"\xe2\x80\xa8\"}\n"), int64(5), uint8(0), "c")
	f.Add("e", "u", "f", "l", "n", "r", []byte(`{"a":1`), int64(5), uint8(0), "c")
	// One odd thing at a time in an otherwise plain user, so that each must
	// be caught on its own.
	for _, odd := range []string{"<", ">", "&", `"`, `\`, "\x00", "\x1f", "\n", "\u2028", "\u2029", "\xff", "\xe2\x80"} {
		f.Add("a"+odd+"@example.com", "u", "f", "l", "n", "r", []byte(`{}`), int64(5), uint8(0), "c")
		f.Add("e", "u", "f", "l", "n", "r"+odd, []byte(`{}`), int64(5), uint8(0), "c")
		f.Add("e", "u", "f", "l", "n", "r", []byte(`{}`), int64(5), uint8(0), "c"+odd)
	}
	for _, meta := range []string{`{"a":"<"}`, `{"a":">"}`, `{"a":"&"}`, "{\"a\":\"\u2028\"}", "{\"a\":\"\u2029\"}",
		`{ "a":1}`, "{\"a\":1}\n", "{\"a\":\t1}", "{\r\"a\":1}", `{"a":1`, `{"a":"\""}`, `[]`, `"s"`, `null`, ` `} {
		f.Add("e", "u", "f", "l", "n", "r", []byte(meta), int64(5), uint8(0), "c")
	}
	f.Fuzz(func(t *testing.T, email, username, first, last, full, role string, meta []byte, nanos int64, flags uint8, cursor string) {
		at := time.Unix(0, nanos).UTC()
		if flags&32 != 0 {
			at = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) // MarshalText refuses it
		}
		u := &iam.User{ID: iam.ID{1, 2, 3}, OrgID: iam.ID{0xff, 9}, Email: email, Username: username, FirstName: first,
			LastName: last, FullName: full, Roles: []string{role, "user"}, Metadata: meta, Disabled: flags&16 != 0,
			InstanceAdmin: flags&64 != 0, CreatedAt: time.Unix(0, nanos/3), UpdatedAt: at, LastLoginAt: &at}
		if flags&1 != 0 {
			u.Metadata = nil
		}
		if flags&2 != 0 {
			u.LastLoginAt = nil
		}
		if flags&4 != 0 {
			u.Roles = nil
		}
		next := &cursor
		if flags&8 != 0 {
			next = nil
		}
		plain := &iam.User{ID: iam.ID{7}, OrgID: iam.ID{8}, Email: "p@example.com", Roles: []string{}, Metadata: []byte(`{}`)}
		for _, users := range [][]*iam.User{{u}, {plain, u, plain}, {}} {
			var want bytes.Buffer
			wantErr := json.NewEncoder(&want).Encode(refPage(users, next))
			got, err := appendUserPage(nil, users, next)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("error %v, encoding/json's %v", err, wantErr)
			}
			if err == nil && !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("wrote\n%s\nencoding/json writes\n%s", got, want.Bytes())
			}
		}
	})
}

func TestUsualUsersAreWrittenDirectly(t *testing.T) {
	at := time.Now()
	u := &iam.User{ID: iam.ID{1}, OrgID: iam.ID{2}, Email: "jose@example.com", Username: "jose", FirstName: "José",
		LastName: "Núñez", FullName: "José Núñez", Roles: []string{"user"}, Metadata: []byte(`{"team":"R and D","n":[1,2],"q":"a \" b"}`),
		CreatedAt: at, UpdatedAt: at, LastLoginAt: &at}
	if _, ok := appendPlainUser(nil, u); !ok {
		t.Fatal("a user with accents and spaces inside metadata strings went through encoding/json")
	}
	u.Metadata = []byte(`{"team":"R&D"}`)
	if _, ok := appendPlainUser(nil, u); ok {
		t.Fatal("metadata with & was written as it is; encoding/json escapes it")
	}
}
