package sqlstore_test

import (
	"context"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/store/sqlstore"
)

// benchUsers is how many users the benchmarks' store holds.
const benchUsers = 10_000

// seeded is a store holding benchUsers users of one organization.
type seeded struct {
	s     *sqlstore.Store
	org   iam.ID
	ids   []iam.ID // in ascending order, as the store pages them
	email []string
}

// benchEngines runs fn as a sub-benchmark per engine, on a freshly seeded
// store (fn loops with b.Loop, so each sub-benchmark body, seeding included,
// runs once).
func benchEngines(b *testing.B, fn func(b *testing.B, st *seeded)) {
	engines := []struct {
		name string
		open func(testing.TB) *sqlstore.Store
	}{{"sqlite", newSQLite}, {"postgres", newPostgres}}
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			fn(b, seed(b, e.open(b)))
		})
	}
}

// seed writes the users in one transaction, as an import would.
func seed(b *testing.B, s *sqlstore.Store) *seeded {
	b.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	st := &seeded{s: s}
	err := s.Tx(ctx, func(q iam.Queries) error {
		org := &iam.Org{ID: benchID(b, now), Name: "Bench", CreatedAt: now, UpdatedAt: now}
		if err := q.CreateOrg(ctx, org); err != nil {
			return err
		}
		st.org = org.ID
		for i := range benchUsers {
			at := now.Add(time.Duration(i) * time.Millisecond)
			u := &iam.User{ID: benchID(b, at), OrgID: org.ID, Email: fmt.Sprintf("user%05d@example.com", i),
				Username: fmt.Sprintf("user%05d", i), FirstName: "Given", LastName: fmt.Sprintf("Family%05d", i),
				FullName: fmt.Sprintf("Given Family%05d", i), Metadata: []byte(`{"team":"bench"}`),
				CreatedAt: at, UpdatedAt: at}
			if err := q.CreateUser(ctx, u); err != nil {
				return err
			}
			st.ids = append(st.ids, u.ID)
			st.email = append(st.email, u.Email)
		}
		return nil
	})
	if err != nil {
		b.Fatalf("seed: %v", err)
	}
	return st
}

func benchID(b *testing.B, at time.Time) iam.ID {
	b.Helper()
	id, err := iam.NewID(at, rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	return id
}

func BenchmarkGetUser(b *testing.B) {
	benchEngines(b, func(b *testing.B, st *seeded) {
		ctx := context.Background()
		for b.Loop() {
			if _, err := st.s.GetUser(ctx, st.org, st.ids[mrand.IntN(len(st.ids))]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkGetUserByEmail(b *testing.B) {
	benchEngines(b, func(b *testing.B, st *seeded) {
		ctx := context.Background()
		for b.Loop() {
			f := iam.UserFilter{Email: st.email[mrand.IntN(len(st.email))], Page: iam.Page{Limit: 1}}
			if list, err := st.s.ListUsers(ctx, st.org, f); err != nil || len(list) != 1 {
				b.Fatalf("found %d, %v", len(list), err)
			}
		}
	})
}

func BenchmarkListUsersPage(b *testing.B) {
	benchEngines(b, func(b *testing.B, st *seeded) {
		ctx := context.Background()
		for b.Loop() {
			// A cursor early enough that every page is full.
			after := st.ids[mrand.IntN(len(st.ids)-100)]
			f := iam.UserFilter{Page: iam.Page{After: after, Limit: 100}}
			if list, err := st.s.ListUsers(ctx, st.org, f); err != nil || len(list) != 100 {
				b.Fatalf("page of %d, %v", len(list), err)
			}
		}
	})
}

// BenchmarkSearchUsers looks for a last-name prefix only one user has: the
// case where walking the organization in ID order finds nothing early.
func BenchmarkSearchUsers(b *testing.B) {
	benchEngines(b, func(b *testing.B, st *seeded) {
		ctx := context.Background()
		for b.Loop() {
			f := iam.UserFilter{Q: fmt.Sprintf("FAMILY%05d", mrand.IntN(benchUsers)), Page: iam.Page{Limit: 50}}
			if list, err := st.s.ListUsers(ctx, st.org, f); err != nil || len(list) != 1 {
				b.Fatalf("found %d, %v", len(list), err)
			}
		}
	})
}
