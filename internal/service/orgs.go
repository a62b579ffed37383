package service

import (
	"context"
	"time"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// Orgs manages organizations. Members may read their own organization and
// its administrators rename it; instance administrators manage them all.
type Orgs struct {
	env   *Env
	users *Users
}

// NewOrg is the input of Orgs.Create; Admin, when set, becomes the new
// organization's first administrator.
type NewOrg struct {
	Name  string
	Admin *NewUser
}

// OrgUpdate is the editable part of an organization.
type OrgUpdate struct {
	Name string
}

func newOrg(env *Env, name string, now time.Time) (*iam.Org, error) {
	id, err := env.newID(now)
	if err != nil {
		return nil, err
	}
	return &iam.Org{ID: id, Name: name, CreatedAt: now, UpdatedAt: now}, nil
}

// Create adds an organization (instance administrators only).
func (s *Orgs) Create(ctx context.Context, in NewOrg) (*iam.Org, error) {
	p, err := s.env.authorize(ctx, authz.InstanceOrgs, orgLevel)
	if err != nil {
		return nil, err
	}
	var c checks
	c.text("name", in.Name, true, 100)
	if in.Admin != nil {
		in.Admin.Roles = []string{authz.RoleAdmin}
		for _, f := range s.users.check(*in.Admin) {
			c.add("admin."+f.Field, f.Message)
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	now := s.env.now()
	org, err := newOrg(s.env, in.Name, now)
	if err != nil {
		return nil, err
	}
	var admin *iam.User
	var hash string
	if in.Admin != nil {
		if admin, hash, err = s.users.prepare(ctx, org.ID, *in.Admin, now); err != nil {
			return nil, prefixFields(err, "admin.")
		}
	}
	err = s.env.access.tx(ctx, org.ID, func(q iam.Queries) error {
		if err := q.CreateOrg(ctx, org); err != nil {
			return err
		}
		created := event{"org.created", "org", org.ID.String(), map[string]any{"name": org.Name}}
		// Recorded in both logs: the new organization's, and the acting
		// administrator's, whose own organization is where they answer for it.
		if err := s.env.record(ctx, q, org.ID, now, created); err != nil {
			return err
		}
		if err := s.env.record(ctx, q, p.OrgID, now, created); err != nil {
			return err
		}
		if admin != nil {
			return s.users.insert(ctx, q, admin, hash, now)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return org, nil
}

// Get returns an organization: the caller's own, or any for instance
// administrators. Others are not found.
func (s *Orgs) Get(ctx context.Context, id iam.ID) (*iam.Org, error) {
	if _, err := s.authorizeOrg(ctx, authz.OrgsRead, id); err != nil {
		return nil, err
	}
	return s.env.Store.GetOrg(ctx, id)
}

// List returns a keyset page of every organization (instance administrators).
func (s *Orgs) List(ctx context.Context, page iam.Page) ([]*iam.Org, error) {
	if _, err := s.env.authorize(ctx, authz.InstanceOrgs, orgLevel); err != nil {
		return nil, err
	}
	return s.env.Store.ListOrgs(ctx, page)
}

// Update applies edit to an organization.
func (s *Orgs) Update(ctx context.Context, id iam.ID, edit func(*OrgUpdate) error) (*iam.Org, error) {
	if _, err := s.authorizeOrg(ctx, authz.OrgsUpdate, id); err != nil {
		return nil, err
	}
	var out *iam.Org
	err := s.env.Store.Tx(ctx, func(q iam.Queries) error {
		o, err := q.GetOrg(ctx, id)
		if err != nil {
			return err
		}
		out = o
		doc := OrgUpdate{Name: o.Name}
		if err := edit(&doc); err != nil {
			return err
		}
		var c checks
		c.text("name", doc.Name, true, 100)
		if err := c.err(); err != nil {
			return err
		}
		if doc.Name == o.Name {
			return nil
		}
		now := s.env.now()
		changes := map[string]any{"name": map[string]any{"from": o.Name, "to": doc.Name}}
		o.Name, o.UpdatedAt = doc.Name, now
		if err := q.UpdateOrg(ctx, o); err != nil {
			return err
		}
		return s.env.record(ctx, q, o.ID, now, event{"org.updated", "org", o.ID.String(), changes})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Delete removes an organization and everything in it (instance
// administrators; not their own organization). The event is recorded in the
// administrator's organization, since the deleted one's log goes with it.
func (s *Orgs) Delete(ctx context.Context, id iam.ID) error {
	p, err := s.env.authorize(ctx, authz.InstanceOrgs, orgLevel)
	if err != nil {
		return err
	}
	if p.OrgID == id {
		return iam.E(iam.FailedPrecondition, "cannot_delete_own_org", "you cannot delete your own organization")
	}
	now := s.env.now()
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		o, err := q.GetOrg(ctx, id)
		if err != nil {
			return err
		}
		if err := q.DeleteOrg(ctx, id); err != nil {
			return err
		}
		if err := q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidateOrg, OrgID: id}); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"org.deleted", "org", id.String(), map[string]any{"name": o.Name}})
	})
	if err == nil {
		s.env.forgetCredentials() // this node at once, others through the notification
	}
	return err
}

// authorizeOrg allows perm on the caller's own organization, and anything
// on any organization to instance administrators; other organizations are
// not found, so their existence does not leak.
func (s *Orgs) authorizeOrg(ctx context.Context, perm string, id iam.ID) (*iam.Principal, error) {
	p := iam.PrincipalFrom(ctx)
	if p == nil {
		return nil, errUnauthenticated
	}
	if s.env.may(ctx, authz.InstanceOrgs, orgLevel) {
		return p, nil
	}
	if p.OrgID != id {
		return nil, iam.ErrNotFound("organization")
	}
	return s.env.authorize(ctx, perm, orgLevel)
}

// prefixFields renames the fields of a validation error, for nested input.
func prefixFields(err error, prefix string) error {
	e, ok := err.(*iam.Error)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make([]iam.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		out.Fields[i] = iam.FieldError{Field: prefix + f.Field, Message: f.Message}
	}
	return &out
}
