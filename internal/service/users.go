package service

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// Users manages the users of the caller's organization.
type Users struct {
	env    *Env
	hasher *authn.Hasher
	policy authn.PasswordPolicy
}

// NewUser is the input of Create. Password is optional: a user without one
// cannot log in with a password.
type NewUser struct {
	Email     string
	Username  string
	FirstName string
	LastName  string
	FullName  string
	Password  string
	Roles     []string // defaults to [user]
	Metadata  json.RawMessage
	Disabled  bool
}

// UserUpdate is the editable part of a user; PATCH documents apply to it.
type UserUpdate struct {
	Email     string
	Username  string
	FirstName string
	LastName  string
	FullName  string
	Roles     []string
	Metadata  json.RawMessage
	Disabled  bool
}

// Create adds a user to the caller's organization.
func (s *Users) Create(ctx context.Context, in NewUser) (*iam.User, error) {
	p, err := s.env.authorize(ctx, authz.UsersCreate, orgLevel)
	if err != nil {
		return nil, err
	}
	now := s.env.now()
	u, hash, err := s.prepare(ctx, p.OrgID, in, now)
	if err != nil {
		return nil, err
	}
	// A plain transaction, not access.tx: the new user's bindings change
	// no one else's permissions and the new ID has no cached snapshot, so
	// bumping the organization's authz version (which drops every cached
	// snapshot of the organization, on every node) would only cost.
	err = s.env.Store.Tx(ctx, func(q iam.Queries) error {
		return s.insert(ctx, q, u, hash, now)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// prepare validates in and builds the user and its password hash (hashing
// happens here, outside any transaction, because it is slow by design).
// check names every invalid field of a new user.
func (s *Users) check(in NewUser) checks { return s.checkWith(in, s.policy) }

// checkWith is check under an organization's password policy.
func (s *Users) checkWith(in NewUser, policy authn.PasswordPolicy) checks {
	var c checks
	c.email("email", in.Email)
	c.username(in.Username)
	c.text("first_name", in.FirstName, false, 200)
	c.text("last_name", in.LastName, false, 200)
	c.text("full_name", in.FullName, false, 200)
	c.roles(in.Roles)
	c.metadata(in.Metadata)
	if in.Password != "" {
		c.password(policy, in.Password, passwordContext(in.Email, in.Username)...)
	}
	return c
}

func (s *Users) prepare(ctx context.Context, orgID iam.ID, in NewUser, now time.Time) (*iam.User, string, error) {
	if in.Roles == nil {
		in.Roles = []string{authz.RoleUser}
	}
	in.Roles = uniq(in.Roles)
	// Only a password needs the organization's policy: a user created
	// without one (SCIM, invitations) skips the read.
	var policy authn.PasswordPolicy
	if in.Password != "" {
		pol, err := orgPasswordPolicy(ctx, s.env.Store, orgID, s.policy)
		if err != nil {
			return nil, "", err
		}
		policy = rules(pol)
	}
	if err := s.checkWith(in, policy).err(); err != nil {
		return nil, "", err
	}
	var hash string
	if in.Password != "" {
		var err error
		if hash, err = s.hasher.Hash(ctx, in.Password); err != nil {
			return nil, "", err
		}
	}
	id, err := s.env.newID(now)
	if err != nil {
		return nil, "", err
	}
	u := &iam.User{
		ID: id, OrgID: orgID, Email: in.Email, Username: in.Username,
		FirstName: in.FirstName, LastName: in.LastName, FullName: fullName(in.FullName, in.FirstName, in.LastName),
		Roles: in.Roles, Metadata: metadataOrEmpty(in.Metadata), Disabled: in.Disabled,
		CreatedAt: now, UpdatedAt: now,
	}
	return u, hash, nil
}

// insert stores a prepared user, its org-role bindings, its password hash
// and the audit event. The caller's transaction must bump the access version.
func (s *Users) insert(ctx context.Context, q iam.Queries, u *iam.User, hash string, now time.Time, actor ...*iam.Principal) error {
	if err := q.CreateUser(ctx, u); err != nil {
		return err
	}
	for _, r := range u.Roles {
		if err := bindOrgRole(ctx, s.env, q, u.OrgID, u.ID, r, now); err != nil {
			return err
		}
	}
	if hash != "" {
		// SetPassword, not SetPasswordHash: the first password starts the
		// history and the password's age.
		if err := q.SetPassword(ctx, u.OrgID, u.ID, hash, now); err != nil {
			return err
		}
	}
	changes := publicFields(u)
	changes["password_set"] = hash != ""
	return s.env.record(ctx, q, u.OrgID, now, event{"user.created", "user", u.ID.String(), changes}, actor...)
}

// Get returns a user of the caller's organization.
func (s *Users) Get(ctx context.Context, id iam.ID) (*iam.User, error) {
	p, err := s.env.authorizeSelfOr(ctx, authz.UsersRead, id)
	if err != nil {
		return nil, err
	}
	d, err := s.env.readUser(ctx, p.OrgID, id, nil)
	if err != nil {
		return nil, err
	}
	u := *d.User // a copy: Get's callers may change it
	u.Roles = slices.Clone(u.Roles)
	return &u, nil
}

// withOrgRoles narrows a stored user's role keys to its org roles.
func withOrgRoles(u *iam.User, err error) (*iam.User, error) {
	if err != nil {
		return nil, err
	}
	u.Roles = orgRoles(u.Roles)
	return u, nil
}

// Current returns the calling user.
func (s *Users) Current(ctx context.Context) (*iam.User, error) {
	p := iam.PrincipalFrom(ctx)
	if p == nil {
		return nil, errUnauthenticated
	}
	if p.Kind != iam.KindUser {
		return nil, iam.E(iam.PermissionDenied, "not_a_user", "the caller is not a user")
	}
	return withOrgRoles(s.env.Store.GetUser(ctx, p.OrgID, p.ID))
}

// List returns a keyset page of the caller's organization's users.
func (s *Users) List(ctx context.Context, f iam.UserFilter) ([]*iam.User, error) {
	p, err := s.env.authorize(ctx, authz.UsersRead, orgLevel)
	if err != nil {
		return nil, err
	}
	if byEmail(f) {
		return s.env.listByEmail(ctx, p.OrgID, f)
	}
	return s.env.listUsers(ctx, p.OrgID, f)
}

// listUsers is the store's page of org's users, each with its org roles.
func (e *Env) listUsers(ctx context.Context, org iam.ID, f iam.UserFilter) ([]*iam.User, error) {
	users, err := e.Store.ListUsers(ctx, org, f)
	for _, u := range users {
		u.Roles = orgRoles(u.Roles)
	}
	return users, err
}

// Update applies edit to the editable fields of a user and stores the
// result. Users may edit their own profile; roles and the disabled flag need
// users.update, and nobody may demote or disable themselves (an organization
// must not lose its last administrator by accident).
func (s *Users) Update(ctx context.Context, id iam.ID, edit func(*UserUpdate) error) (*iam.User, error) {
	p, err := s.env.authorizeSelfOr(ctx, authz.UsersUpdate, id)
	if err != nil {
		return nil, err
	}
	var out *iam.User
	var wasDisabled bool
	err = retryModified(func() error {
		return s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
			u, err := q.GetUser(ctx, p.OrgID, id)
			if err != nil {
				return err
			}
			out, wasDisabled = u, u.Disabled
			if err := s.update(ctx, q, p, u, edit); err != nil || u.Disabled == wasDisabled {
				return err
			}
			return q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidatePrincipal, OrgID: p.OrgID, ID: id})
		})
	})
	if err != nil {
		return nil, err
	}
	if out.Disabled != wasDisabled {
		s.env.apiKeys.cache.forgetOwner(id) // their keys follow at once on this node
	}
	return out, nil
}

func (s *Users) update(ctx context.Context, q iam.Queries, p *iam.Principal, u *iam.User, edit func(*UserUpdate) error) error {
	u.Roles = orgRoles(u.Roles)
	before := *u
	doc := UserUpdate{Email: u.Email, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName,
		FullName: u.FullName, Roles: slices.Clone(u.Roles), Metadata: u.Metadata, Disabled: u.Disabled}
	if err := edit(&doc); err != nil {
		return err
	}
	doc.Roles, doc.Metadata = uniq(doc.Roles), metadataOrEmpty(doc.Metadata)
	privileged := !sameSet(doc.Roles, u.Roles) || doc.Disabled != u.Disabled
	if privileged && !s.env.may(ctx, authz.UsersUpdate, orgLevel) {
		return iam.E(iam.PermissionDenied, "forbidden", "only an administrator may change roles or disable a user")
	}
	if p.ID == u.ID && ((slices.Contains(u.Roles, authz.RoleAdmin) && !slices.Contains(doc.Roles, authz.RoleAdmin)) || doc.Disabled) {
		return errDemoteSelf
	}
	if err := s.env.access.authorizeRoleChange(ctx, u.Roles, doc.Roles); err != nil {
		return err
	}
	var c checks
	c.email("email", doc.Email)
	c.username(doc.Username)
	c.text("first_name", doc.FirstName, false, 200)
	c.text("last_name", doc.LastName, false, 200)
	c.text("full_name", doc.FullName, false, 200)
	c.roles(doc.Roles)
	c.metadata(doc.Metadata)
	if err := c.err(); err != nil {
		return err
	}
	u.Email, u.Username, u.FirstName, u.LastName = doc.Email, doc.Username, doc.FirstName, doc.LastName
	u.FullName, u.Roles, u.Metadata, u.Disabled = doc.FullName, doc.Roles, doc.Metadata, doc.Disabled
	changes := diffUsers(&before, u)
	if len(changes) == 0 {
		return nil
	}
	now := s.env.now()
	u.UpdatedAt = now
	if err := q.UpdateUser(ctx, u); err != nil {
		return err
	}
	if err := syncOrgRoles(ctx, s.env, q, u.OrgID, u.ID, before.Roles, u.Roles, now); err != nil {
		return err
	}
	return s.env.record(ctx, q, u.OrgID, now, event{"user.updated", "user", u.ID.String(), changes})
}

var errDemoteSelf = iam.E(iam.FailedPrecondition, "cannot_demote_self", "you cannot remove your own admin role or disable yourself")

// orgRoles keeps the built-in organization roles among role keys: the
// "roles" of a user. Capabilities and other roles bound at org scope are
// managed through their own endpoints.
func orgRoles(keys []string) []string {
	out := []string{}
	for _, k := range keys {
		if authz.IsRole(k) {
			out = append(out, k)
		}
	}
	return out
}

// bindOrgRole grants a user an org-scope role.
func bindOrgRole(ctx context.Context, env *Env, q iam.Queries, org, user iam.ID, role string, now time.Time) error {
	id, err := env.newID(now)
	if err != nil {
		return err
	}
	return q.CreateRoleBinding(ctx, &iam.RoleBinding{ID: id, OrgID: org, SubjectType: iam.SubjectUser, SubjectID: user,
		Role: role, ScopeType: iam.ScopeOrg, ScopeID: org, CreatedAt: now})
}

// syncOrgRoles makes a user's org-scope bindings of the given kind of roles
// go from before to after.
func syncOrgRoles(ctx context.Context, env *Env, q iam.Queries, org, user iam.ID, before, after []string, now time.Time) error {
	for _, r := range before {
		if !slices.Contains(after, r) {
			if _, err := q.DeleteRoleBindings(ctx, org, iam.BindingFilter{SubjectID: user, Role: r, ScopeType: iam.ScopeOrg}); err != nil {
				return err
			}
		}
	}
	for _, r := range after {
		if !slices.Contains(before, r) {
			if err := bindOrgRole(ctx, env, q, org, user, r, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// Delete removes a user of the caller's organization, with their password
// and sessions. Nobody may delete themselves.
func (s *Users) Delete(ctx context.Context, id iam.ID) error {
	p, err := s.env.authorize(ctx, authz.UsersDelete, orgLevel)
	if err != nil {
		return err
	}
	if p.ID == id {
		return iam.E(iam.FailedPrecondition, "cannot_delete_self", "you cannot delete yourself")
	}
	now := s.env.now()
	err = s.env.access.tx(ctx, p.OrgID, func(q iam.Queries) error {
		u, err := q.GetUser(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := q.DeleteUser(ctx, p.OrgID, id); err != nil {
			return err
		}
		if err := q.Notify(ctx, iam.Invalidation{Kind: iam.InvalidatePrincipal, OrgID: p.OrgID, ID: id}); err != nil {
			return err
		}
		return s.env.record(ctx, q, p.OrgID, now, event{"user.deleted", "user", id.String(), map[string]any{"email": u.Email}})
	})
	if err == nil {
		s.env.apiKeys.cache.forgetOwner(id) // their keys fail at once on this node
	}
	return err
}

// retryModified reruns fn when a compare-and-swap lost a race.
func retryModified(fn func() error) error {
	var err error
	for range 3 {
		if err = fn(); iam.CodeOf(err) != "modified" {
			return err
		}
	}
	return err
}

func publicFields(u *iam.User) map[string]any {
	return map[string]any{"email": u.Email, "username": u.Username, "first_name": u.FirstName,
		"last_name": u.LastName, "full_name": u.FullName, "roles": u.Roles, "disabled": u.Disabled}
}

// diffUsers lists each changed field as {from, to}.
func diffUsers(a, b *iam.User) map[string]any {
	out := map[string]any{}
	pa, pb := publicFields(a), publicFields(b)
	for k, va := range pa {
		ja, _ := json.Marshal(va)
		jb, _ := json.Marshal(pb[k])
		if !bytes.Equal(ja, jb) {
			out[k] = map[string]any{"from": va, "to": pb[k]}
		}
	}
	if !bytes.Equal(a.Metadata, b.Metadata) {
		out["metadata"] = map[string]any{"from": a.Metadata, "to": b.Metadata}
	}
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, v := range a {
		if !slices.Contains(b, v) {
			return false
		}
	}
	return true
}

func fullName(full, first, last string) string {
	if full != "" {
		return full
	}
	return strings.TrimSpace(first + " " + last)
}

func metadataOrEmpty(m json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(m)) == 0 || string(bytes.TrimSpace(m)) == "null" {
		return json.RawMessage("{}")
	}
	return m
}

// passwordContext is what a password must not equal: the user's own names.
func passwordContext(email, username string) []string {
	local, _, _ := strings.Cut(email, "@")
	return []string{email, username, local}
}
