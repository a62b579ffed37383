package authz

// permSet is a set of catalog positions. Fixed size keeps it a value: no
// allocation to copy, compare or test.
type permSet [4]uint64

const permSetBits = len(permSet{}) * 64

func (s *permSet) add(i int)        { s[i>>6] |= 1 << (i & 63) }
func (s *permSet) has(i int) bool   { return s[i>>6]&(1<<(i&63)) != 0 }
func (s *permSet) union(o *permSet) { s[0] |= o[0]; s[1] |= o[1]; s[2] |= o[2]; s[3] |= o[3] }
func (s *permSet) minus(o *permSet) { s[0] &^= o[0]; s[1] &^= o[1]; s[2] &^= o[2]; s[3] &^= o[3] }
func (s *permSet) isEmpty() bool    { return *s == permSet{} }
