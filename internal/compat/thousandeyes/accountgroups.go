package thousandeyes

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// visible lists the workspaces the caller can see, once per request.
func (c *call) visible() ([]*service.WorkspaceView, error) {
	if c.workspaces == nil {
		ws, err := c.s.env.Svc.Workspaces.List(c.ctx, false, false)
		if err != nil {
			return nil, err
		}
		c.workspaces = append([]*service.WorkspaceView{}, ws...)
	}
	return c.workspaces, nil
}

func (c *call) visibleByID(id iam.ID) *iam.Workspace {
	ws, err := c.visible()
	if err != nil {
		return nil
	}
	for _, w := range ws {
		if w.ID == id {
			return w.Workspace
		}
	}
	return nil
}

// contextGroup is the account group a request acts in: the aid parameter,
// refused unless the caller can see that group, or else the caller's login
// account group (nil when it sees none).
func (c *call) contextGroup() (*iam.Workspace, error) {
	if aid := c.r.URL.Query().Get("aid"); c.r.URL.Query().Has("aid") {
		refused := &wireError{status: http.StatusForbidden, title: "Insufficient permissions to query endpoint",
			detail: "you are not assigned to account group " + aid}
		id, err := c.resolve(iam.SeqWorkspace, aid)
		if err != nil {
			if iam.IsKind(err, iam.NotFound) {
				return nil, refused
			}
			return nil, err
		}
		w, err := c.s.env.Svc.Workspaces.Get(c.ctx, id)
		if iam.IsKind(err, iam.NotFound) || iam.IsKind(err, iam.PermissionDenied) {
			return nil, refused
		}
		return w, err
	}
	return c.callerLoginGroup()
}

// storedLoginGroup reads the login account group kept in a user's metadata.
func storedLoginGroup(u *iam.User) iam.ID {
	var md struct {
		TE struct {
			Login string `json:"loginAccountGroupId"`
		} `json:"thousandeyes"`
	}
	if json.Unmarshal(u.Metadata, &md) != nil {
		return iam.NilID
	}
	id, err := iam.ParseID(md.TE.Login)
	if err != nil {
		return iam.NilID
	}
	return id
}

// withLoginGroup returns metadata with the login account group set.
func withLoginGroup(metadata json.RawMessage, ws iam.ID) (json.RawMessage, error) {
	md := map[string]any{}
	if len(metadata) > 0 {
		if err := json.Unmarshal(metadata, &md); err != nil || md == nil {
			md = map[string]any{}
		}
	}
	te, _ := md["thousandeyes"].(map[string]any)
	if te == nil {
		te = map[string]any{}
	}
	te["loginAccountGroupId"] = ws.String()
	md["thousandeyes"] = te
	return json.Marshal(md)
}

// loginGroup is a user's login account group among the caller's visible
// ones: the stored one, else the first workspace the user holds a role in
// (of bindings, when known), else nil.
func (c *call) loginGroup(u *iam.User, bindings []*iam.RoleBinding) *iam.Workspace {
	if id := storedLoginGroup(u); !id.IsZero() {
		if w := c.visibleByID(id); w != nil {
			return w
		}
	}
	for _, b := range bindings {
		if b.ScopeType == iam.ScopeWorkspace {
			if w := c.visibleByID(b.ScopeID); w != nil {
				return w
			}
		}
	}
	return nil
}

// callerLoginGroup is the caller's login account group, or else the first
// account group it can see.
func (c *call) callerLoginGroup() (*iam.Workspace, error) {
	if c.p.Kind == iam.KindUser {
		u, err := c.s.env.Svc.Users.Current(c.ctx)
		if err != nil {
			return nil, err
		}
		bs, err := c.s.env.Svc.Bindings.UserBindings(c.ctx, u.ID)
		if err != nil {
			return nil, err
		}
		if w := c.loginGroup(u, bs); w != nil {
			return w, nil
		}
	}
	ws, err := c.visible()
	if err != nil || len(ws) == 0 {
		return nil, err
	}
	return ws[0].Workspace, nil
}

func wireGroup(w *iam.Workspace) accountGroup {
	return accountGroup{Aid: itoa(w.Seq), AccountGroupName: w.Title}
}

// info renders a workspace as AccountGroupInfo.
func (c *call) info(w *iam.Workspace, current, login *iam.Workspace, org *iam.Org) accountGroupInfo {
	i := accountGroupInfo{accountGroup: wireGroup(w),
		IsCurrentAccountGroup: current != nil && current.ID == w.ID,
		IsDefaultAccountGroup: login != nil && login.ID == w.ID}
	if org != nil {
		i.OrganizationName, i.OrgID = org.Name, itoa(org.Seq)
	}
	return i
}

// org is the caller's organization, when it may read it.
func (c *call) org() *iam.Org {
	o, err := c.s.env.Svc.Orgs.Get(c.ctx, c.p.OrgID)
	if err != nil {
		return nil
	}
	return o
}

func (s *server) listAccountGroups(w http.ResponseWriter, r *http.Request, c *call) error {
	current, err := c.contextGroup()
	if err != nil {
		return err
	}
	login, err := c.callerLoginGroup()
	if err != nil {
		return err
	}
	ws, err := c.visible()
	if err != nil {
		return err
	}
	org := c.org()
	out := []accountGroupInfo{}
	for _, v := range ws {
		out = append(out, c.info(v.Workspace, current, login, org))
	}
	return write(w, http.StatusOK, map[string]any{"accountGroups": out, "_links": c.self()})
}

// expansions reads the expand parameter: a list of user and agent.
func (c *call) expansions() (users, agents bool, err error) {
	for _, v := range c.r.URL.Query()["expand"] {
		for _, e := range strings.Split(v, ",") {
			switch strings.TrimSpace(e) {
			case "user":
				users = true
			case "agent":
				agents = true
			default:
				return false, false, invalid("expand", "must list user or agent")
			}
		}
	}
	return users, agents, nil
}

// detail renders a workspace as AccountGroupDetail.
func (c *call) detail(ws *iam.Workspace, users, agents bool) (*accountGroupDetail, error) {
	current, err := c.contextGroup()
	if err != nil {
		return nil, err
	}
	login, err := c.callerLoginGroup()
	if err != nil {
		return nil, err
	}
	d := &accountGroupDetail{accountGroupInfo: c.info(ws, current, login, c.org()),
		Links: selfLinks{Self: c.link("/v7/account-groups/"+itoa(ws.Seq), nil)}, AccountToken: ws.ID.Hex()}
	if agents {
		d.Agents = &[]struct{}{} // Warden has no Enterprise Agents
	}
	if users {
		members, err := c.s.env.Svc.Workspaces.Members(c.ctx, ws.ID)
		if err != nil {
			return nil, err
		}
		d.Users = []userAccountGroup{}
		for _, m := range members {
			if m.User == nil {
				continue
			}
			uag := userAccountGroup{Name: m.User.FullName, Email: m.User.Email, UID: itoa(m.User.Seq),
				DateRegistered: utc(m.User.CreatedAt), Roles: []role{}}
			if m.User.LastLoginAt != nil {
				uag.LastLogin = utc(*m.User.LastLoginAt)
			}
			if rl, ok := c.wireRoleByKey("project." + m.Role); ok {
				uag.Roles = append(uag.Roles, rl)
			}
			d.Users = append(d.Users, uag)
		}
	}
	return d, nil
}

// checkAgents refuses agent lists: Warden has no Enterprise Agents, so no
// agent ID names one.
func checkAgents(agents []string) error {
	if len(agents) > 0 {
		return invalid("agents", "no enterprise agent has ID "+agents[0])
	}
	return nil
}

func (s *server) createAccountGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	users, agents, err := c.expansions()
	if err != nil {
		return err
	}
	var in accountGroupRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.AccountGroupName == nil {
		return invalid("accountGroupName", "is required")
	}
	if err := checkAgents(in.Agents); err != nil {
		return err
	}
	ws, err := s.env.Svc.Workspaces.Create(c.ctx, *in.AccountGroupName)
	if err != nil {
		return err
	}
	d, err := c.detail(ws, users, agents)
	if err != nil {
		return err
	}
	d.AccountToken, d.Agents = "", nil // CreatedAccountGroup has neither
	w.Header().Set("Location", d.Links.Self.Href)
	return write(w, http.StatusCreated, d)
}

func (s *server) getAccountGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	users, agents, err := c.expansions()
	if err != nil {
		return err
	}
	id, err := c.resolve(iam.SeqWorkspace, r.PathValue("id"))
	if err != nil {
		return err
	}
	ws, err := s.env.Svc.Workspaces.Get(c.ctx, id)
	if err != nil {
		return err
	}
	d, err := c.detail(ws, users, agents)
	if err != nil {
		return err
	}
	return write(w, http.StatusOK, d)
}

func (s *server) updateAccountGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	users, agents, err := c.expansions()
	if err != nil {
		return err
	}
	id, err := c.resolve(iam.SeqWorkspace, r.PathValue("id"))
	if err != nil {
		return err
	}
	var in accountGroupRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.AccountGroupName == nil {
		return invalid("accountGroupName", "is required")
	}
	if err := checkAgents(in.Agents); err != nil {
		return err
	}
	ws, err := s.env.Svc.Workspaces.Update(c.ctx, id, func(u *service.WorkspaceUpdate) error {
		u.Title = *in.AccountGroupName
		return nil
	})
	if err != nil {
		return err
	}
	c.workspaces = nil // the title changed
	d, err := c.detail(ws, users, agents)
	if err != nil {
		return err
	}
	return write(w, http.StatusOK, d)
}

func (s *server) deleteAccountGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := c.resolve(iam.SeqWorkspace, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.env.Svc.Workspaces.Delete(c.ctx, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
