package service

import (
	"context"
	"slices"
	"strings"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// capabilities keeps the capability roles among role keys.
func capabilities(keys []string) []string {
	out := []string{}
	for _, k := range keys {
		if r, ok := authz.BuiltinRole(k); ok && r.Kind == authz.KindCapability {
			out = append(out, k)
		}
	}
	return out
}

// Capabilities returns a user's capabilities (SailPoint's user levels):
// capability roles bound to the user at org scope.
func (s *Users) Capabilities(ctx context.Context, id iam.ID) ([]string, error) {
	p, err := s.env.authorizeSelfOr(ctx, authz.UsersRead, id)
	if err != nil {
		return nil, err
	}
	u, err := s.env.Store.GetUser(ctx, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	return capabilities(u.Roles), nil
}

// ErrIllegalUpdate answers a capabilities patch that touches anything but
// /capabilities.
var ErrIllegalUpdate = iam.E(iam.Invalid, "illegal_update", "Illegal update attempt: only /capabilities may be patched")

// CheckCapabilityPatch refuses JSON Patch paths outside /capabilities.
func CheckCapabilityPatch(paths []string) error {
	for _, p := range paths {
		if p != "/capabilities" && !strings.HasPrefix(p, "/capabilities/") {
			return ErrIllegalUpdate
		}
	}
	return nil
}

// SetCapabilities applies edit to a user's capabilities and binds or
// unbinds the difference.
func (s *Users) SetCapabilities(ctx context.Context, id iam.ID, edit func([]string) ([]string, error)) ([]string, error) {
	p, err := s.env.authorize(ctx, authz.UsersCapabilities, orgLevel)
	if err != nil {
		return nil, err
	}
	var out []string
	err = s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		u, err := q.GetUser(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		before := capabilities(u.Roles)
		after, err := edit(slices.Clone(before))
		if err != nil {
			return err
		}
		after = uniq(after)
		var c checks
		for _, k := range after {
			if r, ok := authz.BuiltinRole(k); !ok || r.Kind != authz.KindCapability {
				c.add("capabilities", "unknown capability "+quote(k))
			}
		}
		if err := c.err(); err != nil {
			return err
		}
		out = after
		if sameSet(before, after) {
			return nil
		}
		if err := s.env.access.authorizeRoleChange(ctx, before, after); err != nil {
			return err
		}
		now := s.env.now()
		if err := syncOrgRoles(ctx, s.env, q, p.OrgID, id, before, after, now); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"user.capabilities_changed", "user", id.String(),
			map[string]any{"from": before, "to": after}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
