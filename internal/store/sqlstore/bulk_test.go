package sqlstore

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

func TestBulkBuildsDeferredIndexesAndTriggersAgain(t *testing.T) {
	onEngines(t, testDefer)
}

func testDefer(t *testing.T, url string) {
	ctx := context.Background()
	s := openMigrated(t, url, Options{})
	want := schemaDefs(t, s)
	org := newOrg(t, "Bulk")
	ada := newID(t, time.Now())
	now := time.Now().UnixMicro()
	load := func(finish bool) {
		t.Helper()
		b, err := s.Bulk(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.DeferIndexes(ctx, "orgs", "users"); err != nil {
			b.Abort()
			t.Fatal(err)
		}
		if err := b.DeferTriggers(ctx, "role_bindings"); err != nil {
			b.Abort()
			t.Fatal(err)
		}
		if _, ok := b.deferred[schemaObject{"index", "users_email_uq"}]; !ok || b.Deferred() < 7 || len(b.deferred) == b.Deferred() {
			t.Errorf("deferred %v, want the users' secondary indexes and the bindings' triggers", slices.Collect(maps.Keys(b.deferred)))
		}
		if finish {
			err = errors.Join(
				b.Insert(ctx, "orgs", []string{"id", "name", "name_norm", "created_at", "updated_at"},
					[][]any{{org.ID, org.Name, "bulk", now, now}}),
				b.Insert(ctx, "users", []string{"id", "org_id", "email", "username", "first_name", "last_name",
					"full_name", "metadata", "disabled", "instance_admin", "version", "created_at", "updated_at"},
					[][]any{{ada, org.ID, "ada@example.com", "ada", "Ada", "L", "Ada L", "{}", false, false, int64(1), now, now}}))
			if err != nil {
				b.Abort()
				t.Fatal(err)
			}
			err = b.Finish(ctx)
		} else {
			b.Abort()
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := schemaDefs(t, s); !maps.Equal(got, want) {
			t.Fatalf("indexes and triggers after the load (finished %v):\n%v\nwant\n%v", finish, got, want)
		}
	}
	load(false)
	load(true)

	// The rebuilt unique index holds.
	dup := &iam.User{ID: newID(t, time.Now()), OrgID: org.ID, Email: "ADA@example.com", Metadata: []byte("{}"),
		CreatedAt: time.Now(), UpdatedAt: time.Now()}
	var e *iam.Error
	if err := s.CreateUser(ctx, dup); !errors.As(err, &e) || e.Kind != iam.Conflict {
		t.Fatalf("a second ada@example.com after the load: %v", err)
	}
	// The recreated trigger keeps her roles.
	if err := s.CreateRoleBinding(ctx, &iam.RoleBinding{ID: newID(t, time.Now()), OrgID: org.ID, SubjectType: iam.SubjectUser,
		SubjectID: ada, Role: "admin", ScopeType: iam.ScopeOrg, ScopeID: org.ID, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if u, err := s.GetUser(ctx, org.ID, ada); err != nil || !slices.Equal(u.Roles, []string{"admin"}) {
		t.Fatalf("ada after a binding: %+v, %v", u, err)
	}
}

// schemaDefs are the definitions of the schema's indexes and triggers, by
// name.
func schemaDefs(t *testing.T, s *Store) map[string]string {
	t.Helper()
	q := `SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL`
	if s.dialect == "postgres" {
		q = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
			UNION ALL SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
			JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND NOT t.tgisinternal`
	}
	rows, err := s.w.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	defs := map[string]string{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			t.Fatal(err)
		}
		defs[name] = def
	}
	if err := rows.Err(); err != nil || len(defs) < 20 || defs["role_bindings_org_roles"]+defs["role_bindings_org_roles_insert"] == "" {
		t.Fatalf("%d indexes and triggers, the bindings' among them? %v", len(defs), err)
	}
	return defs
}
