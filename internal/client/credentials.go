package client

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// APIKey is an API key as the API lists it; Key is set only in the answer
// to its creation.
type APIKey struct {
	ID           iam.ID     `json:"id"`
	Key          string     `json:"key,omitempty"`
	Prefix       string     `json:"prefix"`
	Description  string     `json:"description"`
	ValidSources []string   `json:"valid_sources"`
	Permissions  []string   `json:"permissions"`
	CreatedAt    time.Time  `json:"created_at"`
	ExpiresAt    *time.Time `json:"expires_at"`
	LastUsedAt   *time.Time `json:"last_used_at,omitempty"`
	LastUsedFrom string     `json:"last_used_from,omitempty"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
}

// NewAPIKey is the body of CreateAPIKey. A nil ExpirationDays takes the
// server's default; 0 is never.
type NewAPIKey struct {
	Description    string   `json:"description,omitempty"`
	ValidSources   []string `json:"valid_sources,omitempty"`
	ExpirationDays *int     `json:"expiration_days,omitempty"`
	Permissions    []string `json:"permissions,omitempty"`
}

// Owner names whose credentials a call is about: a user's or a service
// account's.
type Owner struct {
	ServiceAccount bool
	ID             string
}

func (o Owner) path() string {
	if o.ServiceAccount {
		return "/v1/service-accounts/" + url.PathEscape(o.ID)
	}
	return "/v1/users/" + url.PathEscape(o.ID)
}

func (c *Client) CreateAPIKey(ctx context.Context, owner Owner, in NewAPIKey) (*APIKey, error) {
	var out APIKey
	return &out, c.do(ctx, "POST", owner.path()+"/api-keys", nil, jsonType, in, &out)
}

func (c *Client) ListAPIKeys(ctx context.Context, owner Owner) ([]APIKey, error) {
	var out struct {
		APIKeys []APIKey `json:"api_keys"`
	}
	return out.APIKeys, c.do(ctx, "GET", owner.path()+"/api-keys", nil, "", nil, &out)
}

func (c *Client) RenewAPIKey(ctx context.Context, owner Owner, keyID string, days int) (*APIKey, error) {
	var out APIKey
	in := map[string]int{"expiration_days": days}
	return &out, c.do(ctx, "POST", owner.path()+"/api-keys/"+url.PathEscape(keyID)+"/renew", nil, jsonType, in, &out)
}

func (c *Client) RevokeAPIKey(ctx context.Context, owner Owner, keyID string) error {
	return c.do(ctx, "DELETE", owner.path()+"/api-keys/"+url.PathEscape(keyID), nil, "", nil, nil)
}

// ServiceAccount is a service account as the API returns it.
type ServiceAccount struct {
	ID          iam.ID    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"created_at"`
}

// OAuthClient is a client of the token endpoint; ClientSecret is set only in
// the answer to its creation.
type OAuthClient struct {
	ClientID     iam.ID    `json:"client_id"`
	ClientSecret string    `json:"client_secret,omitempty"`
	Name         string    `json:"name"`
	CreatedAt    time.Time `json:"created_at"`
}

func (c *Client) ListServiceAccounts(ctx context.Context, limit int, cursor string) ([]ServiceAccount, string, error) {
	v := url.Values{}
	set(v, "cursor", cursor)
	if limit > 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
	var out struct {
		ServiceAccounts []ServiceAccount `json:"service_accounts"`
		NextCursor      string           `json:"next_cursor"`
	}
	err := c.do(ctx, "GET", "/v1/service-accounts", v, "", nil, &out)
	return out.ServiceAccounts, out.NextCursor, err
}

func (c *Client) GetServiceAccount(ctx context.Context, id string) (*ServiceAccount, error) {
	var out ServiceAccount
	return &out, c.do(ctx, "GET", "/v1/service-accounts/"+url.PathEscape(id), nil, "", nil, &out)
}

func (c *Client) CreateServiceAccount(ctx context.Context, name, description string) (*ServiceAccount, error) {
	var out ServiceAccount
	in := map[string]string{"name": name, "description": description}
	return &out, c.do(ctx, "POST", "/v1/service-accounts", nil, jsonType, in, &out)
}

func (c *Client) DeleteServiceAccount(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", "/v1/service-accounts/"+url.PathEscape(id), nil, "", nil, nil)
}

func (c *Client) CreateOAuthClient(ctx context.Context, serviceAccount, name string) (*OAuthClient, error) {
	var out OAuthClient
	return &out, c.do(ctx, "POST", "/v1/service-accounts/"+url.PathEscape(serviceAccount)+"/clients", nil, jsonType,
		map[string]string{"name": name}, &out)
}

// SessionInfo is one of a user's sessions.
type SessionInfo struct {
	ID         iam.ID    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
	Method     string    `json:"method"`
	Current    bool      `json:"current"`
}

func (c *Client) ListSessions(ctx context.Context, user string) ([]SessionInfo, error) {
	var out struct {
		Sessions []SessionInfo `json:"sessions"`
	}
	return out.Sessions, c.do(ctx, "GET", "/v1/users/"+url.PathEscape(user)+"/sessions", nil, "", nil, &out)
}

// RevokeSession signs one session out, or every session of the user when
// sid is empty.
func (c *Client) RevokeSession(ctx context.Context, user, sid string) error {
	path := "/v1/users/" + url.PathEscape(user) + "/sessions"
	if sid != "" {
		path += "/" + url.PathEscape(sid)
	}
	return c.do(ctx, "DELETE", path, nil, "", nil, nil)
}

// AuthMethod is one of a user's authentication methods.
type AuthMethod struct {
	Method      string     `json:"method"`
	Initialized bool       `json:"initialized"`
	Enabled     bool       `json:"enabled"`
	LastLoginAt *time.Time `json:"last_login_at"`
	LastLoginIP string     `json:"last_login_ip"`
}

// TOTPEnrolment is the secret of a TOTP method being set up.
type TOTPEnrolment struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
}

func (c *Client) ListAuthMethods(ctx context.Context, user string) ([]AuthMethod, error) {
	var out struct {
		AuthMethods []AuthMethod `json:"auth_methods"`
	}
	return out.AuthMethods, c.do(ctx, "GET", "/v1/users/"+url.PathEscape(user)+"/auth-methods", nil, "", nil, &out)
}

func (c *Client) EnrolTOTP(ctx context.Context, user string) (*TOTPEnrolment, error) {
	var out TOTPEnrolment
	return &out, c.do(ctx, "POST", "/v1/users/"+url.PathEscape(user)+"/auth-methods/totp", nil, "", nil, &out)
}

// VerifyTOTP confirms an enrolment with a first code; it returns the
// recovery codes, shown this once.
func (c *Client) VerifyTOTP(ctx context.Context, user, code string) ([]string, error) {
	var out struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	return out.RecoveryCodes, c.do(ctx, "POST", "/v1/users/"+url.PathEscape(user)+"/auth-methods/totp/verify", nil, jsonType,
		map[string]string{"code": code}, &out)
}

// DisableAuthMethod turns a method off.
func (c *Client) DisableAuthMethod(ctx context.Context, user, method string) error {
	return c.do(ctx, "DELETE", "/v1/users/"+url.PathEscape(user)+"/auth-methods/"+url.PathEscape(method), nil, "", nil, nil)
}
