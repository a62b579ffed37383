// Package service holds Warden's use cases. Each one follows the same
// rhythm: authorize → validate → Store.Tx(change + audit event).
package service

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"time"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/sms"
)

// Config holds the settings of the use cases.
type Config struct {
	Issuer         string        // the "iss" of tokens and whoami's issuer
	SessionTTL     time.Duration // lifetime of a login session and its token
	KeyRotation    time.Duration // how long one signing key signs
	OpenSignup     bool          // signup creates a new organization each time
	PasswordPolicy authn.PasswordPolicy
	// AccessTokenTTL is the lifetime of OAuth access tokens (default 1h);
	// RefreshTokenTTL that of the grants the password grant opens
	// (default 30 days).
	AccessTokenTTL  time.Duration
	RefreshTokenTTL time.Duration
	// LoginThrottle sets failed-login throttling and lockout.
	LoginThrottle ThrottleConfig
}

// Env is what every use case needs: storage, a clock and entropy.
type Env struct {
	Store iam.Store
	Now   func() time.Time
	Rand  io.Reader
	Log   *slog.Logger
	// SMS sends one-time codes; nil only logs that one was sent.
	SMS sms.Sender

	access   *Access       // set by New
	apiKeys  *APIKeys      // set by New; Auth hands API keys to it
	grants   *grantCache   // set by New
	sessions *sessionCache // set by New: Auth's
	users    *userCache    // set by New
}

// Services is the set of use cases the API layers call.
type Services struct {
	Access     *Access
	Auth       *Auth
	Users      *Users
	Orgs       *Orgs
	Audit      *Audit
	Keys       *Keys
	Groups     *Groups
	Workspaces *Workspaces
	Projects   *Projects
	Roles      *Roles
	Bindings   *Bindings

	APIKeys         *APIKeys
	ServiceAccounts *ServiceAccounts
	Sessions        *UserSessions

	OAuth        *OAuth
	Grants       *Grants
	OAuthClients *OAuthClients

	MFA       *MFA
	Passwords *Passwords
	SMS       *SMS

	External  *External
	APITokens *APITokens

	Idempotency *Idempotency
}

// New wires the use cases over env.
func New(env *Env, cfg Config, hasher *authn.Hasher, sealer *authn.Sealer) *Services {
	env.access = newAccess(env)
	env.apiKeys = newAPIKeys(env)
	env.grants = newGrantCache()
	env.users = newUserCache()
	cfg = cfg.withOAuthDefaults()
	keys := &Keys{env: env, ring: authn.NewKeyring(sealer), sealer: sealer, signFor: cfg.KeyRotation,
		verifyFor: max(cfg.SessionTTL, cfg.AccessTokenTTL)}
	users := &Users{env: env, hasher: hasher, policy: cfg.PasswordPolicy}
	roles := &Roles{env: env}
	auth := newAuth(env, cfg, hasher, keys, users)
	env.sessions = auth.sessions
	mfa := &MFA{env: env, sealer: sealer, issuer: cfg.Issuer}
	auth.mfa, auth.throttle = mfa, newLoginThrottle(cfg.LoginThrottle, env.Log)
	auth.passwords = &Passwords{env: env, hasher: hasher, defaults: cfg.PasswordPolicy, auth: auth}
	sender := env.SMS
	if sender == nil {
		sender = &sms.LogSender{Log: env.Log}
	}
	mfa.sms = &SMS{env: env, mfa: mfa, sender: sender, issuer: cfg.Issuer}
	return &Services{
		Access:     env.access,
		Auth:       auth,
		Users:      users,
		Orgs:       &Orgs{env: env, users: users},
		Audit:      &Audit{env: env},
		Keys:       keys,
		Groups:     &Groups{env: env},
		Workspaces: newWorkspaces(env),
		Projects:   newProjects(env),
		Roles:      roles,
		Bindings:   &Bindings{env: env, roles: roles},

		APIKeys:         env.apiKeys,
		ServiceAccounts: &ServiceAccounts{env: env, keys: env.apiKeys},
		Sessions:        &UserSessions{env: env, auth: auth},

		OAuth:        &OAuth{env: env, cfg: cfg, auth: auth, keys: keys},
		Grants:       &Grants{env: env},
		OAuthClients: &OAuthClients{env: env},

		MFA:       mfa,
		Passwords: auth.passwords,
		SMS:       mfa.sms,

		External:    &External{env: env, sealer: sealer},
		APITokens:   &APITokens{env: env, keys: env.apiKeys},
		Idempotency: &Idempotency{env: env, sealer: sealer},
	}
}

// now is the one timestamp of an operation, in the precision storage keeps.
func (e *Env) now() time.Time { return e.Now().UTC().Truncate(time.Microsecond) }

func (e *Env) newID(now time.Time) (iam.ID, error) {
	id, err := iam.NewID(now, e.Rand)
	if err != nil {
		return iam.NilID, iam.Wrap(err, "cannot generate an ID")
	}
	return id, nil
}

// event is an audit event about to be recorded.
type event struct {
	action     string
	targetType string
	targetID   string
	changes    any
}

// record appends an audit event for the caller in ctx, inside the caller's
// transaction q, so the change and its record commit together. actor
// overrides the principal (signup, where the new user acts on itself).
func (e *Env) record(ctx context.Context, q iam.Queries, orgID iam.ID, now time.Time, ev event, actor ...*iam.Principal) error {
	id, err := e.newID(now)
	if err != nil {
		return err
	}
	a := &iam.AuditEvent{ID: id, OrgID: orgID, Time: now, ActorType: iam.ActorSystem,
		Action: ev.action, TargetType: ev.targetType, TargetID: ev.targetID}
	p := iam.PrincipalFrom(ctx)
	if len(actor) > 0 {
		p = actor[0]
	}
	if p != nil {
		a.ActorType, a.ActorID = string(p.Kind), p.ID
	}
	req := iam.RequestFrom(ctx)
	a.SourceIP, a.UserAgent, a.Surface = req.IP, req.UserAgent, req.Surface
	if a.Surface == "" {
		a.Surface = "native"
	}
	if ev.changes != nil {
		if a.Changes, err = json.Marshal(ev.changes); err != nil {
			return iam.Wrap(err, "cannot encode audit changes")
		}
	}
	return q.AppendAudit(ctx, a)
}
