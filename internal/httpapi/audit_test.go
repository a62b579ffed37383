package httpapi_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

type ref struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

type auditBody struct {
	ID        string          `json:"id"`
	Seq       int64           `json:"seq"`
	Time      time.Time       `json:"time"`
	Action    string          `json:"action"`
	Actor     ref             `json:"actor"`
	Target    ref             `json:"target"`
	SourceIP  string          `json:"source_ip"`
	UserAgent string          `json:"user_agent"`
	Surface   string          `json:"surface"`
	Changes   json.RawMessage `json:"changes"`
	PrevHash  string          `json:"prev_hash"`
	Hash      string          `json:"hash"`
}

type auditPage struct {
	Events     []auditBody `json:"events"`
	NextCursor *string     `json:"next_cursor"`
}

func actions(events []auditBody) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Action
	}
	return out
}

func TestAuditLog(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	start := time.Now()
	bob := a.member(t, admin, "bob@example.com", "user")
	a.do(t, req{method: "PATCH", path: "/v1/users/" + bob.id, token: admin.token, ctype: "application/merge-patch+json",
		body: `{"full_name": "Bob"}`}).want(t, 200)
	a.do(t, req{method: "POST", path: "/v1/logout", token: bob.token}).want(t, 204)
	a.do(t, req{method: "DELETE", path: "/v1/users/" + bob.id, token: admin.token}).want(t, 204)
	other := a.otherOrg(t, admin, "Other Org", "boss@other.example")
	all := []string{"org.created", "user.created", "session.created", "user.created", "session.created",
		"user.updated", "session.revoked", "user.deleted", "org.created"}

	get := func(t *testing.T, query string) auditPage {
		t.Helper()
		var p auditPage
		a.do(t, req{method: "GET", path: "/v1/audit-events?" + query, token: admin.token}).want(t, 200).into(t, &p)
		return p
	}
	var events []auditBody
	t.Run("every mutation is recorded, oldest first on request", func(t *testing.T) {
		events = get(t, "order=asc").Events
		if !slices.Equal(actions(events), all) {
			t.Fatalf("actions %v\nwant    %v", actions(events), all)
		}
		for i, e := range events {
			if e.Seq != int64(i+1) || e.Surface != "native" || (i > 0 && e.PrevHash != events[i-1].Hash) {
				t.Fatalf("event %d: %+v", i, e)
			}
		}
	})
	t.Run("events name actor, target, source and changes", func(t *testing.T) {
		for _, c := range []struct {
			i             int
			actor, target ref
			changes       string
		}{
			{0, ref{"user", admin.id}, ref{"org", admin.org}, `{"name": "Analytical"}`},
			{3, ref{"user", admin.id}, ref{"user", bob.id}, ""},
			{5, ref{"user", admin.id}, ref{"user", bob.id}, `{"full_name": {"from": "", "to": "Bob"}}`},
			{6, ref{"user", bob.id}, ref{"session", ""}, ""},
			{7, ref{"user", admin.id}, ref{"user", bob.id}, `{"email": "bob@example.com"}`},
			{8, ref{"user", admin.id}, ref{"org", other.org}, `{"name": "Other Org"}`},
		} {
			e := events[c.i]
			if c.target.ID == "" {
				c.target.ID = e.Target.ID
			}
			if e.Actor != c.actor || e.Target != c.target || e.SourceIP != "127.0.0.1" || e.UserAgent == "" {
				t.Errorf("%s: %+v", e.Action, e)
			}
			if c.changes != "" {
				sameJSON(t, e.Changes, c.changes)
			}
		}
	})
	t.Run("no secret is recorded", func(t *testing.T) {
		for _, e := range events {
			if s := string(e.Changes); slices.ContainsFunc([]string{password, "argon2"}, func(x string) bool { return strings.Contains(s, x) }) {
				t.Fatalf("%s records %s", e.Action, s)
			}
		}
	})
	t.Run("newest first by default, paged by cursor", func(t *testing.T) {
		var got []string
		query := "limit=4"
		for range 5 {
			p := get(t, query)
			got = append(got, actions(p.Events)...)
			if p.NextCursor == nil {
				break
			}
			query = "limit=4&cursor=" + *p.NextCursor
		}
		want := slices.Clone(all)
		slices.Reverse(want)
		if !slices.Equal(got, want) {
			t.Fatalf("paged %v\nwant  %v", got, want)
		}
	})
	t.Run("oldest first, paged by cursor", func(t *testing.T) {
		var got []string
		query := "order=asc&limit=2"
		for range 10 {
			p := get(t, query)
			got = append(got, actions(p.Events)...)
			if p.NextCursor == nil {
				break
			}
			query = "order=asc&limit=2&cursor=" + *p.NextCursor
		}
		if !slices.Equal(got, all) {
			t.Fatalf("paged %v\nwant  %v", got, all)
		}
	})
	middle := events[4].Time
	filters := map[string][]string{
		"action=user.created": {"user.created", "user.created"},
		"action=user.updated": {"user.updated"},
		"action=nothing":      {},
		"actor=" + bob.id:     {"session.revoked", "session.created"},
		"target=" + bob.id:    {"user.deleted", "user.updated", "user.created"},
		"target_type=session": {"session.revoked", "session.created", "session.created"},
		"target_type=org":     {"org.created", "org.created"},
		"actor=" + admin.id + "&target=" + bob.id + "&action=user.updated":     {"user.updated"},
		"since=" + url.QueryEscape(start.Add(time.Hour).Format(time.RFC3339)):  {},
		"until=" + url.QueryEscape(start.Add(-time.Hour).Format(time.RFC3339)): {},
		"since=" + url.QueryEscape(start.Add(-time.Hour).Format(time.RFC3339Nano)) +
			"&until=" + url.QueryEscape(time.Now().Add(time.Hour).Format(time.RFC3339)) + "&action=user.deleted": {"user.deleted"},
		"order=asc&since=" + url.QueryEscape(middle.Format(time.RFC3339Nano)) + "&action=user.updated":                    {"user.updated"},
		"until=" + url.QueryEscape(events[0].Time.Add(time.Microsecond).Format(time.RFC3339Nano)) + "&action=org.created": {"org.created"},
	}
	for query, want := range filters {
		t.Run("filter "+query, func(t *testing.T) {
			if got := actions(get(t, query).Events); !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}
	t.Run("the chain verifies", func(t *testing.T) {
		var rep struct {
			OrgID  string `json:"org_id"`
			OK     bool   `json:"ok"`
			Events int64  `json:"events"`
			Broken any    `json:"broken"`
		}
		a.do(t, req{method: "GET", path: "/v1/audit-events/verify", token: admin.token}).want(t, 200).into(t, &rep)
		if !rep.OK || rep.Events != int64(len(all)) || rep.OrgID != admin.org || rep.Broken != nil {
			t.Fatalf("verify = %+v", rep)
		}
	})
	t.Run("the other org has a log of its own", func(t *testing.T) {
		var p auditPage
		a.do(t, req{method: "GET", path: "/v1/audit-events?order=asc", token: other.token}).want(t, 200).into(t, &p)
		want := []string{"org.created", "user.created", "session.created"}
		if !slices.Equal(actions(p.Events), want) {
			t.Fatalf("actions %v, want %v", actions(p.Events), want)
		}
		a.do(t, req{method: "GET", path: "/v1/audit-events?actor=" + admin.id + "&target=" + admin.org, token: other.token}).
			want(t, 200).into(t, &p)
		if len(p.Events) != 0 {
			t.Fatalf("another org's events leak: %v", actions(p.Events))
		}
	})
	reader := a.member(t, admin, "rita@example.com", "reader")
	user := a.member(t, admin, "ursula@example.com", "user")
	a.run(t, []scenario{
		{name: "a reader may not read the log", method: "GET", path: "/v1/audit-events", token: reader.token, status: 403, code: "forbidden"},
		{name: "nor verify it", method: "GET", path: "/v1/audit-events/verify", token: reader.token, status: 403, code: "forbidden"},
		{name: "nor may a user", method: "GET", path: "/v1/audit-events", token: user.token, status: 403, code: "forbidden"},
		{name: "the failed reads left no trace", method: "GET", path: "/v1/audit-events?limit=1", token: admin.token, status: 200,
			check: func(t *testing.T, r *resp) {
				var p auditPage
				r.into(t, &p)
				if p.Events[0].Action != "session.created" || p.Events[0].Seq != int64(len(all))+4 {
					t.Fatalf("latest %+v", p.Events[0])
				}
			}},
		{name: "a capability grants the log", method: "PATCH", path: "/v1/users/" + reader.id + "/capabilities", token: admin.token,
			ctype: "application/json-patch+json", body: `[{"op": "add", "path": "/capabilities/-", "value": "REPORT_ADMIN"}]`, status: 200},
		{name: "at once", method: "GET", path: "/v1/audit-events?action=user.capabilities_changed", token: reader.token, status: 200,
			has: []string{`"target":{"type":"user","id":"` + reader.id + `"}`, `"to":["REPORT_ADMIN"]`}},
		{name: "cursor " + strconv.Quote("0") + " is the start", method: "GET", path: "/v1/audit-events?order=asc&cursor=0&limit=1", token: admin.token,
			status: 200, has: []string{`"seq":1,`}},
	})
}

// TestAccessChangesAreAudited: every change to groups, workspaces,
// projects, roles and bindings records its event, and the chain holds.
func TestAccessChangesAreAudited(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	w := newWorld(t, a)
	tok := w.root.token
	mp := "application/merge-patch+json"
	for _, r := range []req{
		{method: "PATCH", path: "/v1/groups/" + w.group, ctype: mp, body: `{"name": "Builders"}`},
		{method: "PATCH", path: "/v1/workspaces/" + w.workspace, ctype: mp, body: `{"title": "Lab"}`},
		{method: "PATCH", path: "/v1/projects/" + w.project, ctype: mp, body: `{"name": "Scope"}`},
		{method: "PUT", path: "/v1/roles/" + w.role, body: map[string]any{"name": "Auditor", "permissions": []string{"audit.read"}}},
		{method: "PATCH", path: "/v1/users/" + w.target.id + "/capabilities", ctype: "application/json-patch+json",
			body: `[{"op": "add", "path": "/capabilities/-", "value": "HELPDESK"}]`},
		{method: "DELETE", path: "/v1/role-bindings/" + w.binding},
		{method: "DELETE", path: "/v1/workspaces/" + w.workspace + "/members/" + w.target.id},
		{method: "DELETE", path: "/v1/groups/" + w.group + "/members/" + w.target.id},
		{method: "DELETE", path: "/v1/projects/" + w.project},
		{method: "DELETE", path: "/v1/workspaces/" + w.workspace},
		{method: "DELETE", path: "/v1/roles/" + w.role + "?force=true"},
		{method: "DELETE", path: "/v1/groups/" + w.group},
	} {
		r.token = tok
		if res := a.do(t, r); res.status >= 300 {
			t.Fatalf("%s %s: %d %s", r.method, r.path, res.status, res.body)
		}
	}
	var p auditPage
	a.do(t, req{method: "GET", path: "/v1/audit-events?order=asc&limit=1000", token: tok}).want(t, 200).into(t, &p)
	want := []string{"org.created", "user.created", "session.created", "user.created", "session.created",
		"group.created", "group.member_added", "workspace.created", "workspace.member_set", "project.created", "project.member_set",
		"role.created", "role_binding.created",
		"apikey.created", "service_account.created", "apikey.created", "oauth_client.created", "grant.created", "oauth_client.created",
		"group.updated", "workspace.updated", "project.updated", "role.updated", "user.capabilities_changed", "role_binding.deleted",
		"workspace.member_removed", "group.member_removed", "project.deleted", "workspace.deleted", "role.deleted", "group.deleted"}
	if got := actions(p.Events); !slices.Equal(got, want) {
		t.Fatalf("actions %v\nwant    %v", got, want)
	}
	for _, e := range p.Events[5:] {
		if e.Actor != (ref{"user", w.root.id}) || e.Target.ID == "" {
			t.Errorf("%s: actor %+v target %+v", e.Action, e.Actor, e.Target)
		}
	}
	a.do(t, req{method: "GET", path: "/v1/audit-events/verify", token: tok}).want(t, 200).has(t, `"ok":true`, `"events":31`)
}
