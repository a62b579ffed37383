package httpapi_test

import (
	"net/url"
	"slices"
	"testing"
	"time"
)

type auditBody struct {
	Seq    int64  `json:"seq"`
	Time   string `json:"time"`
	Action string `json:"action"`
	Actor  struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	} `json:"actor"`
	Target struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	} `json:"target"`
	SourceIP string `json:"source_ip"`
	Surface  string `json:"surface"`
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
	a := newTestAPI(t)
	admin := a.signup()
	bob := a.member(admin, "bob@example.com", "user")
	a.do(req{method: "PATCH", path: "/v1/users/" + bob.id, token: admin.token, body: map[string]string{"full_name": "Bob"}}).want(t, 200)
	a.do(req{method: "POST", path: "/v1/logout", token: bob.token}).want(t, 204)
	a.do(req{method: "DELETE", path: "/v1/users/" + bob.id, token: admin.token}).want(t, 204)
	all := []string{"org.created", "user.created", "session.created", "user.created", "session.created",
		"user.updated", "session.revoked", "user.deleted"}

	get := func(t *testing.T, query string) auditPage {
		t.Helper()
		var p auditPage
		a.do(req{method: "GET", path: "/v1/audit-events?" + query, token: admin.token}).want(t, 200).into(t, &p)
		return p
	}
	t.Run("every mutation is recorded, oldest first on request", func(t *testing.T) {
		p := get(t, "order=asc")
		if !slices.Equal(actions(p.Events), all) {
			t.Fatalf("actions %v\nwant %v", actions(p.Events), all)
		}
		if e := p.Events[5]; e.Actor.ID != admin.id || e.Target.ID != bob.id || e.SourceIP != "127.0.0.1" || e.Surface != "native" {
			t.Fatalf("user.updated event %+v", e)
		}
	})
	t.Run("newest first by default, paged by cursor", func(t *testing.T) {
		var got []string
		query := "limit=3"
		for range 5 {
			p := get(t, query)
			got = append(got, actions(p.Events)...)
			if p.NextCursor == nil {
				break
			}
			query = "limit=3&cursor=" + *p.NextCursor
		}
		want := slices.Clone(all)
		slices.Reverse(want)
		if !slices.Equal(got, want) {
			t.Fatalf("paged %v\nwant %v", got, want)
		}
	})
	t.Run("filters", func(t *testing.T) {
		if p := get(t, "action=user.created"); len(p.Events) != 2 {
			t.Errorf("action filter: %d events", len(p.Events))
		}
		if p := get(t, "actor="+bob.id); !slices.Equal(actions(p.Events), []string{"session.revoked", "session.created"}) {
			t.Errorf("actor filter: %v", actions(p.Events))
		}
		if p := get(t, "target="+bob.id); !slices.Equal(actions(p.Events), []string{"user.deleted", "user.updated", "user.created"}) {
			t.Errorf("target filter: %v", actions(p.Events))
		}
		if p := get(t, "target_type=session"); len(p.Events) != 3 {
			t.Errorf("target_type filter: %d events", len(p.Events))
		}
		if p := get(t, "since="+url.QueryEscape(time.Now().Add(time.Hour).Format(time.RFC3339))); len(p.Events) != 0 {
			t.Errorf("since the future: %d events", len(p.Events))
		}
		if p := get(t, "until="+url.QueryEscape(time.Now().Add(-time.Hour).Format(time.RFC3339))); len(p.Events) != 0 {
			t.Errorf("until the past: %d events", len(p.Events))
		}
	})
	t.Run("the chain verifies", func(t *testing.T) {
		var rep struct {
			OK     bool  `json:"ok"`
			Events int64 `json:"events"`
		}
		a.do(req{method: "GET", path: "/v1/audit-events/verify", token: admin.token}).want(t, 200).into(t, &rep)
		if !rep.OK || rep.Events != int64(len(all)) {
			t.Fatalf("verify = %+v", rep)
		}
	})
	t.Run("a plain user may not read the log", func(t *testing.T) {
		carol := a.member(admin, "carol@example.com", "user")
		a.do(req{method: "GET", path: "/v1/audit-events", token: carol.token}).want(t, 403, "forbidden")
		a.do(req{method: "GET", path: "/v1/audit-events/verify", token: carol.token}).want(t, 403, "forbidden")
	})
}
