package sqlstore

// Placeholders for the credential queries while they are being written;
// each moves to its own file as it is implemented. This file must be gone
// before the work lands.

import (
	"context"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

var errTODO = iam.E(iam.Internal, "unimplemented", "not implemented yet")

func (q *queries) CreateServiceAccount(ctx context.Context, sa *iam.ServiceAccount) error {
	return errTODO
}

func (q *queries) GetServiceAccount(ctx context.Context, orgID, id iam.ID) (*iam.ServiceAccount, error) {
	return nil, errTODO
}

func (q *queries) UpdateServiceAccount(ctx context.Context, sa *iam.ServiceAccount) error {
	return errTODO
}

func (q *queries) DeleteServiceAccount(ctx context.Context, orgID, id iam.ID) error { return errTODO }

func (q *queries) ListServiceAccounts(ctx context.Context, orgID iam.ID, p iam.Page) ([]*iam.ServiceAccount, error) {
	return nil, errTODO
}

func (q *queries) CreateAPIKey(ctx context.Context, k *iam.APIKey) error { return errTODO }

func (q *queries) GetAPIKey(ctx context.Context, orgID, id iam.ID) (*iam.APIKey, error) {
	return nil, errTODO
}

func (q *queries) FindAPIKey(ctx context.Context, id iam.ID) (*iam.APIKey, error) {
	return nil, errTODO
}

func (q *queries) ListAPIKeys(ctx context.Context, orgID, principalID iam.ID) ([]*iam.APIKey, error) {
	return nil, errTODO
}

func (q *queries) RenewAPIKey(ctx context.Context, orgID, id iam.ID, expiresAt *time.Time) error {
	return errTODO
}

func (q *queries) RevokeAPIKey(ctx context.Context, orgID, id iam.ID, at time.Time) error {
	return errTODO
}

func (q *queries) TouchAPIKey(ctx context.Context, orgID, id iam.ID, at time.Time, from string) error {
	return errTODO
}

func (q *queries) CreateOAuthClient(ctx context.Context, c *iam.OAuthClient) error { return errTODO }

func (q *queries) FindOAuthClient(ctx context.Context, id iam.ID) (*iam.OAuthClient, error) {
	return nil, errTODO
}

func (q *queries) ListOAuthClients(ctx context.Context, orgID, serviceAccountID iam.ID) ([]*iam.OAuthClient, error) {
	return nil, errTODO
}

func (q *queries) RevokeOAuthClient(ctx context.Context, orgID, id iam.ID, at time.Time) error {
	return errTODO
}

func (q *queries) CreateGrant(ctx context.Context, g *iam.Grant) error { return errTODO }

func (q *queries) GetGrant(ctx context.Context, orgID, id iam.ID) (*iam.Grant, error) {
	return nil, errTODO
}

func (q *queries) ListGrants(ctx context.Context, orgID, principalID iam.ID) ([]*iam.Grant, error) {
	return nil, errTODO
}

func (q *queries) RevokeGrant(ctx context.Context, orgID, id iam.ID, at time.Time) error {
	return errTODO
}

func (q *queries) TouchGrant(ctx context.Context, orgID, id iam.ID, at time.Time) error {
	return errTODO
}

func (q *queries) CreateRefreshToken(ctx context.Context, t *iam.RefreshToken) error { return errTODO }

func (q *queries) FindRefreshToken(ctx context.Context, id iam.ID) (*iam.RefreshToken, error) {
	return nil, errTODO
}

func (q *queries) UseRefreshToken(ctx context.Context, orgID, id iam.ID, at time.Time) error {
	return errTODO
}

func (q *queries) PutAuthMethod(ctx context.Context, m *iam.AuthMethod) error { return errTODO }

func (q *queries) GetAuthMethod(ctx context.Context, orgID, userID iam.ID, method string) (*iam.AuthMethod, error) {
	return nil, errTODO
}

func (q *queries) ListAuthMethods(ctx context.Context, orgID, userID iam.ID) ([]*iam.AuthMethod, error) {
	return nil, errTODO
}

func (q *queries) DeleteAuthMethod(ctx context.Context, orgID, userID iam.ID, method string) error {
	return errTODO
}

func (q *queries) AdvanceAuthMethodStep(ctx context.Context, orgID, userID iam.ID, method string, step int64) (bool, error) {
	return false, errTODO
}

func (q *queries) RecordAuthMethodLogin(ctx context.Context, orgID, userID iam.ID, method string, at time.Time, ip string) error {
	return errTODO
}

func (q *queries) ReplaceRecoveryCodes(ctx context.Context, orgID, userID iam.ID, hashes [][]byte) error {
	return errTODO
}

func (q *queries) UseRecoveryCode(ctx context.Context, orgID, userID iam.ID, hash []byte, at time.Time) (bool, error) {
	return false, errTODO
}

func (q *queries) CountRecoveryCodes(ctx context.Context, orgID, userID iam.ID) (int, error) {
	return 0, errTODO
}

func (q *queries) GetPasswordPolicy(ctx context.Context, orgID iam.ID) (*iam.PasswordPolicy, error) {
	return nil, errTODO
}

func (q *queries) PutPasswordPolicy(ctx context.Context, p *iam.PasswordPolicy) error { return errTODO }

func (q *queries) SetPassword(ctx context.Context, orgID, userID iam.ID, hash string, at time.Time) error {
	return errTODO
}

func (q *queries) PasswordHistory(ctx context.Context, orgID, userID iam.ID, n int) ([]string, error) {
	return nil, errTODO
}

func (q *queries) PasswordChangedAt(ctx context.Context, orgID, userID iam.ID) (time.Time, error) {
	return time.Time{}, errTODO
}
