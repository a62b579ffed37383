package httpapi

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// queued is how many callers wait for a place.
func (a *admission) queued() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.waiting)
}

// waitQueued waits until n callers wait.
func waitQueued(t *testing.T, a *admission, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); a.queued() != n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d waiting, want %d", a.queued(), n)
		}
	}
}

func TestAdmissionLetsWaitersInByArrival(t *testing.T) {
	a := newAdmission(2)
	ctx := context.Background()
	for range 2 {
		if err := a.enter(ctx); err != nil {
			t.Fatal(err)
		}
	}
	order := make(chan int, 5)
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.enter(ctx); err != nil {
				t.Error(err)
				return
			}
			order <- i
		}()
		waitQueued(t, a, i+1) // the next arrives after this one queued
	}
	for want := range 5 {
		a.leave()
		if got := <-order; got != want {
			t.Fatalf("admitted %d, want %d (arrival order)", got, want)
		}
	}
	wg.Wait()
	for range 2 { // each leave above handed a place on; two are still held
		a.leave()
	}
	if a.free != 2 || a.queued() != 0 {
		t.Fatalf("after all left: %d free, %d waiting; want 2, 0", a.free, a.queued())
	}
}

func TestAdmissionWaiterGivesUpWithItsContext(t *testing.T) {
	a := newAdmission(1)
	if err := a.enter(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- a.enter(ctx) }()
	waitQueued(t, a, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("enter = %v, want context.Canceled", err)
	}
	if a.queued() != 0 {
		t.Fatal("the canceled caller still waits")
	}
	a.leave()
	if a.free != 1 {
		t.Fatalf("%d free after the holder left, want 1", a.free)
	}
}

// TestAdmissionKeepsItsPlaces races leaving against giving up: a place
// handed to a caller whose context ends at that moment passes on, so no
// place is lost and nobody waits forever.
func TestAdmissionKeepsItsPlaces(t *testing.T) {
	a := newAdmission(2)
	var wg sync.WaitGroup
	for i := range 400 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%7)*50*time.Microsecond)
			defer cancel()
			if a.enter(ctx) == nil {
				time.Sleep(20 * time.Microsecond)
				a.leave()
			}
		}()
	}
	wg.Wait()
	if a.free != 2 || a.queued() != 0 {
		t.Fatalf("%d free, %d waiting; want 2, 0", a.free, a.queued())
	}
}

func TestNoAdmissionAdmitsEveryone(t *testing.T) {
	a := newAdmission(0)
	for range 100 {
		if err := a.enter(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	a.leave()
}
