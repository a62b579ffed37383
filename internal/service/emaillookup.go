package service

import (
	"context"
	"slices"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
)

// emailKey names an exact email lookup: the organization and the address
// lower-cased, as the store compares it.
type emailKey struct {
	org   iam.ID
	email string
}

// byEmail reports whether f looks a user up by email from the start of the
// list: emails are unique within an organization, so the answer is one user
// or none.
func byEmail(f iam.UserFilter) bool { return f.Email != "" && f.Q == "" && f.After.IsZero() }

// listByEmail answers an exact email lookup (byEmail) of org. The user a
// lookup found is remembered, and a later lookup reads that user by ID
// (from the user cache while fresh) and answers with them if their email
// is still the one asked for: nobody else can hold it meanwhile. Finding
// nobody is not remembered. Keycloak's user cache keeps lookups by email
// too; integrations repeat them on every sync.
func (e *Env) listByEmail(ctx context.Context, org iam.ID, f iam.UserFilter) ([]*iam.User, error) {
	key := emailKey{org, strings.ToLower(f.Email)}
	if id, ok := e.users.emails.Get(key); ok {
		d, err := e.readUser(ctx, org, id, nil)
		if err == nil && strings.ToLower(d.User.Email) == key.email {
			u := *d.User
			u.Roles = slices.Clone(u.Roles) // the cached user stays as read
			return []*iam.User{&u}, nil
		}
		// Gone, or their email changed: the store tells who has it now.
	}
	v := e.access.version(org) // read before the store: a change meanwhile leaves the cached user stale, not wrong
	users, err := e.listUsers(ctx, org, f)
	if err != nil {
		return nil, err
	}
	if len(users) == 1 {
		u := users[0]
		e.users.emails.Put(key, u.ID)
		if _, ok := e.users.get(org, u.ID, v); !ok {
			e.users.put(u, nil, v) // the next lookup needs no read by ID
		}
	}
	return users, nil
}
