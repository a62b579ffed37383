package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"github.com/wardenhq/warden/internal/pgtest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wardenhq/warden/internal/client"
	"github.com/wardenhq/warden/internal/store/sqlstore"
)

// TestSeed seeds a small data set on each backend, serves it, and checks
// that its credentials work, its data is found and its audit chains verify.
func TestSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes passwords with the server's default argon2id parameters")
	}
	t.Run("sqlite", func(t *testing.T) {
		data := t.TempDir()
		seedAndServe(t, []string{"--data", data}, filepath.Join(data, "warden.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.Schema(t)
		seedAndServe(t, []string{"--database-url", url}, url)
	})
}

func seedAndServe(t *testing.T, db []string, dbURL string) {
	ctx := context.Background()
	manifest := filepath.Join(t.TempDir(), "seed.json")
	const orgs, users = 2, 2000
	args := append([]string{"seed", "--orgs", "2", "--users", "2000", "--api-keys", "100", "--manifest", manifest}, db...)
	var out, errOut strings.Builder
	if err := run(ctx, args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("seed: %v\n%s%s", err, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "bytes per user") || !strings.Contains(errOut.String(), "users 2000/2000") {
		t.Fatalf("seed printed no summary or progress:\n%s\n%s", out.String(), errOut.String())
	}
	var m seedManifest
	noErr(t, json.Unmarshal(must(os.ReadFile(manifest))(t), &m))
	if len(m.Orgs) != orgs || m.Users != users || len(m.APIKeys) != 100 || len(m.SampleEmails) < 1000 || m.Password == "" {
		t.Fatalf("manifest: %d orgs, %d users, %d keys, %d emails", len(m.Orgs), m.Users, len(m.APIKeys), len(m.SampleEmails))
	}
	if m.Orgs[0].Users+m.Orgs[1].Users != users {
		t.Fatalf("org users %d + %d", m.Orgs[0].Users, m.Orgs[1].Users)
	}

	// Counts in the database match what seed reported.
	st := must(sqlstore.Open(ctx, dbURL, sqlstore.Options{}))(t)
	for table, want := range map[string]int{"users": users, "passwords": users, "orgs": orgs, "api_keys": 100,
		"audit_events": users, "audit_heads": orgs, "role_bindings": m.Rows["role_bindings"], "groups": users / 100,
		"workspaces": 2, "projects": 10, "group_members": m.Rows["group_members"]} {
		if n := must(st.Count(ctx, table))(t); n != int64(want) || want == 0 {
			t.Errorf("%s: %d rows, want %d", table, n, want)
		}
	}
	if n := must(st.Count(ctx, "role_bindings"))(t); n < users {
		t.Errorf("%d role bindings for %d users", n, users)
	}
	st.Close()
	if n := staleOrgRoles(t, db[0], dbURL); n != 0 {
		t.Errorf("%d users' org_roles differ from their org-scope bindings", n)
	}

	// A second seed is refused without --force.
	err := run(ctx, args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("seeding a seeded database: %v", err)
	}

	srv := startServer(t, db...)
	anon := client.New(srv.url, "", nil)
	for _, o := range m.Orgs {
		login := must(anon.Login(ctx, o.AdminEmail, o.AdminPassword))(t)
		admin := anon.WithToken(login.AccessToken)
		who := must(admin.WhoAmI(ctx))(t)
		if who.Email != o.AdminEmail || !strings.Contains(strings.Join(who.Roles, ","), "admin") {
			t.Fatalf("admin whoami = %+v", who)
		}
		rep := must(admin.VerifyAudit(ctx))(t)
		// The seeded events, and the admin's login just now.
		if !rep.OK || rep.Events != int64(o.Users)+1 || rep.OrgID != o.ID {
			t.Fatalf("audit verify of %s = %+v", o.Name, rep)
		}
		if o == m.Orgs[0] {
			// Sample emails: found by exact search, and they log in.
			for _, email := range []string{m.SampleEmails[1], m.SampleEmails[len(m.SampleEmails)/3]} {
				page := must(admin.ListUsers(ctx, client.UserQuery{Email: email}))(t)
				if len(page.Users) != 1 || page.Users[0].Email != email {
					t.Fatalf("GET /v1/users?email=%s: %+v", email, page.Users)
				}
			}
			first := m.SampleEmails[1]
			page := must(admin.ListUsers(ctx, client.UserQuery{Q: first[:3], Limit: 5}))(t)
			if len(page.Users) == 0 {
				t.Fatalf("no user matches the prefix %q", first[:3])
			}
		}
	}
	user := must(anon.Login(ctx, m.SampleEmails[2], m.Password))(t)
	if who := must(anon.WithToken(user.AccessToken).WhoAmI(ctx))(t); who.Email != m.SampleEmails[2] {
		t.Fatalf("user whoami = %+v", who)
	}
	for _, k := range []string{m.APIKeys[0], m.APIKeys[len(m.APIKeys)-1]} {
		if _, err := anon.WithToken(k).WhoAmI(ctx); err != nil {
			t.Fatalf("API key %s…: %v", k[:12], err)
		}
	}
	_, err = anon.WithToken(m.APIKeys[0] + "x").WhoAmI(ctx)
	if err == nil {
		t.Fatal("a wrong API key authenticated")
	}
}

// staleOrgRoles counts the users whose org_roles, which the seed writes
// itself with the bindings' triggers dropped, are not what the triggers
// would have written.
func staleOrgRoles(t *testing.T, flag, dbURL string) int {
	t.Helper()
	roles := `SELECT role FROM role_bindings b WHERE b.org_id = u.org_id AND b.subject_id = u.id AND b.scope_type = 'org'`
	driver, agg := "sqlite", `SELECT group_concat(role, ',') FROM (`+roles+` ORDER BY role)`
	if flag == "--database-url" {
		driver, agg = "pgx", `SELECT string_agg(role, ',' ORDER BY role) FROM (`+roles+`) r`
	}
	db := must(sql.Open(driver, dbURL))(t)
	defer db.Close()
	var n int
	noErr(t, db.QueryRow(`SELECT COUNT(*) FROM users u WHERE org_roles <> COALESCE((`+agg+`), '')`).Scan(&n))
	return n
}

func TestSeedFlags(t *testing.T) {
	for _, args := range [][]string{{"--users", "0"}, {"--orgs", "3", "--users", "2"}, {"--api-keys", "10"}} {
		var out strings.Builder
		err := run(context.Background(), append([]string{"seed", "--data", t.TempDir()}, args...),
			func(string) string { return "" }, strings.NewReader(""), &out, &out)
		if err == nil {
			t.Errorf("seed %v succeeded", args)
		}
	}
	c := seedConfig{orgs: 2, users: 10_000, groups: -1, workspaces: -1, projects: 5, bindings: 3, apiKeys: 64, audit: -1}
	noErr(t, c.check())
	if c.groups != 100 || c.workspaces != 10 {
		t.Fatalf("defaults: %d groups, %d workspaces", c.groups, c.workspaces)
	}
	if got := share(10, 3, 0) + share(10, 3, 1) + share(10, 3, 2); got != 10 {
		t.Fatalf("shares add up to %d", got)
	}
}
