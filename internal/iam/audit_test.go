package iam

import (
	"encoding/hex"
	"testing"
	"time"
)

// TestChainHashIsStable pins ChainHash to the bytes it hashed when the
// first chains were written: stored events must keep verifying.
func TestChainHashIsStable(t *testing.T) {
	e := &AuditEvent{ID: ID{1, 2, 3}, OrgID: ID{4, 5, 6}, Seq: 42, Time: time.UnixMicro(1732428611865988),
		ActorType: "user", ActorID: ID{7, 8}, Action: "user.created", TargetType: "user", TargetID: "target",
		SourceIP: "10.0.0.1", UserAgent: "curl/8", Surface: "native", Changes: []byte(`{"a":1}`)}
	for _, c := range []struct{ prev, want string }{
		{"", "c4999e64c96dc68eeb7e424e4d2d62410f408df46cf8ec161a5f551ec0ee3b92"},
		{"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "b9742baea25f845b3070543e5b477779c362260a564837f0cc279c463e11da8a"},
	} {
		prev, _ := hex.DecodeString(c.prev)
		if got := hex.EncodeToString(ChainHash(prev, e)); got != c.want {
			t.Errorf("prev %q: %s, want %s", c.prev, got, c.want)
		}
	}
}
