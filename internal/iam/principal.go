package iam

import "context"

// PrincipalKind says what kind of actor a principal is.
type PrincipalKind string

const (
	KindUser           PrincipalKind = "user"
	KindServiceAccount PrincipalKind = "service_account"
)

// Principal is the authenticated caller of a request. It may be shared
// with a credential cache and other requests, slices and all: read it,
// never change it in place.
type Principal struct {
	Kind         PrincipalKind
	ID           ID // the user or service account
	OrgID        ID
	SessionID    ID     // set when authenticated by a session token
	Credential   string // how the request was authenticated: session, api_key, oauth, …
	CredentialID ID     // the API key or grant that authenticated the request, if any
	// Permissions, when not empty, narrows what the principal may do to these
	// permission patterns: a narrowed API key, a scoped grant.
	Permissions   []string
	Roles         []string
	InstanceAdmin bool
	Name          string // username or email, for logs
}

// Request describes where a call comes from, for audit events and throttling.
type Request struct {
	IP        string
	UserAgent string
	Surface   string // native, thousandeyes, sailpoint, arthur, argus, squirro
}

type principalKey struct{}
type requestKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, or nil if the call is anonymous.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// WithRequest returns a context carrying r.
func WithRequest(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the request description in ctx (zero if none).
func RequestFrom(ctx context.Context) Request {
	r, _ := ctx.Value(requestKey{}).(Request)
	return r
}
