package thousandeyes

import (
	"net/http"
	"slices"
	"strings"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// builtinRoles are the built-in roles ThousandEyes clients see; a role's
// roleId is its position here plus one. Append only: the numbers are part
// of the wire contract. Custom roles are customRoleBase + their number.
var builtinRoles = []string{
	authz.RoleAdmin, authz.RoleUser, authz.RoleReader, authz.RoleDemo,
	authz.RoleProjectReader, authz.RoleProjectMember, authz.RoleProjectAdmin, authz.RoleProjectOwner,
}

const customRoleBase = 1000

// roleNumber is the wire number of a role view (0 if it has none).
func roleNumber(v *service.RoleView) int64 {
	if v.Builtin {
		if i := slices.Index(builtinRoles, v.Key); i >= 0 {
			return int64(i + 1)
		}
		return 0
	}
	return customRoleBase + v.Seq
}

// roleKey turns a wire role ID into a Warden role key.
func (c *call) roleKey(s string) (string, error) {
	n, ok := number(s)
	switch {
	case !ok:
		return "", iam.ErrNotFound("role")
	case n <= int64(len(builtinRoles)):
		return builtinRoles[n-1], nil
	case n <= customRoleBase:
		return "", iam.ErrNotFound("role")
	}
	id, err := c.s.env.Svc.IDByNumber(c.ctx, iam.SeqRole, n-customRoleBase)
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

// roleKeys resolves role IDs of a request body; unknown ones are invalid.
func (c *call) roleKeys(field string, ids []string) ([]string, error) {
	out := []string{}
	for _, s := range ids {
		key, err := c.roleKey(s)
		if iam.IsKind(err, iam.NotFound) {
			return nil, invalid(field, "no role has ID "+s)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, key)
	}
	return out, nil
}

// expand lists the catalog permissions a role's patterns grant.
func expand(patterns []string) []authz.Permission {
	var out []authz.Permission
	for _, p := range authz.Catalog() {
		if strings.HasPrefix(p.Name, "instance.") {
			continue // no role grants these
		}
		for _, pat := range patterns {
			if authz.Match(pat, p.Name) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

func wirePermission(p authz.Permission) permission {
	return permission{Label: p.Label, PermissionID: itoa(int64(p.ID)), IsManagementPermission: p.IsManagement,
		Permission: strings.ToUpper(strings.ReplaceAll(p.Name, ".", "_"))}
}

func wireRole(v *service.RoleView) role {
	r := role{Name: v.Key, RoleID: itoa(roleNumber(v)), IsBuiltin: v.Builtin}
	if !v.Builtin {
		r.Name = v.Name
	}
	for _, p := range expand(v.Permissions) {
		if p.IsManagement {
			r.HasManagementPermissions = true
			break
		}
	}
	return r
}

// shown says whether a role is one this surface lists.
func shown(v *service.RoleView) bool { return roleNumber(v) > 0 }

func (c *call) roleDetail(v *service.RoleView) roleDetail {
	w := wireRole(v)
	d := roleDetail{Name: w.Name, RoleID: w.RoleID, IsBuiltin: w.IsBuiltin, Permissions: []permission{},
		Links: selfLinks{Self: c.link("/v7/roles/"+w.RoleID, nil)}}
	for _, p := range expand(v.Permissions) {
		d.Permissions = append(d.Permissions, wirePermission(p))
	}
	return d
}

// allRoles lists the roles once per request.
func (c *call) allRoles() ([]*service.RoleView, error) {
	if c.roles == nil && c.rolesErr == nil {
		c.roles, c.rolesErr = c.s.env.Svc.Roles.List(c.ctx)
	}
	return c.roles, c.rolesErr
}

// wireRoleByKey renders the role a binding names, if this surface shows it.
func (c *call) wireRoleByKey(key string) (role, bool) {
	if r, ok := authz.BuiltinRole(key); ok {
		v := &service.RoleView{Key: r.Key, Name: r.Name, Kind: r.Kind, Builtin: true, Permissions: r.Permissions}
		return wireRole(v), shown(v)
	}
	roles, _ := c.allRoles()
	for _, v := range roles {
		if v.Key == key {
			return wireRole(v), shown(v)
		}
	}
	return role{}, false
}

func (s *server) listRoles(w http.ResponseWriter, r *http.Request, c *call) error {
	if _, err := c.contextGroup(); err != nil {
		return err
	}
	roles, err := c.allRoles()
	if err != nil {
		return err
	}
	out := []role{}
	for _, v := range roles {
		if shown(v) {
			out = append(out, wireRole(v))
		}
	}
	return write(w, http.StatusOK, map[string]any{"roles": out, "_links": c.self()})
}

func (s *server) getRole(w http.ResponseWriter, r *http.Request, c *call) error {
	if _, err := c.contextGroup(); err != nil {
		return err
	}
	key, err := c.roleKey(r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.env.Svc.Roles.Get(c.ctx, key)
	if err != nil {
		return err
	}
	if !shown(v) {
		return iam.ErrNotFound("role")
	}
	return write(w, http.StatusOK, c.roleDetail(v))
}

// permissionNames turns a request's permission IDs into catalog names.
func permissionNames(ids []string) ([]string, error) {
	out := []string{}
	for _, s := range ids {
		n, ok := number(s)
		found := false
		if ok {
			for _, p := range authz.Catalog() {
				if int64(p.ID) == n {
					out, found = append(out, p.Name), true
					break
				}
			}
		}
		if !found {
			return nil, invalid("permissions", "no permission has ID "+s+"; see GET /v7/permissions")
		}
	}
	return out, nil
}

func (s *server) createRole(w http.ResponseWriter, r *http.Request, c *call) error {
	if _, err := c.contextGroup(); err != nil {
		return err
	}
	var in roleRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Name == nil {
		return invalid("name", "is required")
	}
	perms, err := permissionNames(in.Permissions)
	if err != nil {
		return err
	}
	v, err := s.env.Svc.Roles.Create(c.ctx, service.RoleInput{Name: *in.Name, Permissions: perms})
	if err != nil {
		return err
	}
	d := c.roleDetail(v)
	w.Header().Set("Location", d.Links.Self.Href)
	return write(w, http.StatusCreated, d)
}

func (s *server) updateRole(w http.ResponseWriter, r *http.Request, c *call) error {
	if _, err := c.contextGroup(); err != nil {
		return err
	}
	key, err := c.roleKey(r.PathValue("id"))
	if err != nil {
		return err
	}
	var in roleRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	var perms []string
	if in.Permissions != nil {
		if perms, err = permissionNames(in.Permissions); err != nil {
			return err
		}
	}
	v, err := s.env.Svc.Roles.Update(c.ctx, key, func(doc *service.RoleInput) error {
		if in.Name != nil {
			doc.Name = *in.Name
		}
		if in.Permissions != nil {
			doc.Permissions = perms
		}
		return nil
	})
	if err != nil {
		return err
	}
	return write(w, http.StatusOK, c.roleDetail(v))
}

func (s *server) deleteRole(w http.ResponseWriter, r *http.Request, c *call) error {
	if _, err := c.contextGroup(); err != nil {
		return err
	}
	key, err := c.roleKey(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.env.Svc.Roles.Delete(c.ctx, key, false); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) listPermissions(w http.ResponseWriter, r *http.Request, c *call) error {
	ag, err := c.contextGroup()
	if err != nil {
		return err
	}
	var ws iam.ID
	if ag != nil {
		ws = ag.ID
	}
	catalog, err := s.env.Svc.Access.ManagementCatalog(c.ctx, ws)
	if err != nil {
		return err
	}
	out := []permission{}
	for _, p := range catalog {
		if !strings.HasPrefix(p.Name, "instance.") {
			out = append(out, wirePermission(p))
		}
	}
	return write(w, http.StatusOK, map[string]any{"permissions": out, "_links": c.self()})
}
