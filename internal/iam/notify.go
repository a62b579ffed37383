package iam

// Invalidation tells every node sharing a database that something it may
// hold in memory has changed: drop the cached copy, read it again. Nodes
// send one inside the transaction that makes the change (Queries.Notify),
// so it is delivered only if, and once, the change commits; they receive
// them with Store.Listen. A node hears its own messages too, and applying
// one again is harmless. Delivery is best effort: the per-node caches keep
// their short recheck, and access versions their poll, as the fallback.
type Invalidation struct {
	Kind    string `json:"k"`
	OrgID   ID     `json:"o,omitzero"`
	ID      ID     `json:"i,omitzero"`
	Version int64  `json:"v,omitempty"` // InvalidateAuthz: the new access version
}

// Kinds of Invalidation.
const (
	// InvalidateSession: the login session ID changed (revoked).
	InvalidateSession = "session"
	// InvalidateAPIKey: the API key ID changed (revoked, renewed).
	InvalidateAPIKey = "api_key"
	// InvalidateGrant: the OAuth grant ID changed (revoked).
	InvalidateGrant = "grant"
	// InvalidatePrincipal: the user or service account ID was disabled,
	// deleted or signed out everywhere: every credential of it a node
	// caches (API keys, sessions, grants) is to be read again.
	InvalidatePrincipal = "principal"
	// InvalidateUser: user ID's record changed in a way no access version
	// marks (a login's time): a cached copy is to be read again.
	InvalidateUser = "user"
	// InvalidateClient: the OAuth client ID was revoked, and every grant
	// issued to it with it.
	InvalidateClient = "client"
	// InvalidateOrg: organization OrgID is gone, with every credential in it.
	InvalidateOrg = "org"
	// InvalidateAuthz: organization OrgID's access version is now Version.
	InvalidateAuthz = "authz"
	// InvalidateAll is never sent: Listen delivers it whenever it starts or
	// resumes listening, since anything sent before may have been missed.
	// Everything cached is to be read again.
	InvalidateAll = "all"
)
