package authn

import "testing"

// A panic on a hashing thread reaches the caller, whose recovery answers
// the request, rather than ending the process.
func TestLowPriorityRaisesPanicsInTheCaller(t *testing.T) {
	defer func() {
		if v := recover(); v != "boom" {
			t.Fatalf("recovered %v, want boom", v)
		}
	}()
	lowPriority(func() { panic("boom") })
	t.Fatal("no panic reached the caller")
}
