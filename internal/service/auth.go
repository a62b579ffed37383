package service

import (
	"context"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// maxLoginCandidates bounds how many users one login name may match across
// organizations before the caller must name the organization.
const maxLoginCandidates = 5

var errBadCredentials = iam.E(iam.Unauthenticated, "invalid_credentials", "the login or the password is wrong")

// Auth signs people up, logs them in and out, and turns tokens into
// principals.
type Auth struct {
	env       *Env
	cfg       Config
	hasher    *authn.Hasher
	keys      *Keys
	users     *Users
	sessions  *sessionCache
	mfa       *MFA           // set by New: the second step of logins
	throttle  *loginThrottle // set by New: failed-login lockout
	passwords *Passwords     // set by New: expired passwords are changed at login
}

func newAuth(env *Env, cfg Config, hasher *authn.Hasher, keys *Keys, users *Users) *Auth {
	return &Auth{env: env, cfg: cfg, hasher: hasher, keys: keys, users: users, sessions: newSessionCache()}
}

// Signup is the input of Auth.Signup.
type Signup struct {
	Email    string
	Password string
	FullName string
	OrgName  string
}

// Signup creates an organization and its first administrator. On a new
// instance the first signup also makes that user an instance administrator;
// afterwards signup is closed unless the server runs with open signup.
func (a *Auth) Signup(ctx context.Context, in Signup) (orgID, userID iam.ID, err error) {
	var c checks
	c.text("org_name", in.OrgName, true, 100)
	c.text("full_name", in.FullName, false, 200)
	c.email("email", in.Email)
	if in.Password == "" {
		c.add("password", "is required")
	} else {
		c.password(a.cfg.PasswordPolicy, in.Password, passwordContext(in.Email, "")...)
	}
	if err := c.err(); err != nil {
		return iam.NilID, iam.NilID, err
	}
	n, err := a.env.Store.CountUsers(ctx)
	if err != nil {
		return iam.NilID, iam.NilID, err
	}
	if n > 0 && !a.cfg.OpenSignup {
		return iam.NilID, iam.NilID, errSignupClosed
	}
	now := a.env.now()
	org, err := newOrg(a.env, in.OrgName, now)
	if err != nil {
		return iam.NilID, iam.NilID, err
	}
	u, hash, err := a.users.prepare(ctx, org.ID, NewUser{Email: in.Email, FullName: in.FullName,
		Password: in.Password, Roles: []string{authz.RoleAdmin}}, now)
	if err != nil {
		return iam.NilID, iam.NilID, err
	}
	u.InstanceAdmin = n == 0
	self := &iam.Principal{Kind: iam.KindUser, ID: u.ID, OrgID: org.ID}
	err = a.env.access.tx(ctx, org.ID, func(q iam.Queries) error {
		// Checked again inside the transaction: two first signups racing
		// must not both become instance administrators.
		if n == 0 {
			m, err := q.CountUsers(ctx)
			if err != nil {
				return err
			}
			if m > 0 && !a.cfg.OpenSignup {
				return errSignupClosed
			}
			u.InstanceAdmin = m == 0
		}
		if err := q.CreateOrg(ctx, org); err != nil {
			return err
		}
		if err := a.env.record(ctx, q, org.ID, now, event{"org.created", "org", org.ID.String(), map[string]any{"name": org.Name}}, self); err != nil {
			return err
		}
		return a.users.insert(ctx, q, u, hash, now, self)
	})
	if err != nil {
		return iam.NilID, iam.NilID, err
	}
	return org.ID, u.ID, nil
}

var errSignupClosed = iam.E(iam.Conflict, "signup_closed", "signup is closed on this instance; ask an administrator for an account")

// Login is the input of Auth.Login. OrgID is needed only when the login
// name exists in several organizations.
type Login struct {
	Login    string
	Password string
	OrgID    iam.ID
	// NewPassword replaces an expired password in the same call (as
	// Keycloak's "update password" step at login).
	NewPassword string
}

// Session is a logged-in session and its token.
type Session struct {
	User      *iam.User
	Session   *iam.Session
	Token     string
	ExpiresAt time.Time
}

// Login checks a password and opens a session. Unknown users and wrong
// passwords get the same answer after the same work.
func (a *Auth) Login(ctx context.Context, in Login) (*Session, error) {
	login := strings.TrimSpace(in.Login)
	var c checks
	if login == "" {
		c.add("login", "is required")
	}
	if in.Password == "" {
		c.add("password", "is required")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	u, err := a.verifyLogin(ctx, login, in.Password, in.OrgID)
	if iam.CodeOf(err) == errPasswordExpired.Code && in.NewPassword != "" && u != nil {
		self := iam.WithPrincipal(ctx, &iam.Principal{Kind: iam.KindUser, ID: u.ID, OrgID: u.OrgID})
		err = a.passwords.Change(self, u.ID, PasswordChange{Current: in.Password, New: in.NewPassword, Confirm: in.NewPassword})
		if err == nil {
			u, err = a.verifyLogin(ctx, login, in.NewPassword, u.OrgID)
		}
	}
	if err != nil {
		return nil, err
	}
	a.recordMethodUse(ctx, u, MethodPassword)
	u.Roles = orgRoles(u.Roles)
	return a.openSession(ctx, u, "password")
}

// verifyLogin is the one door for password logins, whatever the surface:
// it checks the password and refuses disabled accounts and expired
// passwords (returning the user with errPasswordExpired, for Login).
func (a *Auth) verifyLogin(ctx context.Context, login, password string, orgID iam.ID) (*iam.User, error) {
	// Throttling first: while locked, no password is even checked, and
	// unknown names lock exactly like known ones (see loginThrottle).
	now := a.env.now()
	if err := a.checkThrottle(ctx, login, iam.RequestFrom(ctx).IP, now); err != nil {
		return nil, err
	}
	u, err := a.checkPassword(ctx, login, password, orgID)
	if iam.CodeOf(err) == errBadCredentials.Code {
		return nil, a.loginFailed(ctx, login, orgID, "invalid_credentials", now, err)
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, iam.E(iam.Unauthenticated, "account_disabled", "this account is disabled")
	}
	if err := a.checkPasswordAge(ctx, u, now); err != nil {
		return u, err // the password was right: Login may replace it
	}
	// A user with TOTP enabled gets mfa_required here, whatever the
	// surface: only POST /v1/login/mfa completes such a login.
	if err := a.secondStep(ctx, u, login, now); err != nil {
		return nil, err
	}
	a.throttle.succeed(ctx, login)
	return u, nil
}

// checkPassword finds the user whose password matches among the users the
// login names, spending one hash verification even when there is none.
func (a *Auth) checkPassword(ctx context.Context, login, password string, orgID iam.ID) (*iam.User, error) {
	cands, err := a.env.Store.FindUsersByLogin(ctx, login, maxLoginCandidates+1)
	if err != nil {
		return nil, err
	}
	if !orgID.IsZero() {
		cands = filterOrg(cands, orgID)
	}
	if len(cands) > maxLoginCandidates {
		return nil, iam.E(iam.Invalid, "org_required", "this login exists in several organizations; name the organization with org_id")
	}
	verified := false
	for _, u := range cands {
		hash, err := a.env.Store.GetPasswordHash(ctx, u.OrgID, u.ID)
		if iam.IsKind(err, iam.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		ok, rehash, err := a.hasher.Verify(ctx, hash, password)
		verified = true
		if err != nil {
			return nil, err
		}
		if ok {
			if rehash {
				a.upgradeHash(ctx, u, password)
			}
			return u, nil
		}
	}
	if !verified {
		a.hasher.DummyVerify(ctx, password)
	}
	return nil, errBadCredentials
}

// upgradeHash rehashes a password stored with old parameters or an imported
// scheme. Failure only costs the upgrade, not the login.
func (a *Auth) upgradeHash(ctx context.Context, u *iam.User, password string) {
	hash, err := a.hasher.Hash(ctx, password)
	if err == nil {
		err = a.env.Store.SetPasswordHash(ctx, u.OrgID, u.ID, hash)
	}
	if err != nil {
		a.env.Log.Warn("password hash upgrade failed", "user", u.ID, "err", err)
	}
}

func filterOrg(users []*iam.User, orgID iam.ID) []*iam.User {
	out := users[:0]
	for _, u := range users {
		if u.OrgID == orgID {
			out = append(out, u)
		}
	}
	return out
}

// openSession records a session for u and signs its token.
func (a *Auth) openSession(ctx context.Context, u *iam.User, method string) (*Session, error) {
	now := a.env.now()
	id, err := a.env.newID(now)
	if err != nil {
		return nil, err
	}
	req := iam.RequestFrom(ctx)
	s := &iam.Session{ID: id, OrgID: u.OrgID, UserID: u.ID, Method: method, IP: req.IP, UserAgent: req.UserAgent,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(a.cfg.SessionTTL)}
	token, err := a.keys.sign(ctx, authn.Claims{Subject: u.ID, Org: u.OrgID, Session: s.ID, Issuer: a.cfg.Issuer,
		IssuedAt: now, ExpiresAt: s.ExpiresAt})
	if err != nil {
		return nil, iam.Wrap(err, "cannot sign the session token")
	}
	self := &iam.Principal{Kind: iam.KindUser, ID: u.ID, OrgID: u.OrgID}
	err = a.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.CreateSession(ctx, s); err != nil {
			return err
		}
		if err := setLastLogin(ctx, q, u.OrgID, u.ID, now); err != nil {
			return err
		}
		return a.env.record(ctx, q, u.OrgID, now, event{"session.created", "session", s.ID.String(),
			map[string]any{"user_id": u.ID, "method": method}}, self)
	})
	if err != nil {
		return nil, err
	}
	a.env.users.forget(u.ID)
	u.LastLoginAt = &now
	a.sessions.put(s, now)
	return &Session{User: u, Session: s, Token: token, ExpiresAt: s.ExpiresAt}, nil
}

// Logout revokes the caller's session: its token is refused from the next
// request on.
func (a *Auth) Logout(ctx context.Context) error {
	p := iam.PrincipalFrom(ctx)
	if p == nil {
		return errUnauthenticated
	}
	if p.SessionID.IsZero() {
		return iam.E(iam.FailedPrecondition, "no_session", "the request was not authenticated by a session")
	}
	now := a.env.now()
	err := a.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.RevokeSession(ctx, p.OrgID, p.SessionID, now); err != nil {
			return err
		}
		if err := q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidateSession, OrgID: p.OrgID, ID: p.SessionID}); err != nil {
			return err
		}
		return a.env.record(ctx, q, p.OrgID, now, event{"session.revoked", "session", p.SessionID.String(),
			map[string]any{"user_id": p.ID, "reason": "logout"}})
	})
	if err != nil {
		return err
	}
	a.sessions.revoke(p.SessionID, now)
	return nil
}

// Authenticate turns a session token into the principal it stands for.
// An authenticated request does not hash a password: it tells the hasher,
// which lends it spare CPU while logins hash.
func (a *Auth) Authenticate(ctx context.Context, token string) (*iam.Principal, error) {
	a.hasher.Contend()
	if strings.HasPrefix(token, APIKeyPrefix) {
		return a.env.apiKeys.authenticate(ctx, token)
	}
	c, err := a.keys.verify(ctx, token)
	if err != nil {
		return nil, err
	}
	if !c.Grant.IsZero() {
		return a.grantPrincipal(ctx, c) // an OAuth access token (oauth.go)
	}
	now := a.env.Now()
	s, err := a.session(ctx, c.Org, c.Session, now)
	if err != nil {
		return nil, err
	}
	if s.UserID != c.Subject {
		return nil, iam.E(iam.Unauthenticated, "invalid_token", "the token does not match its session")
	}
	u, p, err := a.sessionUser(ctx, s)
	if iam.IsKind(err, iam.NotFound) {
		return nil, iam.E(iam.Unauthenticated, "invalid_token", "the user of this token no longer exists")
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, iam.E(iam.Unauthenticated, "account_disabled", "this account is disabled")
	}
	return p, nil // shared with the session cache: see iam.Principal
}

// sessionUser returns the user of session s and the principal the session
// stands for, shared and read-only: from the session cache while the
// organization's access version is the one they were read at (any change
// to a user or its roles bumps it), else from the store.
func (a *Auth) sessionUser(ctx context.Context, s *iam.Session) (*iam.User, *iam.Principal, error) {
	v := a.env.access.version(s.OrgID) // read before loading: a change meanwhile leaves it stale, not wrong
	if u, p := a.sessions.user(s.ID, v); u != nil {
		return u, p, nil
	}
	u, err := a.env.Store.GetUser(ctx, s.OrgID, s.UserID)
	if err != nil {
		return nil, nil, err
	}
	u, p := a.sessions.putUser(s, u, v)
	return u, p, nil
}

// session returns an active session, from the cache when it is fresh.
func (a *Auth) session(ctx context.Context, orgID, id iam.ID, now time.Time) (*iam.Session, error) {
	s, fresh := a.sessions.get(id, now)
	if !fresh {
		var err error
		s, err = a.env.Store.GetSession(ctx, orgID, id)
		if iam.IsKind(err, iam.NotFound) {
			return nil, iam.E(iam.Unauthenticated, "invalid_token", "the session of this token does not exist")
		}
		if err != nil {
			return nil, err
		}
		a.sessions.put(s, now)
	}
	if s.OrgID != orgID {
		return nil, iam.E(iam.Unauthenticated, "invalid_token", "the token does not match its session")
	}
	if s.RevokedAt != nil {
		return nil, iam.E(iam.Unauthenticated, "session_revoked", "this session has been signed out")
	}
	if !now.Before(s.ExpiresAt) {
		return nil, iam.E(iam.Unauthenticated, "session_expired", "this session has expired; log in again")
	}
	if a.sessions.shouldTouch(id, now) {
		if err := a.env.Store.TouchSession(ctx, orgID, id, now.UTC().Truncate(time.Microsecond)); err != nil {
			a.env.Log.Warn("cannot record session activity", "session", id, "err", err)
		}
	}
	return s, nil
}

// WhoAmI describes the caller.
type WhoAmI struct {
	OrgID            iam.ID
	Issuer           string
	InternalUserID   iam.ID
	ServiceAccountID iam.ID
	Username         string
	FirstName        string
	LastName         string
	Email            string
	Roles            []string
}

// WhoAmI describes the calling principal: a value, as whoami is among the
// most frequent requests and its answer is usually cached already.
func (a *Auth) WhoAmI(ctx context.Context) (WhoAmI, error) {
	p := iam.PrincipalFrom(ctx)
	if p == nil {
		return WhoAmI{}, errUnauthenticated
	}
	w := WhoAmI{OrgID: p.OrgID, Issuer: a.cfg.Issuer, Roles: p.Roles}
	if p.Kind != iam.KindUser {
		w.ServiceAccountID, w.Username = p.ID, p.Name
		return w, nil
	}
	var u *iam.User
	var err error
	if !p.SessionID.IsZero() {
		u, _, err = a.sessionUser(ctx, &iam.Session{ID: p.SessionID, OrgID: p.OrgID, UserID: p.ID})
	} else {
		var d *UserDetail
		if d, err = a.env.readUser(ctx, p.OrgID, p.ID, nil); err == nil {
			u = d.User
		}
	}
	if err != nil {
		return WhoAmI{}, err
	}
	w.InternalUserID, w.Username, w.FirstName, w.LastName, w.Email = u.ID, u.Username, u.FirstName, u.LastName, u.Email
	return w, nil
}

func loginName(u *iam.User) string {
	if u.Username != "" {
		return u.Username
	}
	return u.Email
}

var errPasswordExpired = iam.E(iam.Unauthenticated, "password_expired",
	"your password has expired: log in again with new_password to choose a new one")

// checkPasswordAge refuses a password older than the organization's
// max_age_days. Passwords never chosen through Warden (imported hashes)
// have no age, so they do not expire.
func (a *Auth) checkPasswordAge(ctx context.Context, u *iam.User, now time.Time) error {
	pol, err := orgPasswordPolicy(ctx, a.env.Store, u.OrgID, a.passwords.defaults)
	if err != nil || pol.MaxAgeDays == 0 {
		return err
	}
	changed, err := a.env.Store.PasswordChangedAt(ctx, u.OrgID, u.ID)
	if iam.IsKind(err, iam.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if now.Sub(changed) >= time.Duration(pol.MaxAgeDays)*24*time.Hour {
		return errPasswordExpired
	}
	return nil
}
