package storetest

import (
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

func testTx(t *testing.T, newStore NewStore) {
	t.Run("an error rolls everything back", func(t *testing.T) {
		s, c := newStore(t), newClock()
		boom := errors.New("boom")
		var org *iam.Org
		err := s.Tx(ctx, func(q iam.Queries) error {
			org = mustOrg(t, q, c, "Acme")
			mustUser(t, q, c, org, "a@example.com", "a")
			appendEvents(t, q, c, org, 2)
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx returned %v, want the function's error", err)
		}
		_, err = s.GetOrg(ctx, org.ID)
		wantKind(t, err, iam.NotFound)
		if n, _ := s.CountUsers(ctx); n != 0 {
			t.Fatalf("%d users survived the rollback", n)
		}
	})
	t.Run("success commits everything", func(t *testing.T) {
		s, c := newStore(t), newClock()
		var org *iam.Org
		var u *iam.User
		noErr(t, s.Tx(ctx, func(q iam.Queries) error {
			org = mustOrg(t, q, c, "Acme")
			u = mustUser(t, q, c, org, "a@example.com", "a")
			// Reads inside the transaction see its own writes.
			if _, err := q.GetUser(ctx, org.ID, u.ID); err != nil {
				return err
			}
			appendEvents(t, q, c, org, 2)
			return nil
		}))
		if _, err := s.GetUser(ctx, org.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := s.ListAudit(ctx, org.ID, iam.AuditFilter{Asc: true})
		checkChain(t, got)
	})
}

func testConcurrency(t *testing.T, newStore NewStore) {
	t.Run("parallel appends to one org form one gapless chain", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		const workers, each = 8, 25
		var mu sync.Mutex // guards the clock and IDs, not the store
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					mu.Lock()
					now := c.now()
					id, _ := iam.NewID(now, rand.Reader)
					mu.Unlock()
					e := &iam.AuditEvent{ID: id, OrgID: o.ID, Time: now, ActorType: iam.ActorSystem, Action: "load"}
					// Half the workers append inside a caller's transaction,
					// half alone, where the store makes its own.
					if w%2 == 0 {
						errs <- s.Tx(ctx, func(q iam.Queries) error { return q.AppendAudit(ctx, e) })
					} else {
						errs <- s.AppendAudit(ctx, e)
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			noErr(t, err)
		}
		all, err := s.ListAudit(ctx, o.ID, iam.AuditFilter{Asc: true, Limit: 1000})
		noErr(t, err)
		if len(all) != workers*each {
			t.Fatalf("%d events, want %d", len(all), workers*each)
		}
		checkChain(t, all)
	})
	t.Run("racing creates of one email: one wins, the rest conflict", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		const n = 8
		users := make([]*iam.User, n)
		for i := range users {
			users[i] = newUser(t, c, o, "same@example.com", fmt.Sprintf("u%d", i))
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.CreateUser(ctx, users[i])
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case !iam.IsKind(err, iam.Conflict):
				t.Fatalf("a racing create failed with %v, want a conflict", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d creates won, want exactly 1", wins)
		}
	})
	t.Run("parallel readers and a writer do not fail", func(t *testing.T) {
		s, c := newStore(t), newClock()
		o := mustOrg(t, s, c, "Acme")
		u := mustUser(t, s, c, o, "a@example.com", "a")
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 25 {
					_, err := s.GetUser(ctx, o.ID, u.ID)
					errs <- err
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				errs <- s.SetLastLogin(ctx, o.ID, u.ID, time.Unix(int64(i), 0).UTC())
			}
		}()
		wg.Wait()
		close(errs)
		for err := range errs {
			noErr(t, err)
		}
	})
}
