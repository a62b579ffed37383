package iam

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"io"
	"sync"
	"time"
)

// ID is a UUIDv7: 48 bits of Unix milliseconds, then randomness. Being
// time-ordered, it gives good index locality and a natural keyset for paging.
// Compatibility surfaces render the same ID as dashed UUID, 32 hex digits or
// 22 base64url characters; ParseID accepts all three.
type ID [16]byte

// NilID is the zero ID; it names nothing.
var NilID ID

// NewID returns a UUIDv7 for time t using entropy from r. IDs made one
// after another in the same millisecond still sort in the order they were
// made (RFC 9562 §6.2, method 1: the 12 bits after the version count up
// from a random start), so keyset order is creation order.
func NewID(t time.Time, r io.Reader) (ID, error) {
	var id ID
	if _, err := io.ReadFull(r, id[6:]); err != nil {
		return NilID, err
	}
	ms := uint64(t.UnixMilli())
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], ms)
	copy(id[:6], ts[2:])
	seq := sequence(ms, uint16(id[6]&0x07)<<8|uint16(id[7])) // a random start below 0x800 leaves room to count
	id[6] = 0x70 | byte(seq>>8)                              // version 7
	id[7] = byte(seq)
	id[8] = (id[8] & 0x3f) | 0x80 // RFC 9562 variant
	return id, nil
}

var counter struct {
	sync.Mutex
	ms  uint64
	seq uint16
}

// sequence is the 12-bit counter of an ID made in millisecond ms: one more
// than the last one's if that was made in the same millisecond (until the
// counter is spent), else start.
func sequence(ms uint64, start uint16) uint16 {
	counter.Lock()
	defer counter.Unlock()
	if ms == counter.ms && counter.seq < 0xfff {
		counter.seq++
	} else {
		counter.ms, counter.seq = ms, start
	}
	return counter.seq
}

// ParseID accepts a dashed UUID, 32 hex digits or 22 base64url characters.
func ParseID(s string) (ID, error) {
	var id ID
	switch len(s) {
	case 36:
		if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' ||
			!decodeHex(id[0:4], s[0:8]) || !decodeHex(id[4:6], s[9:13]) || !decodeHex(id[6:8], s[14:18]) ||
			!decodeHex(id[8:10], s[19:23]) || !decodeHex(id[10:], s[24:]) {
			return NilID, errBadID
		}
	case 32:
		if !decodeHex(id[:], s) {
			return NilID, errBadID
		}
	case 22:
		n, err := base64.RawURLEncoding.Decode(id[:], []byte(s))
		if err != nil || n != 16 {
			return NilID, errBadID
		}
	default:
		return NilID, errBadID
	}
	return id, nil
}

var errBadID = E(Invalid, "bad_id", "not a valid ID")

// decodeHex fills dst from the 2*len(dst) hex digits of s, either case,
// and reports whether they all were: a request parses an ID or two, and
// hex.Decode would want them copied into a []byte first.
func decodeHex(dst []byte, s string) bool {
	for i := range dst {
		hi, lo := hexValue[s[2*i]], hexValue[s[2*i+1]]
		if hi|lo > 0xf {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

// hexValue maps a hex digit to its value and every other byte to 0xff.
var hexValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i, c := range []byte("0123456789abcdef") {
		t[c] = byte(i)
	}
	for i, c := range []byte("ABCDEF") {
		t[c] = byte(10 + i)
	}
	return t
}()

// MustParseID is ParseID for constants in tests; it panics on bad input.
func MustParseID(s string) ID {
	id, err := ParseID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// IsZero reports whether id is the nil ID.
func (id ID) IsZero() bool { return id == NilID }

// String is the dashed form, used by the native API.
func (id ID) String() string {
	var b [36]byte
	id.dashed(&b)
	return string(b[:])
}

// dashed writes the dashed form into b.
func (id ID) dashed(b *[36]byte) {
	hex.Encode(b[0:8], id[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], id[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], id[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], id[8:10])
	b[23] = '-'
	hex.Encode(b[24:], id[10:])
}

// Hex is the 32-hex-digit form (SailPoint).
func (id ID) Hex() string { return hex.EncodeToString(id[:]) }

// Base64 is the 22-character base64url form (Squirro).
func (id ID) Base64() string { return base64.RawURLEncoding.EncodeToString(id[:]) }

// Time is the creation time encoded in the ID.
func (id ID) Time() time.Time {
	var ts [8]byte
	copy(ts[2:], id[:6])
	return time.UnixMilli(int64(binary.BigEndian.Uint64(ts[:]))).UTC()
}

// MarshalText renders the dashed form in JSON.
func (id ID) MarshalText() ([]byte, error) { return id.AppendText(make([]byte, 0, 36)) }

// AppendText appends the dashed form to b.
func (id ID) AppendText(b []byte) ([]byte, error) {
	var d [36]byte
	id.dashed(&d)
	return append(b, d[:]...), nil
}

// UnmarshalText accepts every encoding ParseID does.
func (id *ID) UnmarshalText(b []byte) error {
	v, err := ParseID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}
