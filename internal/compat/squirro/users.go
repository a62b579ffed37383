package squirro

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// serverRoles are Squirro's tenant roles, strongest first; Warden's
// built-in organization roles of the same names.
var serverRoles = []string{authz.RoleAdmin, authz.RoleUser, authz.RoleReader, authz.RoleDemo}

// serverRole is a user's strongest tenant role ("" when none).
func serverRole(roles []string) string {
	for _, r := range serverRoles {
		if slices.Contains(roles, r) {
			return r
		}
	}
	return ""
}

// rolePermissions are the permission patterns of a user's organization
// roles: what Squirro calls the role's permissions.
func rolePermissions(roles []string) []string {
	out := []string{}
	for _, k := range roles {
		if r, ok := authz.BuiltinRole(k); ok {
			for _, p := range r.Permissions {
				if !slices.Contains(out, p) {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// userJSON is Squirro's user object.
func userJSON(u *iam.User) map[string]any {
	var role any
	if r := serverRole(u.Roles); r != "" {
		role = r
	}
	return map[string]any{"id": u.ID.Base64(), "email": u.Email, "full_name": u.FullName, "role": role,
		"role_permissions": rolePermissions(u.Roles), "tenant": u.OrgID.Base64()}
}

// userData is get_user_data's answer: the user object with the user's
// metadata keys beside it (the object's own keys win).
func userData(u *iam.User) map[string]any {
	out := userJSON(u)
	var meta map[string]any
	if json.Unmarshal(u.Metadata, &meta) == nil {
		for k, v := range meta {
			if _, taken := out[k]; !taken {
				out[k] = v
			}
		}
	}
	out["username"], out["disabled"] = u.Username, u.Disabled
	return out
}

// listUsers is GET /{v}/{t}/users: every user of the organization (the
// Squirro API does not page); include_config=true adds each user's
// metadata as "config".
func (s *surface) listUsers(w http.ResponseWriter, r *http.Request) error {
	withConfig := r.URL.Query().Get("include_config")
	config := withConfig == "true" || withConfig == "1" || withConfig == "True"
	users, err := s.allUsers(r)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(users))
	for _, u := range users {
		j := userJSON(u)
		if config {
			j["config"] = json.RawMessage(metadata(u))
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out})
	return nil
}

func metadata(u *iam.User) []byte {
	if len(u.Metadata) == 0 {
		return []byte("{}")
	}
	return u.Metadata
}

// allUsers pages through the organization's users.
func (s *surface) allUsers(r *http.Request) ([]*iam.User, error) {
	var all []*iam.User
	f := iam.UserFilter{Page: iam.Page{Limit: 500}}
	for {
		page, err := s.env.Svc.Users.List(r.Context(), f)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < f.Limit {
			return all, nil
		}
		f.After = page[len(page)-1].ID
	}
}

// addUser is POST /v0/{t}/users, JSON {"email", "password", "role"} → 201.
func (s *surface) addUser(w http.ResponseWriter, r *http.Request) error {
	m, err := decodeObject(r)
	if err != nil {
		return err
	}
	in := service.NewUser{}
	var role string
	for key, dst := range map[string]*string{"email": &in.Email, "password": &in.Password, "role": &role, "full_name": &in.FullName} {
		if *dst, _, err = str(m, key); err != nil {
			return err
		}
	}
	if role != "" {
		in.Roles = []string{role}
	}
	u, err := s.env.Svc.Users.Create(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, userJSON(u))
	return nil
}

// getUser is GET /{v}/{t}/users/{user} (get_user_data).
func (s *surface) getUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "user", "user")
	if err != nil {
		return err
	}
	u, err := s.env.Svc.Users.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, userData(u))
	return nil
}

// readOnlyKeys are keys of the user object an update may echo back and
// that change nothing.
var readOnlyKeys = map[string]bool{"id": true, "tenant": true, "role_permissions": true, "username": true, "disabled": true}

// updateUser is PUT /{v}/{t}/users/{user} (update_user_data): a JSON
// object in v1, a form otherwise. email, full_name and role change the
// user; every other key is kept in the user's metadata, null removing it.
func (s *surface) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "user", "user")
	if err != nil {
		return err
	}
	var changes map[string]json.RawMessage
	if r.PathValue("version") == "v1" {
		if changes, err = decodeObject(r); err != nil {
			return err
		}
	} else {
		if err := form(r); err != nil {
			return err
		}
		changes = map[string]json.RawMessage{}
		for k, v := range r.PostForm {
			b, _ := json.Marshal(v[len(v)-1])
			changes[k] = b
		}
	}
	email, hasEmail, err := str(changes, "email")
	if err != nil {
		return err
	}
	name, hasName, err := str(changes, "full_name")
	if err != nil {
		return err
	}
	role, hasRole, err := str(changes, "role")
	if err != nil {
		return err
	}
	u, err := s.env.Svc.Users.Update(r.Context(), id, func(doc *service.UserUpdate) error {
		if hasEmail {
			doc.Email = email
		}
		if hasName {
			doc.FullName = name
		}
		if hasRole {
			roles := []string{role}
			for _, k := range doc.Roles {
				if !slices.Contains(serverRoles, k) {
					roles = append(roles, k)
				}
			}
			doc.Roles = roles
		}
		meta := map[string]json.RawMessage{}
		if len(doc.Metadata) > 0 {
			if err := json.Unmarshal(doc.Metadata, &meta); err != nil || meta == nil {
				meta = map[string]json.RawMessage{}
			}
		}
		for k, v := range changes {
			if k == "email" || k == "full_name" || k == "role" || readOnlyKeys[k] {
				continue
			}
			if string(v) == "null" {
				delete(meta, k)
			} else {
				meta[k] = v
			}
		}
		b, err := json.Marshal(meta)
		if err != nil {
			return iam.Wrap(err, "cannot encode metadata")
		}
		doc.Metadata = b
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, userData(u))
	return nil
}

// deleteUser is DELETE /{v}/{t}/users/{user} → 204.
func (s *surface) deleteUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "user", "user")
	if err != nil {
		return err
	}
	if err := s.env.Svc.Users.Delete(r.Context(), id); err != nil {
		return err
	}
	return noContent(w)
}

// changePassword is PUT /{v}/{t}/users/{user}/password, JSON
// {"current_password", "new_password", "new_password_confirm"} → 200 {}.
func (s *surface) changePassword(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "user", "user")
	if err != nil {
		return err
	}
	m, err := decodeObject(r)
	if err != nil {
		return err
	}
	var in service.PasswordChange
	for key, dst := range map[string]*string{"current_password": &in.Current, "new_password": &in.New, "new_password_confirm": &in.Confirm} {
		if *dst, _, err = str(m, key); err != nil {
			return err
		}
	}
	if err := s.env.Svc.Passwords.Change(r.Context(), id, in); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{})
	return nil
}

// passwordPolicy is GET /{v}/{t}/users/password_policy.
func (s *surface) passwordPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := s.env.Svc.Passwords.Policy(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"min_length": p.MinLength, "max_length": p.MaxLength,
		"blocklist": p.Blocklist, "history": p.History, "max_age_days": p.MaxAgeDays})
	return nil
}
