package service

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// Authentication methods a user may have.
const (
	MethodPassword     = "password"
	MethodTOTP         = "totp"
	MethodRecoveryCode = "recovery_code" // a second factor, part of TOTP
)

const (
	mfaTokenTTL       = 5 * time.Minute
	recoveryCodeCount = 10
)

// MFA manages users' authentication methods: TOTP enrolment, enabling and
// disabling methods, and recovery codes. Users manage their own; others
// need mfa.manage.
type MFA struct {
	env    *Env
	sealer *authn.Sealer
	issuer string
	sms    *SMS // set by New: SMS codes (sms.go)
}

// AuthMethod is the public view of an authentication method: never its
// secret.
type AuthMethod struct {
	Method      string
	Initialized bool
	Enabled     bool
	LastLoginAt *time.Time
	LastLoginIP string
	Settings    json.RawMessage
}

// Methods lists a user's authentication methods: always password, totp
// and sms.
func (m *MFA) Methods(ctx context.Context, userID iam.ID) ([]AuthMethod, error) {
	p, err := m.env.authorizeSelfOr(ctx, authz.MFAManage, userID)
	if err != nil {
		return nil, err
	}
	if _, err := m.env.Store.GetUser(ctx, p.OrgID, userID); err != nil {
		return nil, err
	}
	return methodsOf(ctx, m.env.Store, p.OrgID, userID)
}

// methodsOf reads the state of a user's password and TOTP methods.
func methodsOf(ctx context.Context, q iam.Queries, orgID, userID iam.ID) ([]AuthMethod, error) {
	stored, err := q.ListAuthMethods(ctx, orgID, userID)
	if err != nil {
		return nil, err
	}
	_, err = q.GetPasswordHash(ctx, orgID, userID)
	hasPassword := err == nil
	if err != nil && !iam.IsKind(err, iam.NotFound) {
		return nil, err
	}
	out := []AuthMethod{
		{Method: MethodPassword, Initialized: hasPassword, Enabled: hasPassword, Settings: json.RawMessage("{}")},
		{Method: MethodTOTP, Settings: json.RawMessage("{}")},
		{Method: MethodSMS, Settings: json.RawMessage("{}")},
	}
	for _, sm := range stored {
		i := slices.IndexFunc(out, func(a AuthMethod) bool { return a.Method == sm.Method })
		if i < 0 {
			continue // a method this API does not manage
		}
		a := &out[i]
		a.LastLoginAt, a.LastLoginIP = sm.LastLoginAt, sm.LastLoginIP
		if len(sm.Settings) > 0 {
			a.Settings = sm.Settings
		}
		if sm.Method == MethodSMS {
			a.Settings = maskSMSSettings(sm.Settings) // the phone, masked
		}
		if sm.Method == MethodPassword {
			a.Enabled = hasPassword && sm.Enabled
		} else {
			a.Initialized, a.Enabled = sm.Initialized, sm.Initialized && sm.Enabled
		}
	}
	return out, nil
}

var errUnknownMethod = iam.InvalidFields(iam.FieldError{Field: "method", Message: "must be password, totp or sms"})

// Enable turns a method on. A password must have been set, and TOTP
// verified once with a code, before they can be enabled.
func (m *MFA) Enable(ctx context.Context, userID iam.ID, method string) error {
	return m.setEnabled(ctx, userID, method, true)
}

// Disable turns a method off; the last enabled method cannot be.
func (m *MFA) Disable(ctx context.Context, userID iam.ID, method string) error {
	return m.setEnabled(ctx, userID, method, false)
}

func (m *MFA) setEnabled(ctx context.Context, userID iam.ID, method string, on bool) error {
	if method != MethodPassword && method != MethodTOTP && method != MethodSMS {
		return errUnknownMethod
	}
	p, err := m.env.authorizeSelfOr(ctx, authz.MFAManage, userID)
	if err != nil {
		return err
	}
	now := m.env.now()
	return m.env.Store.Tx(ctx, func(q iam.Queries) error {
		if _, err := q.GetUser(ctx, p.OrgID, userID); err != nil {
			return err
		}
		methods, err := methodsOf(ctx, q, p.OrgID, userID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(methods, func(a AuthMethod) bool { return a.Method == method })
		cur := methods[i]
		if cur.Enabled == on {
			return nil
		}
		stored, err := q.GetAuthMethod(ctx, p.OrgID, userID, method)
		if iam.IsKind(err, iam.NotFound) {
			stored = &iam.AuthMethod{OrgID: p.OrgID, UserID: userID, Method: method, Initialized: cur.Initialized,
				Settings: json.RawMessage("{}")}
		} else if err != nil {
			return err
		}
		if on {
			switch {
			case !cur.Initialized && method == MethodPassword:
				return iam.E(iam.FailedPrecondition, "method_not_initialized", "this user has no password; set one first")
			case method == MethodTOTP && (!cur.Initialized || stored.LastStep == 0):
				return iam.E(iam.FailedPrecondition, "method_not_initialized", "enrol TOTP and verify a code to enable it")
			case method == MethodSMS && !cur.Initialized:
				return iam.E(iam.FailedPrecondition, "method_not_initialized", "enrol a phone and verify a code to enable SMS")
			}
		} else {
			enabled := 0
			for _, a := range methods {
				if a.Enabled {
					enabled++
				}
			}
			if enabled <= 1 {
				return iam.E(iam.Conflict, "last_method", "this is the user's last enabled authentication method")
			}
		}
		stored.Enabled, stored.UpdatedAt = on, now
		if err := q.PutAuthMethod(ctx, stored); err != nil {
			return err
		}
		action := "mfa.disabled"
		if on {
			action = "mfa.enabled"
		}
		return m.env.record(ctx, q, p.OrgID, now, event{action, "user", userID.String(), map[string]any{"method": method}})
	})
}

// Enrolment is a new TOTP seed, shown once, for an authenticator app.
type Enrolment struct {
	Secret     string // base32
	OTPAuthURL string
}

// EnrollTOTP draws a new TOTP seed for a user and stores it sealed,
// initialized but not enabled: a code must be verified to enable it. A
// user whose TOTP is enabled must disable it first.
func (m *MFA) EnrollTOTP(ctx context.Context, userID iam.ID) (*Enrolment, error) {
	p, err := m.env.authorizeSelfOr(ctx, authz.MFAManage, userID)
	if err != nil {
		return nil, err
	}
	u, err := m.env.Store.GetUser(ctx, p.OrgID, userID)
	if err != nil {
		return nil, err
	}
	secret, url, err := newTOTPKey(m.issuer, loginName(u), m.env.Rand)
	if err != nil {
		return nil, err
	}
	sealed, err := m.sealer.Seal([]byte(secret), seedAAD(u.OrgID, u.ID))
	if err != nil {
		return nil, err
	}
	now := m.env.now()
	err = m.env.Store.Tx(ctx, func(q iam.Queries) error {
		cur, err := q.GetAuthMethod(ctx, p.OrgID, userID, MethodTOTP)
		switch {
		case err == nil && cur.Enabled:
			return iam.E(iam.Conflict, "totp_enabled", "TOTP is enabled; disable it before enrolling a new authenticator")
		case err != nil && !iam.IsKind(err, iam.NotFound):
			return err
		}
		if err := q.PutAuthMethod(ctx, &iam.AuthMethod{OrgID: p.OrgID, UserID: userID, Method: MethodTOTP,
			Initialized: true, Secret: sealed, Settings: json.RawMessage("{}"), UpdatedAt: now}); err != nil {
			return err
		}
		return m.env.record(ctx, q, p.OrgID, now, event{"mfa.enrolled", "user", userID.String(), map[string]any{"method": MethodTOTP}})
	})
	if err != nil {
		return nil, err
	}
	return &Enrolment{Secret: secret, OTPAuthURL: url}, nil
}

// seedAAD binds a sealed seed to its user.
func seedAAD(orgID, userID iam.ID) []byte {
	return []byte("totp:" + orgID.String() + ":" + userID.String())
}

var errInvalidMFACode = iam.E(iam.Unauthenticated, "invalid_mfa_code", "the code is wrong or was used already")

// VerifyTOTP checks a code of the enrolled seed. The first good code
// enables TOTP and returns the recovery codes, shown this once; later
// calls only confirm the code. A code is good once.
func (m *MFA) VerifyTOTP(ctx context.Context, userID iam.ID, code string) (enabledNow bool, recovery []string, err error) {
	p, err := m.env.authorizeSelfOr(ctx, authz.MFAManage, userID)
	if err != nil {
		return false, nil, err
	}
	if strings.TrimSpace(code) == "" {
		return false, nil, iam.InvalidFields(iam.FieldError{Field: "code", Message: "is required"})
	}
	if _, err := m.env.Store.GetUser(ctx, p.OrgID, userID); err != nil {
		return false, nil, err
	}
	now := m.env.now()
	var codes []string
	err = m.env.Store.Tx(ctx, func(q iam.Queries) error {
		am, err := q.GetAuthMethod(ctx, p.OrgID, userID, MethodTOTP)
		if iam.IsKind(err, iam.NotFound) || (err == nil && !am.Initialized) {
			return iam.E(iam.FailedPrecondition, "totp_not_enrolled", "enrol TOTP first")
		}
		if err != nil {
			return err
		}
		if err := m.useTOTPCode(ctx, q, am, code, now); err != nil {
			if err == errInvalidMFACode { // the caller is logged in: a bad field, not a bad credential
				return &iam.Error{Kind: iam.Invalid, Code: "invalid_mfa_code", Message: errInvalidMFACode.Message,
					Fields: []iam.FieldError{{Field: "code", Message: "is wrong or was used already"}}}
			}
			return err
		}
		if am.Enabled {
			return nil
		}
		am.Enabled, am.UpdatedAt = true, now
		if err := q.PutAuthMethod(ctx, am); err != nil {
			return err
		}
		if codes, err = m.replaceRecoveryCodes(ctx, q, p.OrgID, userID); err != nil {
			return err
		}
		if err := m.env.record(ctx, q, p.OrgID, now, event{"mfa.enabled", "user", userID.String(), map[string]any{"method": MethodTOTP}}); err != nil {
			return err
		}
		return m.env.record(ctx, q, p.OrgID, now, event{"mfa.recovery_codes_generated", "user", userID.String(), map[string]any{"count": len(codes)}})
	})
	if err != nil {
		return false, nil, err
	}
	return codes != nil, codes, nil
}

// useTOTPCode checks code against the method's seed and spends its time
// step, so that the same code (or an older one) is refused afterwards.
func (m *MFA) useTOTPCode(ctx context.Context, q iam.Queries, am *iam.AuthMethod, code string, now time.Time) error {
	seed, err := m.sealer.Open(am.Secret, seedAAD(am.OrgID, am.UserID))
	if err != nil {
		return err
	}
	step, ok := matchTOTP(string(seed), code, now)
	if !ok {
		return errInvalidMFACode
	}
	advanced, err := q.AdvanceAuthMethodStep(ctx, am.OrgID, am.UserID, MethodTOTP, step)
	if err != nil {
		return err
	}
	if !advanced {
		return errInvalidMFACode
	}
	am.LastStep = step
	return nil
}

// RegenerateRecoveryCodes replaces a user's recovery codes with new ones,
// returned this once. TOTP must be enabled.
func (m *MFA) RegenerateRecoveryCodes(ctx context.Context, userID iam.ID) ([]string, error) {
	p, err := m.env.authorizeSelfOr(ctx, authz.MFAManage, userID)
	if err != nil {
		return nil, err
	}
	if _, err := m.env.Store.GetUser(ctx, p.OrgID, userID); err != nil {
		return nil, err
	}
	now := m.env.now()
	var codes []string
	err = m.env.Store.Tx(ctx, func(q iam.Queries) error {
		am, err := q.GetAuthMethod(ctx, p.OrgID, userID, MethodTOTP)
		if iam.IsKind(err, iam.NotFound) || (err == nil && !am.Enabled) {
			return iam.E(iam.FailedPrecondition, "totp_not_enabled", "recovery codes need TOTP enabled")
		}
		if err != nil {
			return err
		}
		if codes, err = m.replaceRecoveryCodes(ctx, q, p.OrgID, userID); err != nil {
			return err
		}
		return m.env.record(ctx, q, p.OrgID, now, event{"mfa.recovery_codes_generated", "user", userID.String(), map[string]any{"count": len(codes)}})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// recoveryAlphabet is lower-case base32: no 0/1/8/9 to confuse with
// letters.
var recoveryAlphabet = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// replaceRecoveryCodes draws new codes (50 bits each, written xxxxx-xxxxx)
// and stores their hashes.
func (m *MFA) replaceRecoveryCodes(ctx context.Context, q iam.Queries, orgID, userID iam.ID) ([]string, error) {
	codes := make([]string, recoveryCodeCount)
	hashes := make([][]byte, recoveryCodeCount)
	for i := range codes {
		b := make([]byte, 7)
		if _, err := io.ReadFull(m.env.Rand, b); err != nil {
			return nil, iam.Wrap(err, "cannot read entropy")
		}
		s := recoveryAlphabet.EncodeToString(b)[:10]
		codes[i] = s[:5] + "-" + s[5:]
		hashes[i] = hashRecoveryCode(codes[i])
	}
	if err := q.ReplaceRecoveryCodes(ctx, orgID, userID, hashes); err != nil {
		return nil, err
	}
	return codes, nil
}

// hashRecoveryCode hashes a code as typed, ignoring case, spaces and dashes.
func hashRecoveryCode(code string) []byte {
	norm := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(code)))
	h := sha256.Sum256([]byte(norm))
	return h[:]
}

// mfaClaims is what an mfa_token says: this user passed the password step
// of a login under this name, until Exp.
type mfaClaims struct {
	Purpose string `json:"p"`
	Org     iam.ID `json:"o"`
	User    iam.ID `json:"u"`
	Login   string `json:"l"`
	Exp     int64  `json:"x"`
}

// mfaTokenAAD keeps an mfa_token from being any other sealed value.
var mfaTokenAAD = []byte("warden mfa_token v1")

const mfaPurpose = "login-mfa"

// mfaToken seals the claims of the second login step under the instance's
// secret key: every node can open it, no state is kept, and it is good only
// for POST /v1/login/mfa, for five minutes.
func (a *Auth) mfaToken(u *iam.User, login string, now time.Time) (string, error) {
	b, err := json.Marshal(mfaClaims{Purpose: mfaPurpose, Org: u.OrgID, User: u.ID, Login: login, Exp: now.Add(mfaTokenTTL).Unix()})
	if err != nil {
		return "", iam.Wrap(err, "cannot encode an mfa token")
	}
	sealed, err := a.mfa.sealer.Seal(b, mfaTokenAAD)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(sealed), nil
}

var errBadMFAToken = iam.E(iam.Unauthenticated, "invalid_mfa_token", "the mfa_token is not one this server issued")

func (a *Auth) openMFAToken(token string, now time.Time) (*mfaClaims, error) {
	if len(token) > 1024 {
		return nil, errBadMFAToken
	}
	sealed, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, errBadMFAToken
	}
	b, err := a.mfa.sealer.Open(sealed, mfaTokenAAD)
	if err != nil {
		return nil, errBadMFAToken
	}
	var c mfaClaims
	if err := json.Unmarshal(b, &c); err != nil || c.Purpose != mfaPurpose || c.Org.IsZero() || c.User.IsZero() {
		return nil, errBadMFAToken
	}
	if now.Unix() >= c.Exp {
		return nil, iam.E(iam.Unauthenticated, "mfa_token_expired", "the mfa_token has expired; log in again")
	}
	return &c, nil
}

// secondStep looks at u's stored methods after a good password: a
// disabled password method refuses the login, and an enabled TOTP method
// answers mfa_required with a token for the second step.
func (a *Auth) secondStep(ctx context.Context, u *iam.User, login string, now time.Time) error {
	methods, err := a.env.Store.ListAuthMethods(ctx, u.OrgID, u.ID)
	if err != nil {
		return err
	}
	for _, am := range methods {
		if am.Method == MethodPassword && !am.Enabled {
			return iam.E(iam.Unauthenticated, "method_disabled", "password login is disabled for this account")
		}
	}
	var offered []string
	for _, want := range []string{MethodTOTP, MethodSMS} {
		i := slices.IndexFunc(methods, func(am *iam.AuthMethod) bool { return am.Method == want && am.Initialized && am.Enabled })
		switch {
		case i < 0:
		case want == MethodTOTP:
			offered = append(offered, MethodTOTP, MethodRecoveryCode)
		default:
			offered = append(offered, want)
		}
	}
	if len(offered) == 0 {
		return nil
	}
	token, err := a.mfaToken(u, login, now)
	if err != nil {
		return err
	}
	return &iam.Error{Kind: iam.Unauthenticated, Code: "mfa_required",
		Message: "this account needs a second factor: send a code to /v1/login/mfa with the mfa_token",
		Extra:   map[string]any{"mfa_token": token, "methods": offered}}
}

// LoginMFA is the input of Auth.LoginMFA.
type LoginMFA struct {
	Token  string
	Method string // totp, recovery_code or sms
	Code   string
}

// LoginMFA completes a login that answered mfa_required, with a TOTP code
// or a recovery code, and opens the session. Failures count against the
// login name and address like wrong passwords.
func (a *Auth) LoginMFA(ctx context.Context, in LoginMFA) (*Session, error) {
	var c checks
	if in.Token == "" {
		c.add("mfa_token", "is required")
	}
	if in.Method != MethodTOTP && in.Method != MethodRecoveryCode && in.Method != MethodSMS {
		c.add("method", "must be totp, recovery_code or sms")
	}
	if strings.TrimSpace(in.Code) == "" {
		c.add("code", "is required")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	now := a.env.now()
	claims, err := a.openMFAToken(in.Token, now)
	if err != nil {
		return nil, err
	}
	ip := iam.RequestFrom(ctx).IP
	if err := a.checkThrottle(ctx, claims.Login, ip, now); err != nil {
		return nil, err
	}
	u, err := a.env.Store.GetUser(ctx, claims.Org, claims.User)
	if iam.IsKind(err, iam.NotFound) {
		return nil, errBadMFAToken
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, iam.E(iam.Unauthenticated, "account_disabled", "this account is disabled")
	}
	if in.Method == MethodSMS {
		err = a.mfa.sms.useLoginCode(ctx, u, in.Code, now) // sms.go
	} else {
		err = a.loginTOTP(ctx, u, in, now)
	}
	if iam.CodeOf(err) == errInvalidMFACode.Code {
		return nil, a.loginFailed(ctx, claims.Login, u.OrgID, "invalid_mfa_code", now, err)
	}
	if err != nil {
		return nil, err
	}
	a.throttle.succeed(ctx, claims.Login)
	used := MethodTOTP
	if in.Method == MethodSMS {
		used = MethodSMS
	}
	a.recordMethodUse(ctx, u, used)
	u.Roles = orgRoles(u.Roles)
	return a.openSession(ctx, u, in.Method)
}

// loginTOTP checks the second step with a TOTP or recovery code.
func (a *Auth) loginTOTP(ctx context.Context, u *iam.User, in LoginMFA, now time.Time) error {
	return a.env.Store.Tx(ctx, func(q iam.Queries) error {
		am, err := q.GetAuthMethod(ctx, u.OrgID, u.ID, MethodTOTP)
		if iam.IsKind(err, iam.NotFound) || (err == nil && !am.Enabled) {
			return errBadMFAToken // TOTP was turned off since: log in again
		}
		if err != nil {
			return err
		}
		if in.Method == MethodTOTP {
			return a.mfa.useTOTPCode(ctx, q, am, in.Code, now)
		}
		ok, err := q.UseRecoveryCode(ctx, u.OrgID, u.ID, hashRecoveryCode(in.Code), now)
		if err != nil {
			return err
		}
		if !ok {
			return errInvalidMFACode
		}
		return nil
	})
}

// recordMethodUse stores the last successful use of a method. It only
// informs: failure costs the record, not the login.
func (a *Auth) recordMethodUse(ctx context.Context, u *iam.User, method string) {
	now := a.env.now()
	ip := iam.RequestFrom(ctx).IP
	err := a.env.Store.RecordAuthMethodLogin(ctx, u.OrgID, u.ID, method, now, ip)
	if iam.IsKind(err, iam.NotFound) {
		err = a.env.Store.PutAuthMethod(ctx, &iam.AuthMethod{OrgID: u.OrgID, UserID: u.ID, Method: method,
			Initialized: true, Enabled: true, Settings: json.RawMessage("{}"), LastLoginAt: &now, LastLoginIP: ip, UpdatedAt: now})
	}
	if err != nil {
		a.env.Log.WarnContext(ctx, "cannot record an authentication method's use", "user", u.ID, "method", method, "err", err)
	}
}
