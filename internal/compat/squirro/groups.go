package squirro

import (
	"net/http"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// groupJSON is Squirro's group: {"id", "name", "members": [user…]}.
// Members the caller may not list as users (or service accounts) are
// shown by ID only.
func groupJSON(g *iam.Group, members []*iam.GroupMember, users map[iam.ID]*iam.User) map[string]any {
	list := make([]map[string]any, 0, len(members))
	for _, m := range members {
		if u, ok := users[m.PrincipalID]; ok {
			list = append(list, userJSON(u))
		} else {
			list = append(list, map[string]any{"id": m.PrincipalID.Base64()})
		}
	}
	return map[string]any{"id": g.ID.Base64(), "name": g.Name, "members": list}
}

// usersByID lists the organization's users once, for showing group
// members; without users.read it is empty.
func (s *surface) usersByID(r *http.Request) (map[iam.ID]*iam.User, error) {
	users, err := s.allUsers(r)
	if iam.IsKind(err, iam.PermissionDenied) {
		return map[iam.ID]*iam.User{}, nil
	}
	if err != nil {
		return nil, err
	}
	m := make(map[iam.ID]*iam.User, len(users))
	for _, u := range users {
		m[u.ID] = u
	}
	return m, nil
}

// members pages through a group's members.
func (s *surface) members(r *http.Request, id iam.ID) ([]*iam.GroupMember, error) {
	var all []*iam.GroupMember
	page := iam.Page{Limit: 500}
	for {
		ms, err := s.env.Svc.Groups.Members(r.Context(), id, page)
		if err != nil {
			return nil, err
		}
		all = append(all, ms...)
		if len(ms) < page.Limit {
			return all, nil
		}
		page.After = ms[len(ms)-1].PrincipalID
	}
}

// listGroups is GET /{v}/{t}/groups → a bare JSON array.
func (s *surface) listGroups(w http.ResponseWriter, r *http.Request) error {
	var groups []*iam.Group
	page := iam.Page{Limit: 500}
	for {
		gs, err := s.env.Svc.Groups.List(r.Context(), page)
		if err != nil {
			return err
		}
		groups = append(groups, gs...)
		if len(gs) < page.Limit {
			break
		}
		page.After = gs[len(gs)-1].ID
	}
	users, err := s.usersByID(r)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(groups))
	for _, g := range groups {
		ms, err := s.members(r, g.ID)
		if err != nil {
			return err
		}
		out = append(out, groupJSON(g, ms, users))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// createGroup is POST /{v}/{t}/groups, form name → 201.
func (s *surface) createGroup(w http.ResponseWriter, r *http.Request) error {
	if err := form(r); err != nil {
		return err
	}
	g, err := s.env.Svc.Groups.Create(r.Context(), r.PostForm.Get("name"), "")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, groupJSON(g, nil, nil))
	return nil
}

// writeGroup answers with group id and its members.
func (s *surface) writeGroup(w http.ResponseWriter, r *http.Request, g *iam.Group) error {
	ms, err := s.members(r, g.ID)
	if err != nil {
		return err
	}
	users := map[iam.ID]*iam.User{}
	if len(ms) > 0 {
		if users, err = s.usersByID(r); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, groupJSON(g, ms, users))
	return nil
}

// getGroup is GET /{v}/{t}/groups/{group}.
func (s *surface) getGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "group", "group")
	if err != nil {
		return err
	}
	g, err := s.env.Svc.Groups.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return s.writeGroup(w, r, g)
}

// updateGroup is PUT /{v}/{t}/groups/{group}, form name → 200.
func (s *surface) updateGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "group", "group")
	if err != nil {
		return err
	}
	if err := form(r); err != nil {
		return err
	}
	name, ok := r.PostForm["name"]
	g, err := s.env.Svc.Groups.Update(r.Context(), id, func(u *service.GroupUpdate) error {
		if ok {
			u.Name = name[len(name)-1]
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.writeGroup(w, r, g)
}

// deleteGroup is DELETE /{v}/{t}/groups/{group} → 204.
func (s *surface) deleteGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "group", "group")
	if err != nil {
		return err
	}
	if err := s.env.Svc.Groups.Delete(r.Context(), id); err != nil {
		return err
	}
	return noContent(w)
}

// addGroupMember is POST /{v}/{t}/groups/{group} (the group's own URL),
// form user_id → 200 with the user.
func (s *surface) addGroupMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "group", "group")
	if err != nil {
		return err
	}
	if err := form(r); err != nil {
		return err
	}
	raw := r.PostForm.Get("user_id")
	if raw == "" {
		return iam.InvalidFields(iam.FieldError{Field: "user_id", Message: "is required"})
	}
	uid, err := iam.ParseID(raw)
	if err != nil {
		return iam.ErrNotFound("user")
	}
	if _, err := s.env.Svc.Groups.Get(r.Context(), id); err != nil {
		return err
	}
	u, err := s.env.Svc.Users.Get(r.Context(), uid)
	if err != nil {
		return err
	}
	if _, err := s.env.Svc.Groups.AddMember(r.Context(), id, uid); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, userJSON(u))
	return nil
}

// deleteGroupMember is DELETE /{v}/{t}/groups/{group}/members/{user} → 204.
func (s *surface) deleteGroupMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "group", "group")
	if err != nil {
		return err
	}
	uid, err := pathID(r, "user", "user")
	if err != nil {
		return err
	}
	if err := s.env.Svc.Groups.RemoveMember(r.Context(), id, uid); err != nil {
		return err
	}
	return noContent(w)
}
