package iam

import (
	"context"
	"encoding/json"
	"time"
)

// ServiceAccount is a non-human principal of one organization. It holds
// role bindings, API keys and OAuth clients.
type ServiceAccount struct {
	ID          ID
	OrgID       ID
	Seq         int64
	Name        string // unique within the org, case-insensitively
	Description string
	Disabled    bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// APIKey is a long-lived credential of a user or service account. The key
// itself is shown once; only the SHA-256 of its secret is kept.
type APIKey struct {
	ID            ID
	OrgID         ID
	Seq           int64 // the key's number, as Argus names keys (userID/keyID)
	PrincipalKind PrincipalKind
	PrincipalID   ID
	SecretHash    []byte // SHA-256 of the secret part
	Description   string
	ValidSources  []string // IPs and CIDRs it may be used from, canonical form
	Permissions   []string // narrows the owner's permissions; empty: all of them
	CreatedAt     time.Time
	ExpiresAt     *time.Time // nil: never
	LastUsedAt    *time.Time
	LastUsedFrom  string
	RevokedAt     *time.Time
}

// OAuthClient is a client of the token endpoint: a service account's
// (client_credentials) or a first-party application's (password, when
// AllowPassword). The secret is shown once; only its SHA-256 is kept.
type OAuthClient struct {
	ID               ID // the client_id
	OrgID            ID
	ServiceAccountID ID // zero for first-party clients
	Name             string
	SecretHash       []byte
	AllowPassword    bool
	CreatedAt        time.Time
	RevokedAt        *time.Time
}

// Grant is a family of rotating refresh tokens: one login through the token
// endpoint, or a long-lived grant a user issues (as in Squirro). Revoking
// it kills every refresh token of the family.
type Grant struct {
	ID            ID
	OrgID         ID
	PrincipalKind PrincipalKind
	PrincipalID   ID
	Type          string   // user, service, password, client
	ClientID      ID       // the OAuth client it was issued to, if any
	ForClientID   string   // Squirro's for_client_id of service grants
	Permissions   []string // narrows what its tokens carry; empty: all
	CreatedAt     time.Time
	LastUsedAt    *time.Time
	ExpiresAt     *time.Time // nil: never
	RevokedAt     *time.Time
}

// RefreshToken is one token of a grant. It may be exchanged once; a second
// use is reuse, which revokes the grant.
type RefreshToken struct {
	ID         ID
	OrgID      ID
	GrantID    ID
	SecretHash []byte
	CreatedAt  time.Time
	UsedAt     *time.Time
}

// AuthMethod is a user's authentication method (password, totp, sms):
// whether it is set up and enabled, its sealed secret and its last use.
type AuthMethod struct {
	OrgID       ID
	UserID      ID
	Method      string
	Initialized bool
	Enabled     bool
	Secret      []byte          // sealed with AES-GCM (a TOTP seed); never plain
	Settings    json.RawMessage // a JSON object: a phone number, …
	LastStep    int64           // the last TOTP time step used, against replay
	LastLoginAt *time.Time
	LastLoginIP string
	UpdatedAt   time.Time
}

// RecoveryCode is a single-use MFA code; only its hash is kept.
type RecoveryCode struct {
	OrgID  ID
	UserID ID
	Hash   []byte
	UsedAt *time.Time
}

// PasswordPolicy is an organization's password rules.
type PasswordPolicy struct {
	OrgID      ID
	MinLength  int
	MaxLength  int
	Blocklist  bool // refuse passwords on the shipped list of common ones
	History    int  // refuse the last N passwords
	MaxAgeDays int  // 0: passwords do not expire
	UpdatedAt  time.Time
}

// CredentialQueries is the storage of credentials. Lookups for
// authentication (Find…) span organizations: the credential names its own.
type CredentialQueries interface {
	// Service accounts. DeleteServiceAccount removes its API keys, OAuth
	// clients, grants, group memberships and role bindings too.
	CreateServiceAccount(ctx context.Context, sa *ServiceAccount) error
	GetServiceAccount(ctx context.Context, orgID, id ID) (*ServiceAccount, error)
	UpdateServiceAccount(ctx context.Context, sa *ServiceAccount) error // name, description, disabled, updated_at
	DeleteServiceAccount(ctx context.Context, orgID, id ID) error
	ListServiceAccounts(ctx context.Context, orgID ID, p Page) ([]*ServiceAccount, error)

	// API keys, newest last.
	CreateAPIKey(ctx context.Context, k *APIKey) error // sets k.Seq
	GetAPIKey(ctx context.Context, orgID, id ID) (*APIKey, error)
	FindAPIKey(ctx context.Context, id ID) (*APIKey, error)
	ListAPIKeys(ctx context.Context, orgID, principalID ID) ([]*APIKey, error)
	RenewAPIKey(ctx context.Context, orgID, id ID, expiresAt *time.Time) error
	// RevokeAPIKey sets revoked_at if it is not set yet (else NotFound).
	RevokeAPIKey(ctx context.Context, orgID, id ID, at time.Time) error
	TouchAPIKey(ctx context.Context, orgID, id ID, at time.Time, from string) error

	// OAuth clients.
	CreateOAuthClient(ctx context.Context, c *OAuthClient) error
	FindOAuthClient(ctx context.Context, id ID) (*OAuthClient, error)
	ListOAuthClients(ctx context.Context, orgID, serviceAccountID ID) ([]*OAuthClient, error)
	// RevokeOAuthClient sets revoked_at if it is not set yet (else NotFound).
	RevokeOAuthClient(ctx context.Context, orgID, id ID, at time.Time) error

	// Grants and their refresh tokens.
	CreateGrant(ctx context.Context, g *Grant) error
	GetGrant(ctx context.Context, orgID, id ID) (*Grant, error)
	ListGrants(ctx context.Context, orgID, principalID ID) ([]*Grant, error)
	// RevokeGrant sets revoked_at if it is not set yet (else NotFound).
	RevokeGrant(ctx context.Context, orgID, id ID, at time.Time) error
	TouchGrant(ctx context.Context, orgID, id ID, at time.Time) error
	CreateRefreshToken(ctx context.Context, t *RefreshToken) error
	FindRefreshToken(ctx context.Context, id ID) (*RefreshToken, error)
	// UseRefreshToken sets used_at if it is not set yet; if it was, it
	// returns Conflict with code "token_reused" and changes nothing.
	UseRefreshToken(ctx context.Context, orgID, id ID, at time.Time) error

	// Authentication methods, keyed by (user, method).
	PutAuthMethod(ctx context.Context, m *AuthMethod) error // insert or replace
	GetAuthMethod(ctx context.Context, orgID, userID ID, method string) (*AuthMethod, error)
	ListAuthMethods(ctx context.Context, orgID, userID ID) ([]*AuthMethod, error)
	DeleteAuthMethod(ctx context.Context, orgID, userID ID, method string) error
	// AdvanceAuthMethodStep sets last_step to step if step is greater than
	// the stored one, and reports whether it did: a TOTP code is good once.
	AdvanceAuthMethodStep(ctx context.Context, orgID, userID ID, method string, step int64) (bool, error)
	// RecordAuthMethodLogin stores the last successful use.
	RecordAuthMethodLogin(ctx context.Context, orgID, userID ID, method string, at time.Time, ip string) error

	// Recovery codes. ReplaceRecoveryCodes drops a user's old codes.
	ReplaceRecoveryCodes(ctx context.Context, orgID, userID ID, hashes [][]byte) error
	// UseRecoveryCode marks an unused code with this hash used and reports
	// whether there was one.
	UseRecoveryCode(ctx context.Context, orgID, userID ID, hash []byte, at time.Time) (bool, error)
	CountRecoveryCodes(ctx context.Context, orgID, userID ID) (int, error) // unused ones

	// Password policy (NotFound when the org keeps the defaults) and history.
	GetPasswordPolicy(ctx context.Context, orgID ID) (*PasswordPolicy, error)
	PutPasswordPolicy(ctx context.Context, p *PasswordPolicy) error
	// SetPassword stores a newly chosen password: its hash, when it was set,
	// and one more entry of history. (SetPasswordHash only replaces the hash
	// of the same password, as an upgrade does.)
	SetPassword(ctx context.Context, orgID, userID ID, hash string, at time.Time) error
	// PasswordHistory returns a user's last n password hashes, newest first.
	PasswordHistory(ctx context.Context, orgID, userID ID, n int) ([]string, error)
	// PasswordChangedAt is when the user's password was last chosen (NotFound
	// if never).
	PasswordChangedAt(ctx context.Context, orgID, userID ID) (time.Time, error)
}
