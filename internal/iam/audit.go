package iam

import (
	"crypto/sha256"
	"encoding/binary"
)

// ChainHash is the hash of event e linked to the hash of its predecessor:
// SHA-256 over prev and every field of e except Hash, each length-prefixed
// so that no two different events encode alike. Changing any stored field of
// any event breaks the chain from that event on.
//
// The bytes hashed are, in order: prev's length (8 bytes, big-endian) and
// prev, ChainParts' head, e.Seq (8 bytes, big-endian), ChainParts' tail.
// A store may hash them itself (PostgreSQL does, with the head row's hash
// and next seq) and must get the same.
func ChainHash(prev []byte, e *AuditEvent) []byte {
	head, tail := ChainParts(e)
	h := sha256.New()
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(prev))))
	h.Write(prev)
	h.Write(head)
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(e.Seq)))
	h.Write(tail)
	return h.Sum(nil)
}

// ChainParts are the bytes ChainHash hashes of e before its Seq (head) and
// after it (tail).
func ChainParts(e *AuditEvent) (head, tail []byte) {
	field := func(b, f []byte) []byte {
		b = binary.BigEndian.AppendUint64(b, uint64(len(f)))
		return append(b, f...)
	}
	head = field(head, e.ID[:])
	head = field(head, e.OrgID[:])
	tail = binary.BigEndian.AppendUint64(tail, uint64(e.Time.UnixMicro()))
	for _, s := range []string{e.ActorType, e.Action, e.TargetType, e.TargetID, e.SourceIP, e.UserAgent, e.Surface} {
		tail = field(tail, []byte(s))
	}
	tail = field(tail, e.ActorID[:])
	return head, field(tail, e.Changes)
}
