package authn

import (
	"syscall"
	"testing"
)

// niceOfThisThread is the calling thread's nice value (the raw syscall
// answers 20 - nice).
func niceOfThisThread(t *testing.T) int {
	t.Helper()
	p, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	if err != nil {
		t.Fatal(err)
	}
	return 20 - p
}

func TestHashesRunOnLowPriorityThreads(t *testing.T) {
	before := niceOfThisThread(t)
	var during int
	lowPriority(func() { during = niceOfThisThread(t) })
	if during != before+hashNice && during != 19 {
		t.Errorf("a hash ran at nice %d, the server at %d: want %d more", during, before, hashNice)
	}
	if after := niceOfThisThread(t); after != before {
		t.Errorf("the caller's thread went from nice %d to %d", before, after)
	}
}
