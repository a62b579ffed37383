package service

import (
	"context"
	"crypto/sha256"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// ClientSecretPrefix starts every OAuth client secret: wsc_<base64url>.
const ClientSecretPrefix = "wsc_"

// ServiceAccounts manages the organization's non-human principals and
// their OAuth clients. Their API keys are APIKeys'.
type ServiceAccounts struct {
	env  *Env
	keys *APIKeys
}

// ServiceAccountUpdate is the editable part of a service account.
type ServiceAccountUpdate struct {
	Name        string
	Description string
	Disabled    bool
}

func checkServiceAccount(name, description string) error {
	var c checks
	c.text("name", name, true, 100)
	c.text("description", description, false, 1000)
	return c.err()
}

// Create adds a service account.
func (s *ServiceAccounts) Create(ctx context.Context, name, description string) (*iam.ServiceAccount, error) {
	p, err := s.env.authorize(ctx, authz.ServiceAccountsCreate, orgLevel)
	if err != nil {
		return nil, err
	}
	if err := checkServiceAccount(name, description); err != nil {
		return nil, err
	}
	now := s.env.now()
	id, err := s.env.newID(now)
	if err != nil {
		return nil, err
	}
	sa := &iam.ServiceAccount{ID: id, OrgID: p.OrgID, Name: name, Description: description, CreatedAt: now, UpdatedAt: now}
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.CreateServiceAccount(ctx, sa); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"service_account.created", "service_account", id.String(),
			map[string]any{"name": name, "description": description}})
	})
	if err != nil {
		return nil, err
	}
	return sa, nil
}

// Get returns a service account of the caller's organization.
func (s *ServiceAccounts) Get(ctx context.Context, id iam.ID) (*iam.ServiceAccount, error) {
	p, err := s.env.authorize(ctx, authz.ServiceAccountsRead, orgLevel)
	if err != nil {
		return nil, err
	}
	return s.env.Store.GetServiceAccount(ctx, p.OrgID, id)
}

// List returns a keyset page of service accounts.
func (s *ServiceAccounts) List(ctx context.Context, page iam.Page) ([]*iam.ServiceAccount, error) {
	p, err := s.env.authorize(ctx, authz.ServiceAccountsRead, orgLevel)
	if err != nil {
		return nil, err
	}
	return s.env.Store.ListServiceAccounts(ctx, p.OrgID, page)
}

// Update applies edit to a service account. Disabling one refuses its
// keys at once on this node.
func (s *ServiceAccounts) Update(ctx context.Context, id iam.ID, edit func(*ServiceAccountUpdate) error) (*iam.ServiceAccount, error) {
	p, err := s.env.authorize(ctx, authz.ServiceAccountsUpdate, orgLevel)
	if err != nil {
		return nil, err
	}
	var out *iam.ServiceAccount
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		sa, err := q.GetServiceAccount(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		out = sa
		before := ServiceAccountUpdate{Name: sa.Name, Description: sa.Description, Disabled: sa.Disabled}
		doc := before
		if err := edit(&doc); err != nil {
			return err
		}
		if err := checkServiceAccount(doc.Name, doc.Description); err != nil {
			return err
		}
		if doc == before {
			return nil
		}
		changes := map[string]any{}
		if doc.Name != before.Name {
			changes["name"] = map[string]any{"from": before.Name, "to": doc.Name}
		}
		if doc.Description != before.Description {
			changes["description"] = map[string]any{"from": before.Description, "to": doc.Description}
		}
		if doc.Disabled != before.Disabled {
			changes["disabled"] = map[string]any{"from": before.Disabled, "to": doc.Disabled}
		}
		now := s.env.now()
		sa.Name, sa.Description, sa.Disabled, sa.UpdatedAt = doc.Name, doc.Description, doc.Disabled, now
		if err := q.UpdateServiceAccount(ctx, sa); err != nil {
			return err
		}
		if err := q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidatePrincipal, OrgID: p.OrgID, ID: id}); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"service_account.updated", "service_account", id.String(), changes})
	})
	if err != nil {
		return nil, err
	}
	s.keys.cache.forgetOwner(id)
	return out, nil
}

// Delete removes a service account with its keys, clients, grants,
// memberships and bindings.
func (s *ServiceAccounts) Delete(ctx context.Context, id iam.ID) error {
	p, err := s.env.authorize(ctx, authz.ServiceAccountsDelete, orgLevel)
	if err != nil {
		return err
	}
	now := s.env.now()
	err = s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		sa, err := q.GetServiceAccount(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := q.DeleteServiceAccount(ctx, p.OrgID, id); err != nil {
			return err
		}
		if err := q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidatePrincipal, OrgID: p.OrgID, ID: id}); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"service_account.deleted", "service_account", id.String(),
			map[string]any{"name": sa.Name}})
	})
	if err != nil {
		return err
	}
	s.keys.cache.forgetOwner(id)
	return nil
}

// MintedClient is a new OAuth client with its secret, shown once.
type MintedClient struct {
	Client *iam.OAuthClient
	Secret string
}

// CreateClient adds an OAuth client (client_credentials) to a service
// account. Like an API key, it is a credential of the account: minting one
// needs the right to act as the account, and never an API key.
func (s *ServiceAccounts) CreateClient(ctx context.Context, saID iam.ID, name string) (*MintedClient, error) {
	if p := iam.PrincipalFrom(ctx); p != nil && p.Credential == "api_key" {
		return nil, errKeyCannotMint
	}
	p, err := s.env.authorize(ctx, authz.ServiceAccountsUpdate, orgLevel)
	if err != nil {
		return nil, err
	}
	if _, err := s.env.Store.GetServiceAccount(ctx, p.OrgID, saID); err != nil {
		return nil, err
	}
	if err := authorizeActAs(ctx, s.env, p, KeyOwner{Kind: iam.KindServiceAccount, ID: saID}); err != nil {
		return nil, err
	}
	var c checks
	c.text("name", name, true, 100)
	if err := c.err(); err != nil {
		return nil, err
	}
	now := s.env.now()
	id, err := s.env.newID(now)
	if err != nil {
		return nil, err
	}
	token, err := authn.RandomToken(s.env.Rand, 32)
	if err != nil {
		return nil, iam.Wrap(err, "cannot generate a client secret")
	}
	secret := ClientSecretPrefix + token
	sum := sha256.Sum256([]byte(secret))
	cl := &iam.OAuthClient{ID: id, OrgID: p.OrgID, ServiceAccountID: saID, Name: name, SecretHash: sum[:], CreatedAt: now}
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.CreateOAuthClient(ctx, cl); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"oauth_client.created", "oauth_client", id.String(),
			map[string]any{"service_account_id": saID, "name": name}})
	})
	if err != nil {
		return nil, err
	}
	return &MintedClient{Client: cl, Secret: secret}, nil
}

// Clients lists a service account's OAuth clients.
func (s *ServiceAccounts) Clients(ctx context.Context, saID iam.ID) ([]*iam.OAuthClient, error) {
	p, err := s.env.authorize(ctx, authz.ServiceAccountsRead, orgLevel)
	if err != nil {
		return nil, err
	}
	if _, err := s.env.Store.GetServiceAccount(ctx, p.OrgID, saID); err != nil {
		return nil, err
	}
	return s.env.Store.ListOAuthClients(ctx, p.OrgID, saID)
}

// RevokeClient revokes a service account's OAuth client.
func (s *ServiceAccounts) RevokeClient(ctx context.Context, saID, clientID iam.ID) error {
	p, err := s.env.authorize(ctx, authz.ServiceAccountsUpdate, orgLevel)
	if err != nil {
		return err
	}
	now := s.env.now()
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		if _, err := q.GetServiceAccount(ctx, p.OrgID, saID); err != nil {
			return err
		}
		cl, err := q.FindOAuthClient(ctx, clientID)
		if err != nil {
			return err
		}
		if cl.OrgID != p.OrgID || cl.ServiceAccountID != saID || cl.RevokedAt != nil {
			return iam.ErrNotFound("OAuth client")
		}
		if err := q.RevokeOAuthClient(ctx, p.OrgID, clientID, now); err != nil {
			return err
		}
		if err := q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidateClient, OrgID: p.OrgID, ID: clientID}); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"oauth_client.revoked", "oauth_client", clientID.String(),
			map[string]any{"service_account_id": saID, "name": cl.Name}})
	})
	if err == nil {
		s.env.clientRevoked(clientID) // its access tokens die at once on this node
	}
	return err
}
