package main

import (
	"runtime"
	"testing"
)

// TestListConcurrency: by default one list per CPU on SQLite, whose
// queries run in the server, and no limit on PostgreSQL; the flag wins,
// and a negative one lifts the limit.
func TestListConcurrency(t *testing.T) {
	for _, c := range []struct {
		flag    int
		dialect string
		want    int
	}{
		{0, "sqlite", runtime.GOMAXPROCS(0)}, {0, "postgres", 0},
		{3, "sqlite", 3}, {3, "postgres", 3}, {-1, "sqlite", 0},
	} {
		if got := listConcurrency(c.flag, c.dialect); got != c.want {
			t.Errorf("listConcurrency(%d, %s) = %d, want %d", c.flag, c.dialect, got, c.want)
		}
	}
}
