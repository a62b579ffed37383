package arthur

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// plan is what UserResponse.plan says of every Warden organization: the
// client only displays it.
const plan = "self-hosted"

// prefsKey is the member of a user's metadata that keeps the Arthur
// dashboard's per-user flags, which Warden itself has no use for.
const prefsKey = "arthur"

// prefs are Arthur's per-user dashboard flags, kept in the user's metadata
// under prefsKey so that they read back as written. Absent flags are false.
type prefs struct {
	AlertNotificationsEnabled bool `json:"alert_notifications_enabled"`
	ShowIntroSequence         bool `json:"show_intro_sequence"`
	HelpModeEnabled           bool `json:"help_mode_enabled"`
}

// prefsEdit is a request's changes to prefs; nil leaves a flag alone.
type prefsEdit struct {
	AlertNotificationsEnabled *bool `json:"alert_notifications_enabled"`
	ShowIntroSequence         *bool `json:"show_intro_sequence"`
	HelpModeEnabled           *bool `json:"help_mode_enabled"`
}

func (e prefsEdit) empty() bool {
	return e.AlertNotificationsEnabled == nil && e.ShowIntroSequence == nil && e.HelpModeEnabled == nil
}

func prefsOf(meta json.RawMessage) prefs {
	var m map[string]json.RawMessage
	var p prefs
	if json.Unmarshal(meta, &m) == nil {
		json.Unmarshal(m[prefsKey], &p) // a foreign value there reads as the defaults
	}
	return p
}

// withPrefs returns meta with e applied to its prefs.
func withPrefs(meta json.RawMessage, e prefsEdit) (json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if len(meta) > 0 {
		if err := json.Unmarshal(meta, &m); err != nil || m == nil {
			m = map[string]json.RawMessage{}
		}
	}
	p := prefsOf(meta)
	if e.AlertNotificationsEnabled != nil {
		p.AlertNotificationsEnabled = *e.AlertNotificationsEnabled
	}
	if e.ShowIntroSequence != nil {
		p.ShowIntroSequence = *e.ShowIntroSequence
	}
	if e.HelpModeEnabled != nil {
		p.HelpModeEnabled = *e.HelpModeEnabled
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	m[prefsKey] = b
	return json.Marshal(m)
}

// userJSON is Arthur's User: the body of a login.
type userJSON struct {
	ID        iam.ID   `json:"id"`
	FirstName string   `json:"first_name"`
	LastName  string   `json:"last_name"`
	Email     string   `json:"email"`
	Username  string   `json:"username"`
	Roles     []string `json:"roles"`
	prefs
	CreatedAt time.Time `json:"created_at"`
}

// names returns a user's first and last names; a user with only a full
// name gets it split at the first space.
func names(u *iam.User) (first, last string) {
	if u.FirstName != "" || u.LastName != "" {
		return u.FirstName, u.LastName
	}
	first, last, _ = strings.Cut(strings.TrimSpace(u.FullName), " ")
	return first, strings.TrimSpace(last)
}

func toUserJSON(u *iam.User) userJSON {
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	first, last := names(u)
	return userJSON{ID: u.ID, FirstName: first, LastName: last, Email: u.Email, Username: u.Username,
		Roles: roles, prefs: prefsOf(u.Metadata), CreatedAt: u.CreatedAt.UTC()}
}

// contextJSON is Arthur's UserContext: a workspace (or the organization)
// the user may work in.
type contextJSON struct {
	Name string `json:"name"`
	ID   iam.ID `json:"id"`
}

// userResponseJSON is Arthur's UserResponse: a user seen in the caller's
// current context. Contexts is set only for the caller's own user.
type userResponseJSON struct {
	ID               iam.ID   `json:"id"`
	OrganizationID   iam.ID   `json:"organization_id"`
	OrganizationName string   `json:"organization_name"`
	FirstName        string   `json:"first_name"`
	LastName         string   `json:"last_name"`
	Email            string   `json:"email"`
	Username         string   `json:"username"`
	Roles            []string `json:"roles"`
	prefs
	Plan      string        `json:"plan"`
	CreatedAt time.Time     `json:"created_at"`
	Contexts  []contextJSON `json:"contexts,omitempty"`
}

func toUserResponse(u *iam.User, current contextJSON, contexts []contextJSON) userResponseJSON {
	uj := toUserJSON(u)
	return userResponseJSON{ID: uj.ID, OrganizationID: current.ID, OrganizationName: current.Name,
		FirstName: uj.FirstName, LastName: uj.LastName, Email: uj.Email, Username: uj.Username, Roles: uj.Roles,
		prefs: uj.prefs, Plan: plan, CreatedAt: uj.CreatedAt, Contexts: contexts}
}

// contexts lists the caller's contexts — the workspaces it can reach, or
// the organization itself when it reaches none — and picks the current
// one: the context the Arthur-Organization-ID header names, else the first.
func (s *server) contexts(ctx context.Context, r *http.Request) (current contextJSON, all []contextJSON, err error) {
	p := iam.PrincipalFrom(ctx)
	views, err := s.env.Svc.Workspaces.List(ctx, false, false)
	if err != nil {
		return contextJSON{}, nil, err
	}
	for _, v := range views {
		all = append(all, contextJSON{Name: v.Title, ID: v.ID})
	}
	if len(all) == 0 {
		name := ""
		org, err := s.env.Svc.Orgs.Get(ctx, p.OrgID)
		switch {
		case err == nil:
			name = org.Name
		case !iam.IsKind(err, iam.PermissionDenied):
			return contextJSON{}, nil, err
		}
		all = []contextJSON{{Name: name, ID: p.OrgID}}
	}
	current = all[0]
	if want, err := iam.ParseID(strings.TrimSpace(r.Header.Get(orgHeader))); err == nil {
		for _, c := range all {
			if c.ID == want {
				current = c
				break
			}
		}
	}
	return current, all, nil
}

// authInfoJSON is Arthur's AuthenticationInfo.
type authInfoJSON struct {
	OrganizationIDs  []iam.ID `json:"organization_ids"`
	Issuer           string   `json:"issuer"`
	ExternalUserID   *string  `json:"external_user_id"`
	InternalUserID   *iam.ID  `json:"internal_user_id"`
	ServiceAccountID *iam.ID  `json:"service_account_id"`
	Username         string   `json:"username"`
	FirstName        string   `json:"first_name"`
	LastName         string   `json:"last_name"`
	Email            string   `json:"email"`
	Roles            []string `json:"roles"`
}

func optionalID(id iam.ID) *iam.ID {
	if id.IsZero() {
		return nil
	}
	return &id
}
