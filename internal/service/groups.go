package service

import (
	"context"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// Groups manages groups of users and service accounts; a group's role
// bindings apply to every member.
type Groups struct {
	env *Env
}

// GroupUpdate is the editable part of a group.
type GroupUpdate struct {
	Name        string
	Description string
}

func checkGroup(name, description string) error {
	var c checks
	c.text("name", name, true, 100)
	c.text("description", description, false, 1000)
	return c.err()
}

// Create adds a group.
func (s *Groups) Create(ctx context.Context, name, description string) (*iam.Group, error) {
	p, err := s.env.authorize(ctx, authz.GroupsCreate, orgLevel)
	if err != nil {
		return nil, err
	}
	if err := checkGroup(name, description); err != nil {
		return nil, err
	}
	now := s.env.now()
	id, err := s.env.newID(now)
	if err != nil {
		return nil, err
	}
	g := &iam.Group{ID: id, OrgID: p.OrgID, Name: name, Description: description, CreatedAt: now, UpdatedAt: now}
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		if err := q.CreateGroup(ctx, g); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"group.created", "group", id.String(), map[string]any{"name": name}})
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

func (s *Groups) Get(ctx context.Context, id iam.ID) (*iam.Group, error) {
	p, err := s.env.authorize(ctx, authz.GroupsRead, orgLevel)
	if err != nil {
		return nil, err
	}
	return s.env.Store.GetGroup(ctx, p.OrgID, id)
}

func (s *Groups) List(ctx context.Context, page iam.Page) ([]*iam.Group, error) {
	p, err := s.env.authorize(ctx, authz.GroupsRead, orgLevel)
	if err != nil {
		return nil, err
	}
	return s.env.Store.ListGroups(ctx, p.OrgID, page)
}

// Update applies edit to a group.
func (s *Groups) Update(ctx context.Context, id iam.ID, edit func(*GroupUpdate) error) (*iam.Group, error) {
	p, err := s.env.authorize(ctx, authz.GroupsUpdate, orgLevel)
	if err != nil {
		return nil, err
	}
	var out *iam.Group
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		g, err := q.GetGroup(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		out = g
		doc := GroupUpdate{Name: g.Name, Description: g.Description}
		if err := edit(&doc); err != nil {
			return err
		}
		if err := checkGroup(doc.Name, doc.Description); err != nil {
			return err
		}
		if doc == (GroupUpdate{Name: g.Name, Description: g.Description}) {
			return nil
		}
		now := s.env.now()
		changes := map[string]any{"name": map[string]any{"from": g.Name, "to": doc.Name}}
		g.Name, g.Description, g.UpdatedAt = doc.Name, doc.Description, now
		if err := q.UpdateGroup(ctx, g); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"group.updated", "group", id.String(), changes})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Delete removes a group: its members lose what it granted them at once.
func (s *Groups) Delete(ctx context.Context, id iam.ID) error {
	p, err := s.env.authorize(ctx, authz.GroupsDelete, orgLevel)
	if err != nil {
		return err
	}
	now := s.env.now()
	return s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		g, err := q.GetGroup(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := q.DeleteGroup(ctx, p.OrgID, id); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"group.deleted", "group", id.String(), map[string]any{"name": g.Name}})
	})
}

// AddMember puts a user of the organization in the group; it reports
// whether the user was not a member before.
func (s *Groups) AddMember(ctx context.Context, groupID, principalID iam.ID) (bool, error) {
	p, err := s.env.authorize(ctx, authz.GroupsMembers, orgLevel)
	if err != nil {
		return false, err
	}
	now := s.env.now()
	var added bool
	err = s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		kind, err := principalKind(ctx, q, p.OrgID, principalID)
		if err != nil {
			return err
		}
		added, err = q.AddGroupMember(ctx, &iam.GroupMember{GroupID: groupID, OrgID: p.OrgID, PrincipalType: kind,
			PrincipalID: principalID, CreatedAt: now})
		if err != nil || !added {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"group.member_added", "group", groupID.String(),
			map[string]any{"principal_id": principalID, "principal_type": kind}})
	})
	return added, err
}

// RemoveMember takes a principal out of the group.
func (s *Groups) RemoveMember(ctx context.Context, groupID, principalID iam.ID) error {
	p, err := s.env.authorize(ctx, authz.GroupsMembers, orgLevel)
	if err != nil {
		return err
	}
	now := s.env.now()
	return s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		if err := q.RemoveGroupMember(ctx, p.OrgID, groupID, principalID); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"group.member_removed", "group", groupID.String(),
			map[string]any{"principal_id": principalID}})
	})
}

// Members returns a page of a group's members.
func (s *Groups) Members(ctx context.Context, groupID iam.ID, page iam.Page) ([]*iam.GroupMember, error) {
	p, err := s.env.authorize(ctx, authz.GroupsRead, orgLevel)
	if err != nil {
		return nil, err
	}
	if _, err := s.env.Store.GetGroup(ctx, p.OrgID, groupID); err != nil {
		return nil, err
	}
	return s.env.Store.ListGroupMembers(ctx, p.OrgID, groupID, page)
}

// principalKind says whether id is a user or a service account of org,
// the principals a group holds; anything else is not found.
func principalKind(ctx context.Context, q iam.Queries, org, id iam.ID) (string, error) {
	kind, _, err := subjectKind(ctx, q, org, id)
	if err == nil && kind == iam.SubjectGroup {
		err = iam.ErrNotFound("principal") // groups do not nest
	}
	if iam.IsKind(err, iam.NotFound) {
		return "", iam.ErrNotFound("principal")
	}
	return kind, err
}
