package service

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

const (
	// APIKeyPrefix starts every API key: wdn_<key id, 32 hex digits>_<secret>.
	APIKeyPrefix = "wdn_"
	// apiKeySecretBytes is the entropy of a key's secret: 256 bits.
	apiKeySecretBytes = 32
	// defaultKeyDays is a key's lifetime when the request names none.
	defaultKeyDays = 90
	// maxKeyDays bounds a key's lifetime for callers without
	// apikeys.unlimited; maxUnlimitedKeyDays for those with it.
	maxKeyDays          = 365
	maxUnlimitedKeyDays = 3650
	maxKeySources       = 100
	maxKeyPermissions   = 100
)

// APIKeys mints, lists, renews and revokes the API keys of users and
// service accounts, and turns presented keys into principals.
type APIKeys struct {
	env   *Env
	cache *apiKeyCache
}

func newAPIKeys(env *Env) *APIKeys { return &APIKeys{env: env, cache: newAPIKeyCache()} }

// KeyOwner names the principal whose keys a call is about.
type KeyOwner struct {
	Kind iam.PrincipalKind
	ID   iam.ID
}

// NewAPIKey is the input of APIKeys.Create. A nil ExpirationDays is the
// default, 90 days; 0 is never.
type NewAPIKey struct {
	Description    string
	ValidSources   []string
	ExpirationDays *int
	Permissions    []string
}

// MintedAPIKey is a new key with its plain text, shown once.
type MintedAPIKey struct {
	Key   *iam.APIKey
	Plain string
}

var errKeyCannotMint = iam.E(iam.PermissionDenied, "apikey_cannot_mint",
	"a request authenticated by an API key cannot create or renew credentials; use a login session")

// KeyPrefix is the part of a key that names it without its secret.
func KeyPrefix(id iam.ID) string { return APIKeyPrefix + id.Hex() }

// authorizeRead lets the caller read owner's keys.
func (s *APIKeys) authorizeRead(ctx context.Context, o KeyOwner) (*iam.Principal, error) {
	var p *iam.Principal
	var err error
	if o.Kind == iam.KindServiceAccount {
		p, err = s.env.authorize(ctx, authz.APIKeysRead, orgLevel)
	} else {
		p, err = s.env.authorizeSelfOr(ctx, authz.APIKeysRead, o.ID)
	}
	if err != nil {
		return nil, err
	}
	return p, checkOwner(ctx, s.env.Store, p.OrgID, o)
}

// authorizeWrite lets the caller revoke owner's keys; with mint, also create
// or renew them, which acting for another principal makes an impersonation:
// that needs the right to manage the principal (users.update,
// serviceaccounts.update) and everything it may do (see authorizeActAs).
func (s *APIKeys) authorizeWrite(ctx context.Context, o KeyOwner, mint bool) (*iam.Principal, error) {
	if p := iam.PrincipalFrom(ctx); mint && p != nil && p.Credential == "api_key" {
		return nil, errKeyCannotMint
	}
	var p *iam.Principal
	var err error
	if o.Kind == iam.KindServiceAccount {
		p, err = s.env.authorize(ctx, authz.APIKeysCreate, orgLevel)
	} else {
		p, err = s.env.authorizeSelfOr(ctx, authz.APIKeysCreate, o.ID)
	}
	if err != nil {
		return nil, err
	}
	if err := checkOwner(ctx, s.env.Store, p.OrgID, o); err != nil {
		return nil, err
	}
	if mint {
		if err := authorizeActAs(ctx, s.env, p, o); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// checkOwner is NotFound unless the owner is a principal of org.
func checkOwner(ctx context.Context, q iam.Queries, org iam.ID, o KeyOwner) error {
	if o.Kind == iam.KindServiceAccount {
		_, err := q.GetServiceAccount(ctx, org, o.ID)
		return err
	}
	_, err := q.GetUser(ctx, org, o.ID)
	return err
}

// authorizeActAs refuses to let p mint a credential of another principal
// unless p may manage that principal and holds, at org level, every
// permission it holds: a credential must not be a way to gain more than one
// has (the check authorizeGrant makes for roles).
func authorizeActAs(ctx context.Context, env *Env, p *iam.Principal, o KeyOwner) error {
	if o.Kind == iam.KindUser && p.Kind == iam.KindUser && o.ID == p.ID {
		return nil
	}
	manage := authz.UsersUpdate
	target := &iam.Principal{Kind: o.Kind, ID: o.ID, OrgID: p.OrgID}
	if o.Kind == iam.KindServiceAccount {
		manage = authz.ServiceAccountsUpdate
	} else {
		u, err := env.Store.GetUser(ctx, p.OrgID, o.ID)
		if err != nil {
			return err
		}
		if u.InstanceAdmin && !p.InstanceAdmin {
			return iam.E(iam.PermissionDenied, "forbidden", "only an instance administrator may mint credentials of an instance administrator")
		}
		target.InstanceAdmin = u.InstanceAdmin
	}
	if _, err := env.authorize(ctx, manage, orgLevel); err != nil {
		return err
	}
	snap, err := env.access.snapshotOf(ctx, target)
	if err != nil {
		return err
	}
	role := authz.Role{Key: "credential", Kind: authz.KindResource, Permissions: snap.snap.Permissions(orgLevel)}
	if err := env.access.authorizeGrant(ctx, role, orgLevel); err != nil {
		return iam.E(iam.PermissionDenied, "forbidden", "you cannot mint a credential of a principal that may do more than you")
	}
	return nil
}

// expiry checks a requested lifetime in days and returns the expiry it
// gives (nil: never).
func (s *APIKeys) expiry(c *checks, days *int, unlimited bool, now time.Time) *time.Time {
	d := defaultKeyDays
	if days != nil {
		d = *days
	}
	max := maxKeyDays
	if unlimited {
		max = maxUnlimitedKeyDays
	}
	switch {
	case d == 0 && !unlimited:
		c.add("expiration_days", "0 (never) needs the apikeys.unlimited permission; give a number of days")
	case d == 0:
		return nil
	case d < 0 || d > max:
		c.add("expiration_days", "must be a whole number of days from 1 to "+strconv.Itoa(max))
	}
	at := now.AddDate(0, 0, d)
	return &at
}

// canonicalSources parses IPs and CIDRs; a bare address is a /32 or /128.
func canonicalSources(c *checks, in []string) []string {
	if len(in) > maxKeySources {
		c.add("valid_sources", "may list at most 100 addresses or networks")
		return nil
	}
	out := make([]string, 0, len(in))
	for _, v := range in {
		v = strings.TrimSpace(v)
		var pfx netip.Prefix
		if strings.Contains(v, "/") {
			p, err := netip.ParsePrefix(v)
			if err != nil {
				c.add("valid_sources", quote(v)+" is not an IP address or a CIDR network such as 10.0.0.0/8")
				continue
			}
			pfx = p.Masked()
			if p.Addr().Is4In6() {
				if p.Bits() < 96 {
					c.add("valid_sources", quote(v)+" mixes IPv4 and IPv6; name the IPv4 network itself")
					continue
				}
				pfx = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96).Masked()
			}
		} else {
			a, err := netip.ParseAddr(v)
			if err != nil || a.Zone() != "" {
				c.add("valid_sources", quote(v)+" is not an IP address or a CIDR network such as 10.0.0.0/8")
				continue
			}
			a = a.Unmap()
			pfx = netip.PrefixFrom(a, a.BitLen())
		}
		if s := pfx.String(); !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func checkKeyPermissions(c *checks, perms []string) []string {
	if len(perms) > maxKeyPermissions {
		c.add("permissions", "may list at most 100 permissions")
		return nil
	}
	out := make([]string, 0, len(perms))
	for _, p := range perms {
		if !authz.ValidPattern(p) {
			c.add("permissions", "unknown permission "+quote(p)+"; see GET /v1/permissions")
			continue
		}
		if !contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// Create mints a key for owner. The key's plain text is returned once.
func (s *APIKeys) Create(ctx context.Context, o KeyOwner, in NewAPIKey) (*MintedAPIKey, error) {
	p, err := s.authorizeWrite(ctx, o, true)
	if err != nil {
		return nil, err
	}
	unlimited := s.env.may(ctx, authz.APIKeysUnlimited, orgLevel)
	now := s.env.now()
	var c checks
	c.text("description", in.Description, false, 200)
	if in.Description == apiTokenDescription {
		c.add("description", quote(apiTokenDescription)+" is reserved for the tokens of POST /v1/api-tokens/rotate")
	}
	sources := canonicalSources(&c, in.ValidSources)
	if len(in.ValidSources) == 0 && !unlimited {
		c.add("valid_sources", "is required: name the addresses or networks the key may be used from (a key usable from anywhere needs the apikeys.unlimited permission)")
	}
	perms := checkKeyPermissions(&c, in.Permissions)
	expires := s.expiry(&c, in.ExpirationDays, unlimited, now)
	if err := c.err(); err != nil {
		return nil, err
	}
	m, err := s.mint(p.OrgID, o, now, &iam.APIKey{Description: in.Description, ValidSources: sources, Permissions: perms,
		ExpiresAt: expires})
	if err != nil {
		return nil, err
	}
	k := m.Key
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.CreateAPIKey(ctx, k); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"apikey.created", "apikey", k.ID.String(), keyChanges(k)})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// mint fills in k (its description, sources, permissions and expiry set)
// as a new key of owner o in org, with a fresh ID and secret, and returns
// it with its plain text; it stores nothing.
func (s *APIKeys) mint(org iam.ID, o KeyOwner, now time.Time, k *iam.APIKey) (*MintedAPIKey, error) {
	id, err := s.env.newID(now)
	if err != nil {
		return nil, err
	}
	secret, err := authn.RandomToken(s.env.Rand, apiKeySecretBytes)
	if err != nil {
		return nil, iam.Wrap(err, "cannot generate an API key")
	}
	sum := sha256.Sum256([]byte(secret))
	k.ID, k.OrgID, k.PrincipalKind, k.PrincipalID, k.SecretHash, k.CreatedAt = id, org, o.Kind, o.ID, sum[:], now
	return &MintedAPIKey{Key: k, Plain: KeyPrefix(id) + "_" + secret}, nil
}

// keyChanges describes a key for the audit log: never its secret or hash.
func keyChanges(k *iam.APIKey) map[string]any {
	return map[string]any{"principal_type": k.PrincipalKind, "principal_id": k.PrincipalID, "description": k.Description,
		"valid_sources": k.ValidSources, "permissions": k.Permissions, "expires_at": k.ExpiresAt}
}

// List returns owner's keys, oldest first.
func (s *APIKeys) List(ctx context.Context, o KeyOwner) ([]*iam.APIKey, error) {
	p, err := s.authorizeRead(ctx, o)
	if err != nil {
		return nil, err
	}
	return s.env.Store.ListAPIKeys(ctx, p.OrgID, o.ID)
}

// get returns owner's key id, NotFound when it is someone else's.
func ownKey(ctx context.Context, q iam.Queries, org iam.ID, o KeyOwner, id iam.ID) (*iam.APIKey, error) {
	k, err := q.GetAPIKey(ctx, org, id)
	if err != nil {
		return nil, err
	}
	if k.PrincipalID != o.ID || k.PrincipalKind != o.Kind {
		return nil, iam.ErrNotFound("API key")
	}
	return k, nil
}

// Renew sets a new expiry, counted from now, on an active key.
func (s *APIKeys) Renew(ctx context.Context, o KeyOwner, id iam.ID, days *int) (*iam.APIKey, error) {
	p, err := s.authorizeWrite(ctx, o, true)
	if err != nil {
		return nil, err
	}
	unlimited := s.env.may(ctx, authz.APIKeysUnlimited, orgLevel)
	now := s.env.now()
	var c checks
	expires := s.expiry(&c, days, unlimited, now)
	if err := c.err(); err != nil {
		return nil, err
	}
	var out *iam.APIKey
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		k, err := ownKey(ctx, q, p.OrgID, o, id)
		if err != nil {
			return err
		}
		if k.RevokedAt != nil {
			return iam.E(iam.FailedPrecondition, "apikey_revoked", "this API key is revoked; create a new one")
		}
		if err := q.RenewAPIKey(ctx, p.OrgID, id, expires); err != nil {
			return err
		}
		if err := q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidateAPIKey, OrgID: p.OrgID, ID: id}); err != nil {
			return err
		}
		changes := map[string]any{"expires_at": map[string]any{"from": k.ExpiresAt, "to": expires}}
		k.ExpiresAt, out = expires, k
		return s.env.record(ctx, q, p.OrgID, now, event{"apikey.renewed", "apikey", id.String(), changes})
	})
	if err != nil {
		return nil, err
	}
	s.cache.forget(id)
	return out, nil
}

// Revoke makes a key unusable at once on this node (within seconds on
// others).
func (s *APIKeys) Revoke(ctx context.Context, o KeyOwner, id iam.ID) error {
	p, err := s.authorizeWrite(ctx, o, false)
	if err != nil {
		return err
	}
	now := s.env.now()
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		k, err := ownKey(ctx, q, p.OrgID, o, id)
		if err != nil {
			return err
		}
		if k.RevokedAt != nil {
			return iam.ErrNotFound("API key")
		}
		if err := q.RevokeAPIKey(ctx, p.OrgID, id, now); err != nil {
			return err
		}
		if err := q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidateAPIKey, OrgID: p.OrgID, ID: id}); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"apikey.revoked", "apikey", id.String(),
			map[string]any{"principal_type": k.PrincipalKind, "principal_id": k.PrincipalID}})
	})
	if err != nil {
		return err
	}
	s.cache.revoke(id, now)
	return nil
}

var errBadAPIKey = iam.E(iam.Unauthenticated, "invalid_api_key", "the API key is not valid")

// parseAPIKey splits wdn_<32 hex digits>_<secret>.
func parseAPIKey(token string) (iam.ID, string, bool) {
	const idLen = 32
	rest, ok := strings.CutPrefix(token, APIKeyPrefix)
	if !ok || len(rest) < idLen+2 || rest[idLen] != '_' {
		return iam.NilID, "", false
	}
	id, err := iam.ParseID(rest[:idLen])
	if err != nil {
		return iam.NilID, "", false
	}
	return id, rest[idLen+1:], true
}

// authenticate turns a presented API key into the principal it stands for.
// A fresh cache entry answers without the store.
func (s *APIKeys) authenticate(ctx context.Context, token string) (*iam.Principal, error) {
	id, secret, ok := parseAPIKey(token)
	if !ok {
		return nil, errBadAPIKey
	}
	now := s.env.Now()
	e, err := s.lookup(ctx, id, now)
	if err != nil {
		return nil, err
	}
	var buf [64]byte // a secret is 43 bytes: its copy stays on the stack
	sum := sha256.Sum256(append(buf[:0], secret...))
	if subtle.ConstantTimeCompare(sum[:], e.key.SecretHash) != 1 {
		return nil, errBadAPIKey
	}
	k := &e.key
	if k.RevokedAt != nil {
		return nil, iam.E(iam.Unauthenticated, "apikey_revoked", "this API key has been revoked")
	}
	if k.ExpiresAt != nil && !now.Before(*k.ExpiresAt) {
		return nil, iam.Errorf(iam.Unauthenticated, "apikey_expired", "this API key expired at %s; renew it or create a new one",
			k.ExpiresAt.UTC().Format(time.RFC3339))
	}
	ip := iam.RequestFrom(ctx).IP
	if len(e.sources) > 0 && !sourceAllowed(e.sources, ip) {
		return nil, iam.Errorf(iam.Unauthenticated, "apikey_source_not_allowed",
			"this API key may not be used from %s: the address is not in the key's valid sources", displayIP(ip))
	}
	if e.disabled {
		return nil, iam.E(iam.Unauthenticated, "account_disabled", "the account of this API key is disabled")
	}
	if s.cache.shouldTouch(id, now) {
		if err := s.env.Store.TouchAPIKey(ctx, k.OrgID, id, now.UTC().Truncate(time.Microsecond), ip); err != nil {
			s.env.Log.Warn("cannot record API key use", "key", id, "err", err)
		}
	}
	return &e.principal, nil // shared, as the entry is: see iam.Principal
}

func displayIP(ip string) string {
	if ip == "" {
		return "an unknown address"
	}
	return ip
}

func sourceAllowed(sources []netip.Prefix, ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap().WithZone("")
	for _, p := range sources {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// lookup returns the cache entry of key id, refreshed from the store when
// stale: the key, its owner's state and the principal it makes.
func (s *APIKeys) lookup(ctx context.Context, id iam.ID, now time.Time) (*cachedKey, error) {
	if e := s.cache.get(id, now); e != nil {
		return e, nil
	}
	k, err := s.env.Store.FindAPIKey(ctx, id)
	if iam.IsKind(err, iam.NotFound) {
		return nil, errBadAPIKey
	}
	if err != nil {
		return nil, err
	}
	e := &cachedKey{key: *k}
	for _, src := range k.ValidSources {
		if p, err := netip.ParsePrefix(src); err == nil {
			e.sources = append(e.sources, p)
		} else if a, err := netip.ParseAddr(src); err == nil {
			e.sources = append(e.sources, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	if len(k.ValidSources) > 0 && len(e.sources) == 0 {
		e.sources = []netip.Prefix{{}} // unparsable sources allow nothing
	}
	e.principal = iam.Principal{Kind: k.PrincipalKind, ID: k.PrincipalID, OrgID: k.OrgID, Credential: "api_key",
		CredentialID: k.ID}
	if len(k.Permissions) > 0 {
		e.principal.Permissions = slices.Clip(k.Permissions)
	}
	switch k.PrincipalKind {
	case iam.KindServiceAccount:
		sa, err := s.env.Store.GetServiceAccount(ctx, k.OrgID, k.PrincipalID)
		if iam.IsKind(err, iam.NotFound) {
			return nil, errBadAPIKey
		}
		if err != nil {
			return nil, err
		}
		e.disabled, e.principal.Name = sa.Disabled, sa.Name
	default:
		u, err := s.env.Store.GetUser(ctx, k.OrgID, k.PrincipalID)
		if iam.IsKind(err, iam.NotFound) {
			return nil, errBadAPIKey
		}
		if err != nil {
			return nil, err
		}
		e.disabled, e.principal.Name = u.Disabled, loginName(u)
		if roles := orgRoles(u.Roles); len(roles) > 0 {
			e.principal.Roles = slices.Clip(roles)
		}
		e.principal.InstanceAdmin = u.InstanceAdmin
	}
	return s.cache.put(e, now), nil
}
