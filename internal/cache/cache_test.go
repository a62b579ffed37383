package cache

import "testing"

func TestMapStaysWithinItsBound(t *testing.T) {
	c := New[int, string](64)
	for i := range 1000 {
		c.Put(i, "v")
		if c.Len() > 64 {
			t.Fatalf("%d entries after %d puts, bound 64", c.Len(), i+1)
		}
	}
	c.Put(999, "w") // replacing evicts nothing
	if v, ok := c.Get(999); !ok || v != "w" {
		t.Fatalf("the newest entry: %q %v", v, ok)
	}
	c.Delete(999)
	if _, ok := c.Get(999); ok {
		t.Fatal("a deleted entry is still there")
	}
	c.Clear()
	if c.Len() != 0 {
		t.Fatalf("%d entries after Clear", c.Len())
	}
}
