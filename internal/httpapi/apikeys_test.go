package httpapi_test

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/httpapi"
)

// apiKey is a minted key as POST …/api-keys returns it.
type apiKey struct {
	ID           string     `json:"id"`
	Key          string     `json:"key"`
	Prefix       string     `json:"prefix"`
	ValidSources []string   `json:"valid_sources"`
	Permissions  []string   `json:"permissions"`
	ExpiresAt    *time.Time `json:"expires_at"`
	LastUsedAt   *time.Time `json:"last_used_at"`
	LastUsedFrom *string    `json:"last_used_from"`
	RevokedAt    *time.Time `json:"revoked_at"`
}

// mintKey creates a key at path (…/api-keys) as token.
func (a *api) mintKey(t testing.TB, token, path string, body map[string]any) apiKey {
	t.Helper()
	var k apiKey
	r := a.do(t, req{method: "POST", path: path, token: token, body: body}).want(t, 201).into(t, &k)
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
	}
	return k
}

var keyShape = regexp.MustCompile(`^wdn_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$`)

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	bob := a.member(t, root, "bob@example.com", "user")
	bobKeys := "/v1/users/" + bob.id + "/api-keys"
	key := a.mintKey(t, bob.token, bobKeys, map[string]any{"description": "laptop", "valid_sources": []string{"127.0.0.1", "::1"}})
	if !keyShape.MatchString(key.Key) || !strings.HasPrefix(key.Key, key.Prefix+"_") {
		t.Fatalf("key %q, prefix %q", key.Key, key.Prefix)
	}
	if strings.Join(key.ValidSources, ",") != "127.0.0.1/32,::1/128" {
		t.Errorf("sources %v, want canonical CIDRs", key.ValidSources)
	}
	if key.ExpiresAt == nil || key.ExpiresAt.Sub(time.Now()) < 89*24*time.Hour || key.ExpiresAt.Sub(time.Now()) > 91*24*time.Hour {
		t.Errorf("expires_at %v, want in 90 days", key.ExpiresAt)
	}
	secret := key.Key[len(key.Prefix)+1:]
	narrow := a.mintKey(t, bob.token, bobKeys, map[string]any{"valid_sources": []string{"127.0.0.0/8", "::1"}, "permissions": []string{"users.read"}})
	elsewhere := a.mintKey(t, bob.token, bobKeys, map[string]any{"valid_sources": []string{"10.0.0.0/8"}})
	toRevoke := a.mintKey(t, bob.token, bobKeys, map[string]any{"valid_sources": []string{"127.0.0.1", "::1"}})

	a.run(t, []scenario{
		{name: "a key authenticates", method: "GET", path: "/v1/users/" + bob.id, token: key.Key, status: 200, has: []string{bob.email}},
		{name: "the bare header works too", method: "GET", path: "/v1/users/" + bob.id, header: map[string]string{"Authorization": key.Key},
			status: 200},
		{name: "whoami names the key's user", method: "GET", path: "/v1/whoami", token: key.Key, status: 200, has: []string{bob.id}},
		{name: "a narrowed key is held to its permissions", method: "GET", path: "/v1/groups", token: narrow.Key, status: 403, code: "forbidden"},
		{name: "within them it works", method: "GET", path: "/v1/users", token: narrow.Key, status: 200},
		{name: "a key used from elsewhere is refused", method: "GET", path: "/v1/users/" + bob.id, token: elsewhere.Key,
			status: 401, code: "apikey_source_not_allowed", has: []string{"127.0.0.1", "not in the key's valid sources"}},
		{name: "a wrong secret is refused", method: "GET", path: "/v1/users/" + bob.id, token: key.Prefix + "_" + strings.Repeat("A", 43),
			status: 401, code: "invalid_api_key"},
		{name: "an unknown key is refused", method: "GET", path: "/v1/users/" + bob.id, token: "wdn_" + strings.Repeat("0", 32) + "_" + secret,
			status: 401, code: "invalid_api_key"},
		{name: "a malformed key is refused", method: "GET", path: "/v1/users/" + bob.id, token: "wdn_nonsense", status: 401, code: "invalid_api_key"},
		{name: "a key cannot mint keys", method: "POST", path: bobKeys, token: key.Key,
			body: map[string]any{"valid_sources": []string{"127.0.0.1"}}, status: 403, code: "apikey_cannot_mint"},
		{name: "nor renew them", method: "POST", path: bobKeys + "/" + key.ID + "/renew", token: key.Key,
			body: map[string]any{"expiration_days": 30}, status: 403, code: "apikey_cannot_mint"},
		{name: "a user cannot make a never-expiring key", method: "POST", path: bobKeys, token: bob.token,
			body: map[string]any{"valid_sources": []string{"127.0.0.1"}, "expiration_days": 0}, status: 400, code: "validation_failed", fields: []string{"expiration_days"}},
		{name: "nor an unconstrained one", method: "POST", path: bobKeys, token: bob.token,
			body: map[string]any{"description": "anywhere"}, status: 400, code: "validation_failed", fields: []string{"valid_sources"}},
		{name: "nor one from a bad source", method: "POST", path: bobKeys, token: bob.token,
			body: map[string]any{"valid_sources": []string{"10.0.0.300"}}, status: 400, code: "validation_failed", fields: []string{"valid_sources"}},
		{name: "nor one with an unknown permission", method: "POST", path: bobKeys, token: bob.token,
			body: map[string]any{"valid_sources": []string{"10.0.0.1"}, "permissions": []string{"users.fly"}}, status: 400, code: "validation_failed", fields: []string{"permissions"}},
		{name: "nor one that long", method: "POST", path: bobKeys, token: bob.token,
			body: map[string]any{"valid_sources": []string{"10.0.0.1"}, "expiration_days": 1000}, status: 400, fields: []string{"expiration_days"}},
		{name: "nor a key of another user", method: "POST", path: "/v1/users/" + root.id + "/api-keys", token: bob.token,
			body: map[string]any{"valid_sources": []string{"127.0.0.1"}}, status: 403, code: "forbidden"},
		{name: "an administrator may make one that never expires, from anywhere", method: "POST", path: bobKeys, token: root.token,
			body: map[string]any{"expiration_days": 0}, status: 201, has: []string{`"expires_at":null`, `"valid_sources":[]`}},
		{name: "a renewal counts from now", method: "POST", path: bobKeys + "/" + key.ID + "/renew", token: bob.token,
			body: map[string]any{"expiration_days": 30}, status: 200, check: func(t *testing.T, r *resp) {
				var k apiKey
				r.into(t, &k)
				if k.ExpiresAt == nil || k.ExpiresAt.Sub(time.Now()) > 31*24*time.Hour {
					t.Errorf("expires_at %v", k.ExpiresAt)
				}
			}},
		{name: "the key still works after renewal", method: "GET", path: "/v1/users/" + bob.id, token: key.Key, status: 200},
		{name: "the key works before revocation", method: "GET", path: "/v1/users/" + bob.id, token: toRevoke.Key, status: 200},
		{name: "revoking", method: "DELETE", path: bobKeys + "/" + toRevoke.ID, token: bob.token, status: 204},
		{name: "a revoked key fails on the very next request", method: "GET", path: "/v1/users/" + bob.id, token: toRevoke.Key,
			status: 401, code: "apikey_revoked"},
		{name: "a revoked key is not revoked twice", method: "DELETE", path: bobKeys + "/" + toRevoke.ID, token: bob.token, status: 404},
		{name: "nor renewed", method: "POST", path: bobKeys + "/" + toRevoke.ID + "/renew", token: bob.token,
			body: map[string]any{"expiration_days": 30}, status: 412, code: "apikey_revoked"},
		{name: "another user's key is not found under mine", method: "DELETE", path: "/v1/users/" + root.id + "/api-keys/" + key.ID,
			token: root.token, status: 404, code: "not_found"},
	})

	t.Run("listing shows keys without their secrets", func(t *testing.T) {
		var out struct {
			APIKeys []apiKey `json:"api_keys"`
		}
		r := a.do(t, req{method: "GET", path: bobKeys, token: bob.token}).want(t, 200).into(t, &out)
		if strings.Contains(string(r.body), secret) || strings.Contains(string(r.body), `"key"`) {
			t.Fatalf("the list shows a secret: %s", r.body)
		}
		if len(out.APIKeys) != 5 {
			t.Fatalf("%d keys", len(out.APIKeys))
		}
		for _, k := range out.APIKeys {
			switch k.ID {
			case key.ID:
				if k.LastUsedAt == nil || k.LastUsedFrom == nil || *k.LastUsedFrom != "127.0.0.1" {
					t.Errorf("last use of a used key: %v %v", k.LastUsedAt, k.LastUsedFrom)
				}
			case toRevoke.ID:
				if k.RevokedAt == nil {
					t.Error("the revoked key has no revoked_at")
				}
			}
		}
	})
	t.Run("the audit log records keys without their secrets", func(t *testing.T) {
		r := a.do(t, req{method: "GET", path: "/v1/audit-events?limit=1000", token: root.token}).want(t, 200)
		r.has(t, "apikey.created", "apikey.renewed", "apikey.revoked")
		if strings.Contains(string(r.body), secret) || strings.Contains(string(r.body), "secret") {
			t.Fatalf("the audit log shows a secret: %s", r.body)
		}
	})
	t.Run("another organization sees none of it", func(t *testing.T) {
		boss := a.otherOrg(t, root, "Other Org", "boss@other.example")
		a.run(t, []scenario{
			{name: "their keys are not listed", method: "GET", path: bobKeys, token: boss.token, status: 404, code: "not_found"},
			{name: "nor minted", method: "POST", path: bobKeys, token: boss.token, body: map[string]any{"valid_sources": []string{"127.0.0.1"}},
				status: 404, code: "not_found"},
			{name: "nor revoked", method: "DELETE", path: bobKeys + "/" + key.ID, token: boss.token, status: 404, code: "not_found"},
			{name: "nor revoked as mine", method: "DELETE", path: "/v1/users/" + boss.id + "/api-keys/" + key.ID, token: boss.token,
				status: 404, code: "not_found"},
			{name: "nor renewed as mine", method: "POST", path: "/v1/users/" + boss.id + "/api-keys/" + key.ID + "/renew", token: boss.token,
				body: map[string]any{"expiration_days": 30}, status: 404, code: "not_found"},
		})
		a.do(t, req{method: "GET", path: "/v1/users/" + bob.id, token: key.Key}).want(t, 200)
	})
}

func TestExpiredAPIKeyIsRefused(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	k := a.mintKey(t, root.token, "/v1/users/"+root.id+"/api-keys", map[string]any{"expiration_days": 1})
	a.do(t, req{method: "GET", path: "/v1/users/" + root.id, token: k.Key}).want(t, 200)
	a.clock.Advance(25 * time.Hour)
	r := a.do(t, req{method: "GET", path: "/v1/users/" + root.id, token: k.Key}).want(t, 401, "apikey_expired")
	r.has(t, "expired at "+k.ExpiresAt.UTC().Format(time.RFC3339))
}

// TestAPIKeySourcesBehindAProxy checks that the client address comes from
// X-Forwarded-For only when a trusted proxy sends it.
func TestAPIKeySourcesBehindAProxy(t *testing.T) {
	t.Parallel()
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	a := newTestAPIWith(t, httpapi.Config{TrustedProxies: loopback})
	root := a.signup(t)
	k := a.mintKey(t, root.token, "/v1/users/"+root.id+"/api-keys", map[string]any{"valid_sources": []string{"203.0.113.0/24"}})
	path := "/v1/users/" + root.id
	xff := func(v string) map[string]string {
		return map[string]string{"Authorization": "Bearer " + k.Key, "X-Forwarded-For": v}
	}
	a.run(t, []scenario{
		{name: "a client in the sources, through the proxy", method: "GET", path: path, header: xff("203.0.113.7"), status: 200},
		{name: "through two trusted proxies", method: "GET", path: path, header: xff("203.0.113.7, 127.0.0.2"), status: 200},
		{name: "a client outside them", method: "GET", path: path, header: xff("198.51.100.1"),
			status: 401, code: "apikey_source_not_allowed", has: []string{"198.51.100.1"}},
		{name: "a spoofed left-most entry does not help", method: "GET", path: path, header: xff("203.0.113.7, 198.51.100.1"),
			status: 401, code: "apikey_source_not_allowed", has: []string{"198.51.100.1"}},
		{name: "no header: the proxy itself is the client", method: "GET", path: path, token: k.Key,
			status: 401, code: "apikey_source_not_allowed"},
	})
	t.Run("without trusted proxies the header is ignored", func(t *testing.T) {
		b := newTestAPI(t)
		root := b.signup(t)
		k := b.mintKey(t, root.token, "/v1/users/"+root.id+"/api-keys", map[string]any{"valid_sources": []string{"203.0.113.0/24"}})
		b.do(t, req{method: "GET", path: "/v1/users/" + root.id, header: map[string]string{
			"Authorization": "Bearer " + k.Key, "X-Forwarded-For": "203.0.113.7"}}).want(t, 401, "apikey_source_not_allowed").has(t, "127.0.0.1")
	})
}

// TestDisablingAUserStopsTheirKeysAtOnce: the key cache must not outlive
// the owner's state on the node that changed it.
func TestDisablingAUserStopsTheirKeysAtOnce(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	bob := a.member(t, root, "bob@example.com", "user")
	key := a.mintKey(t, bob.token, "/v1/users/"+bob.id+"/api-keys", map[string]any{"valid_sources": []string{"127.0.0.1"}})
	a.run(t, []scenario{
		{name: "the key works", method: "GET", path: "/v1/whoami", token: key.Key, status: 200},
		{name: "bob is disabled", method: "PATCH", path: "/v1/users/" + bob.id, token: root.token,
			ctype: "application/merge-patch+json", body: `{"disabled": true}`, status: 200},
		{name: "the key fails on the next request", method: "GET", path: "/v1/whoami", token: key.Key, status: 401, code: "account_disabled"},
		{name: "bob is enabled", method: "PATCH", path: "/v1/users/" + bob.id, token: root.token,
			ctype: "application/merge-patch+json", body: `{"disabled": false}`, status: 200},
		{name: "the key works again", method: "GET", path: "/v1/whoami", token: key.Key, status: 200},
		{name: "bob is deleted", method: "DELETE", path: "/v1/users/" + bob.id, token: root.token, status: 204},
		{name: "the key is gone with him", method: "GET", path: "/v1/whoami", token: key.Key, status: 401, code: "invalid_api_key"},
	})
}

// TestDeletingAnOrgStopsItsKeysAtOnce: nothing of a deleted organization
// keeps authenticating from a cache.
func TestDeletingAnOrgStopsItsKeysAtOnce(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	root := a.signup(t)
	boss := a.otherOrg(t, root, "Doomed Org", "boss@doomed.example")
	key := a.mintKey(t, boss.token, "/v1/users/"+boss.id+"/api-keys", map[string]any{"valid_sources": []string{"127.0.0.1"}})
	a.run(t, []scenario{
		{name: "the key works", method: "GET", path: "/v1/whoami", token: key.Key, status: 200},
		{name: "the org is deleted", method: "DELETE", path: "/v1/orgs/" + boss.org, token: root.token, status: 204},
		{name: "the key fails on the next request", method: "GET", path: "/v1/whoami", token: key.Key, status: 401},
	})
}
