package httpapi_test

import "testing"

func TestSessions(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	bob := a.member(t, root, "bob@example.com", "user")
	other := a.login(t, "bob@example.com", password)
	path := "/v1/users/" + bob.id + "/sessions"
	var list struct {
		Sessions []struct {
			ID      string `json:"id"`
			Current bool   `json:"current"`
			Method  string `json:"method"`
		} `json:"sessions"`
	}
	a.do(t, req{method: "GET", path: path, token: bob.token}).want(t, 200).into(t, &list)
	if len(list.Sessions) != 2 {
		t.Fatalf("%d sessions", len(list.Sessions))
	}
	var mine, theirs string
	for _, s := range list.Sessions {
		if s.Current {
			mine = s.ID
		} else {
			theirs = s.ID
		}
	}
	if mine == "" || theirs == "" || list.Sessions[0].Method != "password" {
		t.Fatalf("sessions %+v", list.Sessions)
	}
	boss := a.otherOrg(t, root, "Other Org", "boss@other.example")
	reader := a.member(t, root, "reader@example.com", "reader")
	a.run(t, []scenario{
		{name: "one session", method: "GET", path: path + "/" + theirs, token: bob.token, status: 200, has: []string{`"current":false`}},
		{name: "an administrator sees a user's sessions", method: "GET", path: path, token: root.token, status: 200, has: []string{mine, theirs}},
		{name: "a reader does not", method: "GET", path: path, token: reader.token, status: 403, code: "forbidden"},
		{name: "nor may revoke them", method: "DELETE", path: path + "/" + theirs, token: reader.token, status: 403, code: "forbidden"},
		{name: "another org's administrator finds none", method: "GET", path: path, token: boss.token, status: 404, code: "not_found"},
		{name: "nor one of them", method: "GET", path: path + "/" + theirs, token: boss.token, status: 404, code: "not_found"},
		{name: "nor under their own name", method: "GET", path: "/v1/users/" + boss.id + "/sessions/" + theirs, token: boss.token, status: 404, code: "not_found"},
		{name: "nor revokes one", method: "DELETE", path: "/v1/users/" + boss.id + "/sessions/" + theirs, token: boss.token, status: 404, code: "not_found"},
		{name: "nor signs them out", method: "DELETE", path: path, token: boss.token, status: 404, code: "not_found"},
		{name: "a session of someone else is not found under mine", method: "GET", path: "/v1/users/" + root.id + "/sessions/" + theirs,
			token: root.token, status: 404, code: "not_found"},
		{name: "the other session works", method: "GET", path: "/v1/whoami", token: other.token, status: 200},
		{name: "revoking it", method: "DELETE", path: path + "/" + theirs, token: bob.token, status: 204},
		{name: "it fails on the very next request", method: "GET", path: "/v1/whoami", token: other.token, status: 401, code: "session_revoked"},
		{name: "it is no longer listed", method: "GET", path: path + "/" + theirs, token: bob.token, status: 404},
		{name: "signing out everywhere", method: "DELETE", path: path, token: bob.token, status: 204},
		{name: "ends this session too", method: "GET", path: "/v1/whoami", token: bob.token, status: 401, code: "session_revoked"},
		{name: "the audit log has it", method: "GET", path: "/v1/audit-events?action=session.revoked", token: root.token, status: 200,
			has: []string{theirs, "signed_out_everywhere"}},
	})
}
