package service

import (
	"crypto/subtle"
	"io"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"github.com/wardenhq/warden/internal/iam"
)

// TOTP parameters (RFC 6238): what every authenticator app assumes.
const (
	totpPeriod     = 30 // seconds per time step
	totpSkew       = 1  // steps accepted either side of now
	totpSecretSize = 20 // bytes of seed: 160 bits, as RFC 4226 recommends
)

var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// newTOTPKey draws a new seed from rand and describes it for an
// authenticator app: the base32 secret and its otpauth:// URL.
func newTOTPKey(issuer, account string, rand io.Reader) (secret, url string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod,
		SecretSize: totpSecretSize, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, Rand: rand})
	if err != nil {
		return "", "", iam.Wrap(err, "cannot generate a TOTP seed")
	}
	return key.Secret(), key.URL(), nil
}

// totpStep is the RFC 6238 time step of t.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// matchTOTP checks code against secret at now, within the skew, and returns
// the time step it belongs to (so the caller can refuse it the second time)
// and whether it matched. Every candidate step is computed and compared in
// constant time.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	code = strings.TrimSpace(code)
	if len(code) != totpOpts.Digits.Length() {
		return 0, false
	}
	cur := totpStep(now)
	var matched int64
	ok := false
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		step := cur + d
		if step < 0 {
			continue
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(step), totpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && !ok {
			matched, ok = step, true
		}
	}
	return matched, ok
}
