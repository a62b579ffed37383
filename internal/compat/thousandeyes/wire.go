package thousandeyes

import (
	"strconv"
	"time"
)

// Wire documents, named and shaped as the OpenAPI file has them.

type linkDoc struct {
	Href string `json:"href"`
}

type selfLinks struct {
	Self *linkDoc `json:"self,omitempty"`
}

type pageLinks struct {
	Self     *linkDoc `json:"self,omitempty"`
	Next     *linkDoc `json:"next,omitempty"`
	Previous *linkDoc `json:"previous,omitempty"`
}

type accountGroup struct {
	Aid              string `json:"aid"`
	AccountGroupName string `json:"accountGroupName"`
}

type accountGroupInfo struct {
	accountGroup
	IsCurrentAccountGroup bool   `json:"isCurrentAccountGroup"`
	IsDefaultAccountGroup bool   `json:"isDefaultAccountGroup"`
	OrganizationName      string `json:"organizationName,omitempty"`
	OrgID                 string `json:"orgId,omitempty"`
}

type accountGroupDetail struct {
	accountGroupInfo
	Users        []userAccountGroup `json:"users,omitempty"`
	Links        selfLinks          `json:"_links"`
	Agents       *[]struct{}        `json:"agents,omitempty"`
	AccountToken string             `json:"accountToken,omitempty"`
}

type accountGroupRequest struct {
	AccountGroupName *string  `json:"accountGroupName"`
	Agents           []string `json:"agents"`
}

type role struct {
	Name                     string `json:"name"`
	RoleID                   string `json:"roleId"`
	IsBuiltin                bool   `json:"isBuiltin"`
	HasManagementPermissions bool   `json:"hasManagementPermissions"`
}

type roleDetail struct {
	Name        string       `json:"name"`
	RoleID      string       `json:"roleId"`
	IsBuiltin   bool         `json:"isBuiltin"`
	Permissions []permission `json:"permissions"`
	Links       selfLinks    `json:"_links"`
}

type roleRequest struct {
	Name        *string  `json:"name"`
	Permissions []string `json:"permissions"`
}

type permission struct {
	Label                  string `json:"label"`
	PermissionID           string `json:"permissionId"`
	IsManagementPermission bool   `json:"isManagementPermission"`
	Permission             string `json:"permission"`
}

type userDoc struct {
	Name              string        `json:"name,omitempty"`
	Email             string        `json:"email"`
	UID               string        `json:"uid"`
	DateRegistered    *time.Time    `json:"dateRegistered,omitempty"`
	LoginAccountGroup *accountGroup `json:"loginAccountGroup,omitempty"`
	LastLogin         *time.Time    `json:"lastLogin,omitempty"`
}

type userDetail struct {
	userDoc
	AccountGroupRoles    []accountGroupRole `json:"accountGroupRoles"`
	AllAccountGroupRoles []role             `json:"allAccountGroupRoles"`
	Links                selfLinks          `json:"_links"`
}

type accountGroupRole struct {
	AccountGroup accountGroup `json:"accountGroup"`
	Roles        []role       `json:"roles"`
}

type userAccountGroup struct {
	Name           string     `json:"name,omitempty"`
	Email          string     `json:"email"`
	UID            string     `json:"uid"`
	LastLogin      *time.Time `json:"lastLogin,omitempty"`
	DateRegistered *time.Time `json:"dateRegistered,omitempty"`
	Roles          []role     `json:"roles"`
}

type userRequest struct {
	Name                   *string                `json:"name"`
	Email                  *string                `json:"email"`
	LoginAccountGroupID    *string                `json:"loginAccountGroupId"`
	AccountGroupRoles      []userAccountGroupRole `json:"accountGroupRoles"`
	AllAccountGroupRoleIDs []string               `json:"allAccountGroupRoleIds"`
}

type userAccountGroupRole struct {
	AccountGroupID string   `json:"accountGroupId"`
	RoleIDs        []string `json:"roleIds"`
}

type userEvent struct {
	Aid              string     `json:"aid,omitempty"`
	AccountGroupName string     `json:"accountGroupName,omitempty"`
	Date             time.Time  `json:"date"`
	Event            string     `json:"event"`
	IPAddress        string     `json:"ipAddress,omitempty"`
	UID              string     `json:"uid,omitempty"`
	User             string     `json:"user,omitempty"`
	Resources        []resource `json:"resources,omitempty"`
}

type resource struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

type auditUserEvents struct {
	AuditEvents []userEvent `json:"auditEvents"`
	StartDate   *time.Time  `json:"startDate,omitempty"`
	EndDate     *time.Time  `json:"endDate,omitempty"`
	Links       pageLinks   `json:"_links"`
}

type apiToken struct {
	BearerToken string    `json:"bearerToken"`
	ValidUntil  time.Time `json:"validUntil"`
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// utc renders a time at second precision in UTC, as ThousandEyes does.
func utc(t time.Time) *time.Time {
	u := t.UTC().Truncate(time.Second)
	return &u
}
