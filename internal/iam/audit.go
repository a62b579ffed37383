package iam

import (
	"crypto/sha256"
	"encoding/binary"
)

// ChainHash is the hash of event e linked to the hash of its predecessor:
// SHA-256 over prev and every field of e except Hash, each length-prefixed
// so that no two different events encode alike. Changing any stored field of
// any event breaks the chain from that event on.
func ChainHash(prev []byte, e *AuditEvent) []byte {
	h := sha256.New()
	field := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	num := func(v int64) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(v))
		h.Write(n[:])
	}
	field(prev)
	field(e.ID[:])
	field(e.OrgID[:])
	num(e.Seq)
	num(e.Time.UnixMicro())
	for _, s := range []string{e.ActorType, e.Action, e.TargetType, e.TargetID, e.SourceIP, e.UserAgent, e.Surface} {
		field([]byte(s))
	}
	field(e.ActorID[:])
	field(e.Changes)
	return h.Sum(nil)
}
