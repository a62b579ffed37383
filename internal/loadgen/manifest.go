package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
)

// Manifest is what `warden seed` writes about the data set it made, and
// what bench reads for credentials, keys and emails.
type Manifest struct {
	Database     string        `json:"database"`
	Orgs         []ManifestOrg `json:"orgs"`
	Password     string        `json:"password"` // every seeded user's
	APIKeys      []string      `json:"api_keys"`
	SampleEmails []string      `json:"sample_emails"`
	Users        int64         `json:"users"`
}

// ManifestOrg is one seeded organization and its administrator.
type ManifestOrg struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	AdminEmail    string `json:"admin_email"`
	AdminPassword string `json:"admin_password"`
	Users         int64  `json:"users"`
}

// ReadManifest reads and checks a manifest file.
func ReadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(m.Orgs) == 0 || m.Orgs[0].AdminEmail == "" || m.Orgs[0].AdminPassword == "" {
		return nil, fmt.Errorf("%s: names no organization with an admin_email and admin_password", path)
	}
	return &m, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Bootstrap makes a small data set on an empty server (or one started with
// --open-signup) through the API, for when there is no seed manifest: it
// signs up an organization and creates users (readers of the directory,
// all with one password) and an API key for each of the first keys users.
func Bootstrap(ctx context.Context, t *Target, users, keys int) (*Manifest, error) {
	run := randomHex(4)
	org := ManifestOrg{Name: "bench-" + run, AdminEmail: "bench-admin-" + run + "@bench.example.com",
		AdminPassword: "Adm-" + randomHex(12), Users: int64(users) + 1}
	var su struct {
		OrgID string `json:"org_id"`
	}
	err := t.JSON(ctx, "POST", "/v1/signup", "", map[string]string{"email": org.AdminEmail, "password": org.AdminPassword,
		"org_name": org.Name, "full_name": "Bench Admin"}, &su)
	if err != nil {
		return nil, fmt.Errorf("signing up a benchmark organization (the server must be empty or run with --open-signup; or pass --manifest from warden seed): %w", err)
	}
	org.ID = su.OrgID
	token, err := login(ctx, t, org.AdminEmail, org.AdminPassword)
	if err != nil {
		return nil, err
	}
	m := &Manifest{Orgs: []ManifestOrg{org}, Password: "Usr-" + randomHex(12), Users: int64(users) + 1}
	for i := range users {
		email := fmt.Sprintf("bench-user-%s-%05d@bench.example.com", run, i)
		var u struct {
			ID string `json:"id"`
		}
		if err := t.JSON(ctx, "POST", "/v1/users", token, map[string]any{"email": email, "password": m.Password,
			"full_name": fmt.Sprintf("Bench User %d", i), "roles": []string{"user"}}, &u); err != nil {
			return nil, err
		}
		m.SampleEmails = append(m.SampleEmails, email)
		if i < keys {
			var k struct {
				Key string `json:"key"`
			}
			if err := t.JSON(ctx, "POST", "/v1/users/"+u.ID+"/api-keys", token, map[string]any{
				"description": "bench", "valid_sources": []string{"127.0.0.0/8", "::1"}}, &k); err != nil {
				return nil, err
			}
			m.APIKeys = append(m.APIKeys, k.Key)
		}
	}
	return m, nil
}

// login opens a session and returns its token.
func login(ctx context.Context, t *Target, email, password string) (string, error) {
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := t.JSON(ctx, "POST", "/v1/login", "", map[string]string{"login": email, "password": password}, &out); err != nil {
		return "", fmt.Errorf("logging in as %s: %w", email, err)
	}
	return out.AccessToken, nil
}
