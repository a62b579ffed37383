package thousandeyes

import (
	"net/http"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

func (c *call) userDoc(u *iam.User, login *iam.Workspace) userDoc {
	d := userDoc{Name: u.FullName, Email: u.Email, UID: itoa(u.Seq), DateRegistered: utc(u.CreatedAt)}
	if login != nil {
		g := wireGroup(login)
		d.LoginAccountGroup = &g
	}
	if u.LastLoginAt != nil {
		d.LastLogin = utc(*u.LastLoginAt)
	}
	return d
}

// userDetail renders a user with its role assignments.
func (c *call) userDetail(u *iam.User) (*userDetail, error) {
	bs, err := c.s.env.Svc.Bindings.UserBindings(c.ctx, u.ID)
	if err != nil {
		return nil, err
	}
	d := &userDetail{userDoc: c.userDoc(u, c.loginGroup(u, bs)), AccountGroupRoles: []accountGroupRole{},
		AllAccountGroupRoles: []role{}, Links: selfLinks{Self: c.link("/v7/users/"+itoa(u.Seq), nil)}}
	byGroup := map[iam.ID]int{}
	for _, b := range bs {
		rl, ok := c.wireRoleByKey(b.Role)
		if !ok {
			continue
		}
		switch b.ScopeType {
		case iam.ScopeOrg:
			d.AllAccountGroupRoles = append(d.AllAccountGroupRoles, rl)
		case iam.ScopeWorkspace:
			ws := c.visibleByID(b.ScopeID)
			if ws == nil {
				continue
			}
			i, ok := byGroup[ws.ID]
			if !ok {
				i = len(d.AccountGroupRoles)
				byGroup[ws.ID] = i
				d.AccountGroupRoles = append(d.AccountGroupRoles, accountGroupRole{AccountGroup: wireGroup(ws), Roles: []role{}})
			}
			d.AccountGroupRoles[i].Roles = append(d.AccountGroupRoles[i].Roles, rl)
		}
	}
	return d, nil
}

// firstGroups maps each user to the first workspace it holds a role in,
// from one listing of workspace bindings (empty when the caller may not
// read bindings).
func (c *call) firstGroups() map[iam.ID]iam.ID {
	out := map[iam.ID]iam.ID{}
	f := iam.BindingFilter{ScopeType: iam.ScopeWorkspace, Page: iam.Page{Limit: 1000}}
	for {
		page, err := c.s.env.Svc.Bindings.List(c.ctx, f)
		if err != nil {
			return out
		}
		for _, b := range page {
			if _, ok := out[b.SubjectID]; !ok && b.SubjectType == iam.SubjectUser && c.visibleByID(b.ScopeID) != nil {
				out[b.SubjectID] = b.ScopeID
			}
		}
		if len(page) < f.Limit {
			return out
		}
		f.After = page[len(page)-1].ID
	}
}

func (s *server) listUsers(w http.ResponseWriter, r *http.Request, c *call) error {
	if _, err := c.contextGroup(); err != nil {
		return err
	}
	out := []userDoc{}
	var first map[iam.ID]iam.ID
	f := iam.UserFilter{Page: iam.Page{Limit: 500}}
	for {
		page, err := s.env.Svc.Users.List(c.ctx, f)
		if err != nil {
			return err
		}
		for _, u := range page {
			login := c.loginGroup(u, nil)
			if login == nil {
				if first == nil {
					first = c.firstGroups()
				}
				if id, ok := first[u.ID]; ok {
					login = c.visibleByID(id)
				}
			}
			out = append(out, c.userDoc(u, login))
		}
		if len(page) < f.Limit {
			break
		}
		f.After = page[len(page)-1].ID
	}
	return write(w, http.StatusOK, map[string]any{"users": out, "_links": c.self()})
}

func (s *server) getUser(w http.ResponseWriter, r *http.Request, c *call) error {
	if _, err := c.contextGroup(); err != nil {
		return err
	}
	id, err := c.resolve(iam.SeqUser, r.PathValue("id"))
	if err != nil {
		return err
	}
	u, err := s.env.Svc.Users.Get(c.ctx, id)
	if err != nil {
		return err
	}
	d, err := c.userDetail(u)
	if err != nil {
		return err
	}
	return write(w, http.StatusOK, d)
}

func (s *server) currentUser(w http.ResponseWriter, r *http.Request, c *call) error {
	u, err := s.env.Svc.Users.Current(c.ctx)
	if err != nil {
		return err
	}
	d, err := c.userDetail(u)
	if err != nil {
		return err
	}
	return write(w, http.StatusOK, d)
}

// assignment is a user request's role assignments, resolved.
type assignment struct {
	login  iam.ID              // zero: unchanged
	groups map[iam.ID][]string // workspace → role keys; nil: unchanged
	order  []iam.ID            // of groups, as requested
	org    []string            // nil: unchanged
}

// resolveAssignment checks and resolves the IDs a user request names.
func (c *call) resolveAssignment(in *userRequest) (*assignment, error) {
	a := &assignment{}
	group := func(field, s string) (iam.ID, error) {
		id, err := c.resolve(iam.SeqWorkspace, s)
		if iam.IsKind(err, iam.NotFound) {
			return iam.NilID, invalid(field, "no account group has ID "+s)
		}
		return id, err
	}
	if in.LoginAccountGroupID != nil {
		id, err := group("loginAccountGroupId", *in.LoginAccountGroupID)
		if err != nil {
			return nil, err
		}
		a.login = id
	}
	if in.AccountGroupRoles != nil {
		a.groups = map[iam.ID][]string{}
		for _, agr := range in.AccountGroupRoles {
			id, err := group("accountGroupRoles.accountGroupId", agr.AccountGroupID)
			if err != nil {
				return nil, err
			}
			keys, err := c.roleKeys("accountGroupRoles.roleIds", agr.RoleIDs)
			if err != nil {
				return nil, err
			}
			if _, dup := a.groups[id]; dup {
				return nil, invalid("accountGroupRoles", "lists account group "+agr.AccountGroupID+" twice")
			}
			a.groups[id] = keys
			a.order = append(a.order, id)
		}
	}
	if in.AllAccountGroupRoleIDs != nil {
		keys, err := c.roleKeys("allAccountGroupRoleIds", in.AllAccountGroupRoleIDs)
		if err != nil {
			return nil, err
		}
		a.org = keys
	}
	return a, nil
}

// apply replaces the role assignments a request carries.
func (c *call) apply(user iam.ID, a *assignment) error {
	var sets []service.ScopeRoles
	if a.groups != nil {
		for _, id := range a.order {
			sets = append(sets, service.ScopeRoles{ScopeType: iam.ScopeWorkspace, ScopeID: id, Roles: a.groups[id]})
		}
		// Replace, not delta: account groups left out lose their roles.
		bs, err := c.s.env.Svc.Bindings.UserBindings(c.ctx, user)
		if err != nil {
			return err
		}
		for _, b := range bs {
			if _, listed := a.groups[b.ScopeID]; b.ScopeType == iam.ScopeWorkspace && !listed {
				a.groups[b.ScopeID] = nil
				sets = append(sets, service.ScopeRoles{ScopeType: iam.ScopeWorkspace, ScopeID: b.ScopeID, Roles: []string{}})
			}
		}
	}
	if a.org != nil {
		sets = append(sets, service.ScopeRoles{ScopeType: iam.ScopeOrg, Roles: a.org})
	}
	if len(sets) == 0 {
		return nil
	}
	return c.s.env.Svc.Bindings.ReplaceUserRoles(c.ctx, user, sets)
}

func (s *server) createUser(w http.ResponseWriter, r *http.Request, c *call) error {
	if _, err := c.contextGroup(); err != nil {
		return err
	}
	var in userRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Email == nil {
		return invalid("email", "is required")
	}
	a, err := c.resolveAssignment(&in)
	if err != nil {
		return err
	}
	nu := service.NewUser{Email: *in.Email}
	if in.Name != nil {
		nu.FullName = *in.Name
	}
	if a.org != nil {
		nu.Roles = []string{}
		for _, k := range a.org {
			if authz.IsRole(k) {
				nu.Roles = append(nu.Roles, k)
			}
		}
	}
	if !a.login.IsZero() {
		if nu.Metadata, err = withLoginGroup(nil, a.login); err != nil {
			return err
		}
	}
	u, err := s.env.Svc.Users.Create(c.ctx, nu)
	if err != nil {
		return err
	}
	if err := c.apply(u.ID, a); err != nil {
		// The user is not half-made: undo it, then report why.
		if derr := s.env.Svc.Users.Delete(c.ctx, u.ID); derr != nil {
			s.env.Log.ErrorContext(c.ctx, "thousandeyes: cannot undo a user creation", "err", derr)
		}
		return err
	}
	if u, err = s.env.Svc.Users.Get(c.ctx, u.ID); err != nil {
		return err
	}
	d, err := c.userDetail(u)
	if err != nil {
		return err
	}
	w.Header().Set("Location", d.Links.Self.Href)
	return write(w, http.StatusCreated, d)
}

func (s *server) updateUser(w http.ResponseWriter, r *http.Request, c *call) error {
	if _, err := c.contextGroup(); err != nil {
		return err
	}
	id, err := c.resolve(iam.SeqUser, r.PathValue("id"))
	if err != nil {
		return err
	}
	var in userRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	a, err := c.resolveAssignment(&in)
	if err != nil {
		return err
	}
	if in.Name != nil || in.Email != nil || !a.login.IsZero() {
		_, err := s.env.Svc.Users.Update(c.ctx, id, func(doc *service.UserUpdate) error {
			if in.Name != nil {
				doc.FullName = *in.Name
			}
			if in.Email != nil {
				doc.Email = *in.Email
			}
			if !a.login.IsZero() {
				md, err := withLoginGroup(doc.Metadata, a.login)
				if err != nil {
					return err
				}
				doc.Metadata = md
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if err := c.apply(id, a); err != nil {
		return err
	}
	u, err := s.env.Svc.Users.Get(c.ctx, id)
	if err != nil {
		return err
	}
	d, err := c.userDetail(u)
	if err != nil {
		return err
	}
	return write(w, http.StatusOK, d)
}

func (s *server) deleteUser(w http.ResponseWriter, r *http.Request, c *call) error {
	if _, err := c.contextGroup(); err != nil {
		return err
	}
	id, err := c.resolve(iam.SeqUser, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.env.Svc.Users.Delete(c.ctx, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
