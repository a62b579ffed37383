package admission

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
)

// TestQueueAdmitsInArrivalOrder: callers that wait for a place get one in
// the order they came, not at random, and one whose context ends while it
// waits leaves the queue without taking a turn.
func TestQueueAdmitsInArrivalOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := New(1)
		if err := q.Enter(context.Background()); err != nil {
			t.Fatal(err)
		}
		var order []int
		done := make(chan struct{})
		cancelled, cancel := context.WithCancel(context.Background())
		gaveUp := make(chan error, 1)
		for i := range 8 {
			if i == 3 {
				go func() { gaveUp <- q.Enter(cancelled) }()
				synctest.Wait()
			}
			go func() {
				if err := q.Enter(context.Background()); err != nil {
					t.Error(err)
				}
				order = append(order, i) // one at a time: each holds the only place
				q.Leave()
				done <- struct{}{}
			}()
			synctest.Wait() // i is queued before i+1 arrives
		}
		cancel()
		if err := <-gaveUp; !errors.Is(err, context.Canceled) {
			t.Fatalf("a cancelled wait returned %v", err)
		}
		q.Leave()
		for range 8 {
			<-done
		}
		if want := []int{0, 1, 2, 3, 4, 5, 6, 7}; !slices.Equal(order, want) {
			t.Fatalf("admitted in order %v, want %v", order, want)
		}
		if q.Taken() != 0 {
			t.Fatalf("%d places still taken", q.Taken())
		}
	})
}

func TestNilQueueAdmitsEveryone(t *testing.T) {
	q := New(0)
	for range 100 {
		if err := q.Enter(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	q.Leave()
	if q != nil || q.Taken() != 0 {
		t.Fatal("New(0) is not the no-limit queue")
	}
}
