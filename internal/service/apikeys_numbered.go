package service

import (
	"context"

	"github.com/wardenhq/warden/internal/iam"
)

// AuthenticateNumbered turns an API key presented as Argus writes it — the
// owner's user number, the key's number and the key's secret — into the
// principal it stands for. The key is then checked exactly as a wdn_ key is
// (secret, revocation, expiry, source address, disabled owner): the numbers
// only say which key is meant.
func (s *APIKeys) AuthenticateNumbered(ctx context.Context, userNumber, keyNumber int64, secret string) (*iam.Principal, error) {
	if userNumber <= 0 || keyNumber <= 0 || secret == "" {
		return nil, errBadAPIKey
	}
	id, err := s.env.Store.FindUserAPIKeyID(ctx, userNumber, keyNumber)
	if iam.IsKind(err, iam.NotFound) {
		return nil, errBadAPIKey
	}
	if err != nil {
		return nil, err
	}
	return s.authenticate(ctx, KeyPrefix(id)+"_"+secret)
}
