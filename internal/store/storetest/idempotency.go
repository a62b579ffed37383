package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

func testIdempotency(t *testing.T, newStore NewStore) {
	s, c := newStore(t), newClock()
	o := mustOrg(t, s, c, "Acme")
	other := mustOrg(t, s, c, "Other")
	u := mustUser(t, s, c, o, "ada@example.com", "ada")
	now := c.now()
	req := func(key string, at time.Time) *iam.IdempotentRequest {
		return &iam.IdempotentRequest{OrgID: o.ID, PrincipalID: u.ID, Key: key, Fingerprint: []byte("fp"),
			CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
	}
	old, err := s.BeginIdempotent(ctx, req("k1", now))
	if err != nil || old != nil {
		t.Fatalf("a new key: %v %v", old, err)
	}
	old, err = s.BeginIdempotent(ctx, req("k1", now))
	wantKind(t, err, iam.Conflict)
	if old == nil || old.Done || string(old.Fingerprint) != "fp" {
		t.Fatalf("a running key returns %+v", old)
	}
	done := req("k1", now)
	done.Status, done.ContentType, done.Location, done.Body = 201, "application/json", "/v1/x", []byte("sealed")
	noErr(t, s.FinishIdempotent(ctx, done))
	old, err = s.BeginIdempotent(ctx, req("k1", now.Add(time.Minute)))
	wantKind(t, err, iam.Conflict)
	if !old.Done || old.Status != 201 || old.Location != "/v1/x" || string(old.Body) != "sealed" {
		t.Fatalf("a done key returns %+v", old)
	}
	// Another organization's principal cannot reach it.
	wantKind(t, s.AbandonIdempotent(ctx, other.ID, u.ID, "k1"), iam.NotFound)
	// Expired, the key is taken over, by exactly one of racing retries.
	later := now.Add(2 * time.Hour)
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if old, err := s.BeginIdempotent(ctx, req("k1", later)); err == nil && old == nil {
				mu.Lock()
				won++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d racing retries took the expired key over, want 1", won)
	}
	noErr(t, s.AbandonIdempotent(ctx, o.ID, u.ID, "k1"))
	if old, err := s.BeginIdempotent(ctx, req("k1", later)); err != nil || old != nil {
		t.Fatalf("an abandoned key: %v %v", old, err)
	}
	noErr(t, s.SweepIdempotent(ctx, later.Add(2*time.Hour)))
	if old, err := s.BeginIdempotent(ctx, req("k1", later)); err != nil || old != nil {
		t.Fatalf("a swept key: %v %v", old, err)
	}
}
