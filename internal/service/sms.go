package service

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/sms"
)

// MethodSMS is a second factor: a code sent by SMS to the user's phone.
const MethodSMS = "sms"

const (
	smsCodeTTL      = 5 * time.Minute  // a code is good this long
	smsMaxAttempts  = 5                // tries at one code, the right one included
	smsResendAfter  = 30 * time.Second // the least time between two codes of one purpose
	smsSuffixLength = 6
	smsCodeDigits   = 6
)

// SMS enrols phones as a second factor and sends, checks and (for the
// helpdesk) reveals one-time codes. Codes are stored sealed, never plain,
// and named to people by a random token suffix; the code's ID stays
// internal.
type SMS struct {
	env    *Env
	mfa    *MFA
	sender sms.Sender
	issuer string
}

// smsSettings are the stored settings of the sms method; GET auth-methods
// shows the phone masked (maskSMSSettings).
type smsSettings struct {
	Phone string `json:"phone"`
}

// maskSMSSettings is the public view of stored sms settings.
func maskSMSSettings(raw json.RawMessage) json.RawMessage {
	var st smsSettings
	if err := json.Unmarshal(raw, &st); err != nil || st.Phone == "" {
		return json.RawMessage("{}")
	}
	b, _ := json.Marshal(smsSettings{Phone: sms.MaskPhone(st.Phone)})
	return b
}

// EnrollSMS stores phone as the user's SMS method, not enabled yet, and
// sends a code to it; VerifySMS with that code enables the method. It
// returns the token suffix of the code. A user whose SMS method is enabled
// must disable it first.
func (s *SMS) EnrollSMS(ctx context.Context, userID iam.ID, phone string) (string, error) {
	p, err := s.env.authorizeSelfOr(ctx, authz.MFAManage, userID)
	if err != nil {
		return "", err
	}
	phone = strings.TrimSpace(phone)
	if !sms.ValidPhone(phone) {
		return "", iam.InvalidFields(iam.FieldError{Field: "phone", Message: "must be an E.164 number such as +4712345678"})
	}
	u, err := s.env.Store.GetUser(ctx, p.OrgID, userID)
	if err != nil {
		return "", err
	}
	now := s.env.now()
	settings, err := json.Marshal(smsSettings{Phone: phone})
	if err != nil {
		return "", iam.Wrap(err, "cannot encode SMS settings")
	}
	var out *pendingSMS
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		cur, err := q.GetAuthMethod(ctx, p.OrgID, userID, MethodSMS)
		switch {
		case err == nil && cur.Enabled:
			return iam.E(iam.Conflict, "sms_enabled", "SMS is enabled; disable it before enrolling another phone")
		case err != nil && !iam.IsKind(err, iam.NotFound):
			return err
		}
		am := &iam.AuthMethod{OrgID: p.OrgID, UserID: userID, Method: MethodSMS, Settings: settings, UpdatedAt: now}
		if cur != nil {
			am.LastLoginAt, am.LastLoginIP = cur.LastLoginAt, cur.LastLoginIP
		}
		if err := q.PutAuthMethod(ctx, am); err != nil {
			return err
		}
		if err := s.env.record(ctx, q, p.OrgID, now, event{"mfa.enrolled", "user", userID.String(),
			map[string]any{"method": MethodSMS, "phone": sms.MaskPhone(phone)}}); err != nil {
			return err
		}
		out, err = s.issue(ctx, q, u, iam.SMSEnrol, phone, now)
		return err
	})
	if err != nil {
		return "", err
	}
	if err := s.deliver(ctx, out); err != nil {
		return "", err
	}
	return out.code.TokenSuffix, nil
}

// VerifySMS checks a code sent by EnrollSMS; the right one enables the
// method. A wrong code is a bad field (the caller is logged in), and
// counts against the code's attempts.
func (s *SMS) VerifySMS(ctx context.Context, userID iam.ID, code string) error {
	p, err := s.env.authorizeSelfOr(ctx, authz.MFAManage, userID)
	if err != nil {
		return err
	}
	if strings.TrimSpace(code) == "" {
		return iam.InvalidFields(iam.FieldError{Field: "code", Message: "is required"})
	}
	if _, err := s.env.Store.GetUser(ctx, p.OrgID, userID); err != nil {
		return err
	}
	now := s.env.now()
	wrong := false
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		am, err := q.GetAuthMethod(ctx, p.OrgID, userID, MethodSMS)
		if iam.IsKind(err, iam.NotFound) {
			return iam.E(iam.FailedPrecondition, "sms_not_enrolled", "enrol a phone number first")
		}
		if err != nil {
			return err
		}
		ok, err := s.check(ctx, q, p.OrgID, userID, iam.SMSEnrol, code, now)
		if err != nil {
			return err
		}
		if !ok {
			wrong = true
			return nil // the attempt counts: commit it
		}
		am.Initialized, am.Enabled, am.UpdatedAt = true, true, now
		if err := q.PutAuthMethod(ctx, am); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"mfa.enabled", "user", userID.String(), map[string]any{"method": MethodSMS}})
	})
	if err != nil {
		return err
	}
	if wrong {
		return &iam.Error{Kind: iam.Invalid, Code: "invalid_mfa_code", Message: "the code is wrong, expired or used up; request a new one",
			Fields: []iam.FieldError{{Field: "code", Message: "is wrong, expired or used up"}}}
	}
	return nil
}

// PendingSMSCode is a code an administrator reads back.
type PendingSMSCode struct {
	Code      string
	ExpiresAt time.Time
}

// PendingCode reveals the pending code with this token suffix to an
// administrator holding mfa.manage (the helpdesk reads the code of the
// suffix the user sees on screen). Users cannot read their own: that
// would make the phone pointless. Each reading is audited.
func (s *SMS) PendingCode(ctx context.Context, userID iam.ID, suffix string) (*PendingSMSCode, error) {
	p, err := s.env.authorize(ctx, authz.MFAManage, orgLevel)
	if err != nil {
		return nil, err
	}
	if _, err := s.env.Store.GetUser(ctx, p.OrgID, userID); err != nil {
		return nil, err
	}
	suffix = strings.ToLower(suffix)
	if !validSuffix(suffix) {
		return nil, iam.ErrNotFound("SMS code")
	}
	now := s.env.now()
	var c *iam.SMSCode
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		var err error
		c, err = q.GetPendingSMSCode(ctx, p.OrgID, userID, suffix, now)
		if err != nil {
			return err
		}
		if c.Attempts >= smsMaxAttempts {
			return iam.ErrNotFound("SMS code")
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"sms.code_viewed", "user", userID.String(),
			map[string]any{"token_suffix": suffix, "purpose": c.Purpose}})
	})
	if err != nil {
		return nil, err
	}
	plain, err := s.mfa.sealer.Open(c.SealedCode, smsCodeAAD(c))
	if err != nil {
		return nil, err
	}
	return &PendingSMSCode{Code: string(plain), ExpiresAt: c.ExpiresAt}, nil
}

// SendLoginSMS sends a code for the second step of a login that answered
// mfa_required and returns its token suffix. It is throttled like the
// login itself: while the login name or the address is locked out, no
// code is sent.
func (a *Auth) SendLoginSMS(ctx context.Context, token string) (string, error) {
	if token == "" {
		return "", iam.InvalidFields(iam.FieldError{Field: "mfa_token", Message: "is required"})
	}
	now := a.env.now()
	claims, err := a.openMFAToken(token, now)
	if err != nil {
		return "", err
	}
	if err := a.checkThrottle(ctx, claims.Login, iam.RequestFrom(ctx).IP, now); err != nil {
		return "", err
	}
	u, err := a.env.Store.GetUser(ctx, claims.Org, claims.User)
	if iam.IsKind(err, iam.NotFound) {
		return "", errBadMFAToken
	}
	if err != nil {
		return "", err
	}
	if u.Disabled {
		return "", iam.E(iam.Unauthenticated, "account_disabled", "this account is disabled")
	}
	s := a.mfa.sms
	self := &iam.Principal{Kind: iam.KindUser, ID: u.ID, OrgID: u.OrgID}
	var out *pendingSMS
	err = a.env.Store.Tx(ctx, func(q iam.Queries) error {
		am, err := q.GetAuthMethod(ctx, u.OrgID, u.ID, MethodSMS)
		if iam.IsKind(err, iam.NotFound) || (err == nil && !(am.Initialized && am.Enabled)) {
			return iam.E(iam.FailedPrecondition, "sms_not_enabled", "this account has no SMS second factor")
		}
		if err != nil {
			return err
		}
		var st smsSettings
		if err := json.Unmarshal(am.Settings, &st); err != nil || !sms.ValidPhone(st.Phone) {
			return iam.Wrap(err, "the stored SMS settings hold no phone number")
		}
		out, err = s.issue(ctx, q, u, iam.SMSLogin, st.Phone, now, self)
		return err
	})
	if err != nil {
		return "", err
	}
	if err := s.deliver(ctx, out); err != nil {
		return "", err
	}
	return out.code.TokenSuffix, nil
}

// useLoginCode checks a login code; a wrong one is errInvalidMFACode, which
// LoginMFA counts as a failed login.
func (s *SMS) useLoginCode(ctx context.Context, u *iam.User, code string, now time.Time) error {
	wrong := false
	err := s.env.Store.Tx(ctx, func(q iam.Queries) error {
		am, err := q.GetAuthMethod(ctx, u.OrgID, u.ID, MethodSMS)
		if iam.IsKind(err, iam.NotFound) || (err == nil && !am.Enabled) {
			return errBadMFAToken // SMS was turned off since: log in again
		}
		if err != nil {
			return err
		}
		ok, err := s.check(ctx, q, u.OrgID, u.ID, iam.SMSLogin, code, now)
		wrong = !ok
		return err // a wrong code's attempt commits
	})
	if err != nil {
		return err
	}
	if wrong {
		return errInvalidMFACode
	}
	return nil
}

// pendingSMS is a code stored in a transaction, to send once it commits.
type pendingSMS struct {
	code  *iam.SMSCode
	plain string
	phone string
}

// issue draws a code and a token suffix for u and stores the code sealed,
// with its sms.code_sent event (never the code), inside q. A code of the
// same purpose sent less than smsResendAfter ago refuses a new one.
func (s *SMS) issue(ctx context.Context, q iam.Queries, u *iam.User, purpose, phone string, now time.Time, actor ...*iam.Principal) (*pendingSMS, error) {
	last, err := q.LatestPendingSMSCode(ctx, u.OrgID, u.ID, purpose, now)
	if err != nil && !iam.IsKind(err, iam.NotFound) {
		return nil, err
	}
	if err == nil && now.Sub(last.CreatedAt) < smsResendAfter {
		wait := smsResendAfter - now.Sub(last.CreatedAt)
		return nil, &iam.Error{Kind: iam.RateLimited, Code: "sms_too_soon",
			Message: "a code was sent moments ago; wait before asking for another", RetryAfter: wait,
			Extra: map[string]any{"retry_after": int((wait + time.Second - 1) / time.Second), "limit": 1}}
	}
	id, err := s.env.newID(now)
	if err != nil {
		return nil, err
	}
	plain, err := randomDigits(s.env.Rand, smsCodeDigits)
	if err != nil {
		return nil, err
	}
	c := &iam.SMSCode{ID: id, OrgID: u.OrgID, UserID: u.ID, Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(smsCodeTTL)}
	// A suffix is unique per user; a collision (one in a billion) draws again.
	for try := 0; ; try++ {
		if c.TokenSuffix, err = randomSuffix(s.env.Rand); err != nil {
			return nil, err
		}
		if c.SealedCode, err = s.mfa.sealer.Seal([]byte(plain), smsCodeAAD(c)); err != nil {
			return nil, err
		}
		err = q.CreateSMSCode(ctx, c)
		if !iam.IsKind(err, iam.Conflict) || try == 2 {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if err := s.env.record(ctx, q, u.OrgID, now, event{"sms.code_sent", "user", u.ID.String(),
		map[string]any{"purpose": purpose, "token_suffix": c.TokenSuffix, "to": sms.MaskPhone(phone)}}, actor...); err != nil {
		return nil, err
	}
	return &pendingSMS{code: c, plain: plain, phone: phone}, nil
}

// deliver sends a stored code. If the sender fails, the code is spent so
// that nobody can use one the user never received.
func (s *SMS) deliver(ctx context.Context, p *pendingSMS) error {
	msg := fmt.Sprintf("Your %s code is %s (ref %s). It expires in %d minutes.",
		s.issuer, p.plain, p.code.TokenSuffix, int(smsCodeTTL/time.Minute))
	err := s.sender.Send(ctx, p.phone, msg)
	if err == nil {
		return nil
	}
	s.env.Log.ErrorContext(ctx, "cannot send an SMS", "to", sms.MaskPhone(p.phone), "err", err)
	if _, uerr := s.env.Store.UseSMSCode(context.WithoutCancel(ctx), p.code.OrgID, p.code.ID, s.env.now()); uerr != nil {
		s.env.Log.WarnContext(ctx, "cannot spend an undelivered SMS code", "err", uerr)
	}
	return iam.E(iam.Unavailable, "sms_unavailable", "the SMS could not be sent; try again later")
}

// check counts an attempt at the user's newest pending code of purpose
// and, if the code matches (in constant time), spends it. It reports false
// when there is no such code, its attempts are used up, or it is wrong.
func (s *SMS) check(ctx context.Context, q iam.Queries, orgID, userID iam.ID, purpose, code string, now time.Time) (bool, error) {
	c, err := q.LatestPendingSMSCode(ctx, orgID, userID, purpose, now)
	if iam.IsKind(err, iam.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	counted, err := q.RecordSMSCodeAttempt(ctx, orgID, c.ID, smsMaxAttempts)
	if err != nil || !counted {
		return false, err
	}
	plain, err := s.mfa.sealer.Open(c.SealedCode, smsCodeAAD(c))
	if err != nil {
		return false, err
	}
	if subtle.ConstantTimeCompare(plain, []byte(strings.TrimSpace(code))) != 1 {
		return false, nil
	}
	return q.UseSMSCode(ctx, orgID, c.ID, now)
}

// smsCodeAAD binds a sealed code to its row: it cannot be moved to another
// user, organization or suffix.
func smsCodeAAD(c *iam.SMSCode) []byte {
	return []byte("sms:" + c.OrgID.String() + ":" + c.UserID.String() + ":" + c.ID.String() + ":" + c.TokenSuffix)
}

// randomDigits draws n uniform decimal digits.
func randomDigits(r io.Reader, n int) (string, error) {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
	v, err := rand.Int(r, limit)
	if err != nil {
		return "", iam.Wrap(err, "cannot read entropy")
	}
	return fmt.Sprintf("%0*d", n, v), nil
}

// randomSuffix draws a token suffix: 6 characters of lower-case base32
// (30 bits).
func randomSuffix(r io.Reader) (string, error) {
	b := make([]byte, 4)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", iam.Wrap(err, "cannot read entropy")
	}
	return recoveryAlphabet.EncodeToString(b)[:smsSuffixLength], nil
}

func validSuffix(s string) bool {
	if len(s) != smsSuffixLength {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}
