package client

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// User is a user as the API returns it.
type User struct {
	ID            iam.ID          `json:"id"`
	OrgID         iam.ID          `json:"org_id"`
	Email         string          `json:"email"`
	Username      string          `json:"username"`
	FirstName     string          `json:"first_name"`
	LastName      string          `json:"last_name"`
	FullName      string          `json:"full_name"`
	Roles         []string        `json:"roles"`
	Metadata      json.RawMessage `json:"metadata"`
	Disabled      bool            `json:"disabled"`
	InstanceAdmin bool            `json:"instance_admin"`
	CreatedAt     time.Time       `json:"created_at"`
	UpdatedAt     time.Time       `json:"updated_at"`
	LastLoginAt   *time.Time      `json:"last_login_at"`
}

// NewUser is the body of CreateUser.
type NewUser struct {
	Email     string          `json:"email"`
	Username  string          `json:"username,omitempty"`
	FirstName string          `json:"first_name,omitempty"`
	LastName  string          `json:"last_name,omitempty"`
	FullName  string          `json:"full_name,omitempty"`
	Password  string          `json:"password,omitempty"`
	Roles     []string        `json:"roles,omitempty"`
	Metadata  json.RawMessage `json:"metadata,omitempty"`
	Disabled  bool            `json:"disabled,omitempty"`
}

// UserPage is one page of users; NextCursor is empty on the last page.
type UserPage struct {
	Users      []User `json:"users"`
	NextCursor string `json:"next_cursor"`
}

// UserQuery filters ListUsers.
type UserQuery struct {
	Email  string
	Q      string
	Limit  int
	Cursor string
}

// Org is an organization as the API returns it.
type Org struct {
	ID        iam.ID    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// OrgPage is one page of organizations.
type OrgPage struct {
	Orgs       []Org  `json:"orgs"`
	NextCursor string `json:"next_cursor"`
}

// NewOrg is the body of CreateOrg; Admin optionally creates its first
// administrator.
type NewOrg struct {
	Name  string   `json:"name"`
	Admin *NewUser `json:"admin,omitempty"`
}

// Login is the result of a login.
type Login struct {
	User        User      `json:"user"`
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// Signup is the body of Signup.
type Signup struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	FullName string `json:"full_name"`
	OrgName  string `json:"org_name"`
}

// SignupResult names what a signup created.
type SignupResult struct {
	UserID iam.ID `json:"user_id"`
	OrgID  iam.ID `json:"org_id"`
}

// WhoAmI describes the caller.
type WhoAmI struct {
	OrganizationIDs  []iam.ID `json:"organization_ids"`
	Issuer           string   `json:"issuer"`
	InternalUserID   *iam.ID  `json:"internal_user_id"`
	ServiceAccountID *iam.ID  `json:"service_account_id"`
	Username         string   `json:"username"`
	FirstName        string   `json:"first_name"`
	LastName         string   `json:"last_name"`
	Email            string   `json:"email"`
	Roles            []string `json:"roles"`
}

// AuditEvent is one entry of the audit log.
type AuditEvent struct {
	ID        iam.ID          `json:"id"`
	Seq       int64           `json:"seq"`
	Time      time.Time       `json:"time"`
	Actor     Ref             `json:"actor"`
	Action    string          `json:"action"`
	Target    Ref             `json:"target"`
	SourceIP  string          `json:"source_ip"`
	UserAgent string          `json:"user_agent"`
	Surface   string          `json:"surface"`
	Changes   json.RawMessage `json:"changes"`
	PrevHash  string          `json:"prev_hash"`
	Hash      string          `json:"hash"`
}

// Ref names an audit event's actor or target, or a role binding's subject
// or scope.
type Ref struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// AuditPage is one page of audit events.
type AuditPage struct {
	Events     []AuditEvent `json:"events"`
	NextCursor string       `json:"next_cursor"`
}

// AuditQuery filters ListAudit; zero fields do not filter.
type AuditQuery struct {
	Since, Until time.Time
	Actor        string
	Action       string
	Target       string
	Ascending    bool
	Limit        int
	Cursor       string
}

// ChainReport is the outcome of an audit chain verification.
type ChainReport struct {
	OrgID  iam.ID `json:"org_id"`
	OK     bool   `json:"ok"`
	Events int64  `json:"events"`
	Broken *struct {
		Seq    int64  `json:"seq"`
		ID     iam.ID `json:"id"`
		Reason string `json:"reason"`
	} `json:"broken"`
}

// Content types of PATCH bodies.
const (
	MergePatch = "application/merge-patch+json"
	JSONPatch  = "application/json-patch+json"
)

// PatchOp is one JSON Patch (RFC 6902) operation.
type PatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

func (c *Client) Signup(ctx context.Context, in Signup) (*SignupResult, error) {
	var out SignupResult
	return &out, c.do(ctx, "POST", "/v1/signup", nil, jsonType, in, &out)
}

// Login logs in with an email or username and a password; use WithToken
// with the result's AccessToken for further calls.
func (c *Client) Login(ctx context.Context, login, password string) (*Login, error) {
	var out Login
	in := map[string]string{"login": login, "password": password}
	return &out, c.do(ctx, "POST", "/v1/login", nil, jsonType, in, &out)
}

func (c *Client) Logout(ctx context.Context) error {
	return c.do(ctx, "POST", "/v1/logout", nil, "", nil, nil)
}

func (c *Client) WhoAmI(ctx context.Context) (*WhoAmI, error) {
	var out WhoAmI
	return &out, c.do(ctx, "GET", "/v1/whoami", nil, "", nil, &out)
}

func (c *Client) ListUsers(ctx context.Context, q UserQuery) (*UserPage, error) {
	v := url.Values{}
	set(v, "email", q.Email)
	set(v, "q", q.Q)
	set(v, "cursor", q.Cursor)
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	var out UserPage
	return &out, c.do(ctx, "GET", "/v1/users", v, "", nil, &out)
}

func (c *Client) GetUser(ctx context.Context, id string) (*User, error) {
	var out User
	return &out, c.do(ctx, "GET", "/v1/users/"+url.PathEscape(id), nil, "", nil, &out)
}

func (c *Client) CurrentUser(ctx context.Context) (*User, error) {
	var out User
	return &out, c.do(ctx, "GET", "/v1/users/current", nil, "", nil, &out)
}

func (c *Client) CreateUser(ctx context.Context, in NewUser) (*User, error) {
	var out User
	return &out, c.do(ctx, "POST", "/v1/users", nil, jsonType, in, &out)
}

// PatchUser sends patch with contentType MergePatch (a JSON object) or
// JSONPatch (a []PatchOp).
func (c *Client) PatchUser(ctx context.Context, id string, contentType string, patch any) (*User, error) {
	var out User
	return &out, c.do(ctx, "PATCH", "/v1/users/"+url.PathEscape(id), nil, contentType, patch, &out)
}

func (c *Client) DeleteUser(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", "/v1/users/"+url.PathEscape(id), nil, "", nil, nil)
}

func (c *Client) ListOrgs(ctx context.Context, limit int, cursor string) (*OrgPage, error) {
	v := url.Values{}
	set(v, "cursor", cursor)
	if limit > 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
	var out OrgPage
	return &out, c.do(ctx, "GET", "/v1/orgs", v, "", nil, &out)
}

func (c *Client) GetOrg(ctx context.Context, id string) (*Org, error) {
	var out Org
	return &out, c.do(ctx, "GET", "/v1/orgs/"+url.PathEscape(id), nil, "", nil, &out)
}

func (c *Client) CreateOrg(ctx context.Context, in NewOrg) (*Org, error) {
	var out Org
	return &out, c.do(ctx, "POST", "/v1/orgs", nil, jsonType, in, &out)
}

// PatchOrg sends patch as PatchUser does.
func (c *Client) PatchOrg(ctx context.Context, id string, contentType string, patch any) (*Org, error) {
	var out Org
	return &out, c.do(ctx, "PATCH", "/v1/orgs/"+url.PathEscape(id), nil, contentType, patch, &out)
}

func (c *Client) DeleteOrg(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", "/v1/orgs/"+url.PathEscape(id), nil, "", nil, nil)
}

func (c *Client) ListAudit(ctx context.Context, q AuditQuery) (*AuditPage, error) {
	v := url.Values{}
	if !q.Since.IsZero() {
		v.Set("since", q.Since.Format(time.RFC3339Nano))
	}
	if !q.Until.IsZero() {
		v.Set("until", q.Until.Format(time.RFC3339Nano))
	}
	set(v, "actor", q.Actor)
	set(v, "action", q.Action)
	set(v, "target", q.Target)
	set(v, "cursor", q.Cursor)
	if q.Ascending {
		v.Set("order", "asc")
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	var out AuditPage
	return &out, c.do(ctx, "GET", "/v1/audit-events", v, "", nil, &out)
}

func (c *Client) VerifyAudit(ctx context.Context) (*ChainReport, error) {
	var out ChainReport
	return &out, c.do(ctx, "GET", "/v1/audit-events/verify", nil, "", nil, &out)
}

const jsonType = "application/json"

func set(v url.Values, name, value string) {
	if value != "" {
		v.Set(name, value)
	}
}
