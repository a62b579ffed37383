package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// TestSearchPathsAgree runs the q search both ways, as the union of index
// ranges and as a walk in ID order, and wants the same pages from both,
// at every cursor.
func TestSearchPathsAgree(t *testing.T) {
	onEngines(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := openMigrated(t, url, Options{})
		now := time.Now().UTC().Truncate(time.Millisecond)
		org := newOrg(t, "Search")
		if err := s.CreateOrg(ctx, org); err != nil {
			t.Fatal(err)
		}
		for i := range 60 {
			at := now.Add(time.Duration(i) * time.Millisecond)
			u := &iam.User{ID: newID(t, at), OrgID: org.ID, Email: fmt.Sprintf("u%02d@example.com", i),
				Username: fmt.Sprintf("Nick%d_%02d", i%7, i), FirstName: []string{"Ann", "Bob", "Annie"}[i%3],
				LastName: fmt.Sprintf("Lee%d", i%5), CreatedAt: at, UpdatedAt: at}
			u.FullName = u.FirstName + " " + u.LastName
			if i%4 == 0 {
				u.Username = ""
			}
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		pages := func(q string) (all [][]string) {
			var after iam.ID
			for {
				list, err := s.ListUsers(ctx, org.ID, iam.UserFilter{Q: q, Page: iam.Page{After: after, Limit: 7}})
				if err != nil {
					t.Fatal(err)
				}
				var page []string
				for _, u := range list {
					page = append(page, u.Email)
				}
				all = append(all, page)
				if len(list) < 7 {
					return all
				}
				after = list[len(list)-1].ID
			}
		}
		defer func(n int) { searchWalk = n }(searchWalk)
		for _, q := range []string{"ann", "ANNIE", "u1", "nick3", "lee2", "bob lee", "u", "zz", "annie lee4"} {
			searchWalk = 1_000_000
			union := pages(q)
			searchWalk = 1
			walk := pages(q)
			if !slices.EqualFunc(union, walk, slices.Equal) {
				t.Errorf("q=%s: union %v, walk %v", q, union, walk)
			}
			searchWalk = 5 // some prefixes fill a capped range, others not
			if capped := pages(q); !slices.EqualFunc(union, capped, slices.Equal) {
				t.Errorf("q=%s: union %v, capped at 5 %v", q, union, capped)
			}
			if q == "u" && len(union) != 9 {
				t.Errorf("q=u: %d pages, want 9 (60 users by 7)", len(union))
			}
		}
		// After the last match the page is empty, whether the capped
		// ranges held every match or not.
		last, err := s.ListUsers(ctx, org.ID, iam.UserFilter{Q: "u", Page: iam.Page{Limit: 1000}})
		if err != nil || len(last) != 60 {
			t.Fatalf("q=u: %d users (%v)", len(last), err)
		}
		for _, n := range []int{5, 1_000_000} {
			searchWalk = n
			after, err := s.ListUsers(ctx, org.ID, iam.UserFilter{Q: "u", Page: iam.Page{After: last[59].ID}})
			if err != nil || len(after) != 0 {
				t.Errorf("q=u after the last match, cap %d: %d users (%v)", n, len(after), err)
			}
		}
		searchWalk = 1_000_000
		// Both filters apply together: u03 is an Ann, u01 a Bob.
		for email, want := range map[string]int{"u03@example.com": 1, "u01@example.com": 0} {
			both, err := s.ListUsers(ctx, org.ID, iam.UserFilter{Q: "ann", Email: email})
			if err != nil || len(both) != want {
				t.Errorf("q=ann, email=%s: %d users, want %d (%v)", email, len(both), want, err)
			}
		}
	})
}
