package httpapi

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// userJSON is a user on the wire.
type userJSON struct {
	ID            iam.ID          `json:"id"`
	OrgID         iam.ID          `json:"org_id"`
	Email         string          `json:"email"`
	Username      string          `json:"username"`
	FirstName     string          `json:"first_name"`
	LastName      string          `json:"last_name"`
	FullName      string          `json:"full_name"`
	Roles         []string        `json:"roles"`
	Metadata      json.RawMessage `json:"metadata"`
	Disabled      bool            `json:"disabled"`
	InstanceAdmin bool            `json:"instance_admin"`
	CreatedAt     textTime        `json:"created_at"`
	UpdatedAt     textTime        `json:"updated_at"`
	LastLoginAt   *textTime       `json:"last_login_at"`
}

func toUserJSON(u *iam.User) userJSON {
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	return userJSON{ID: u.ID, OrgID: u.OrgID, Email: u.Email, Username: u.Username, FirstName: u.FirstName,
		LastName: u.LastName, FullName: u.FullName, Roles: roles, Metadata: u.Metadata, Disabled: u.Disabled,
		InstanceAdmin: u.InstanceAdmin, CreatedAt: textTime(u.CreatedAt), UpdatedAt: textTime(u.UpdatedAt),
		LastLoginAt: (*textTime)(u.LastLoginAt)}
}

type createUserRequest struct {
	Email     string          `json:"email"`
	Username  string          `json:"username"`
	FirstName string          `json:"first_name"`
	LastName  string          `json:"last_name"`
	FullName  string          `json:"full_name"`
	Password  string          `json:"password"`
	Roles     []string        `json:"roles"`
	Metadata  json.RawMessage `json:"metadata"`
	Disabled  bool            `json:"disabled"`
}

func (in createUserRequest) toService() service.NewUser {
	return service.NewUser{Email: in.Email, Username: in.Username, FirstName: in.FirstName, LastName: in.LastName,
		FullName: in.FullName, Password: in.Password, Roles: in.Roles, Metadata: in.Metadata, Disabled: in.Disabled}
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	var in createUserRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.svc.Users.Create(r.Context(), in.toService())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/users/"+u.ID.String())
	writeJSON(w, http.StatusCreated, typeJSON, toUserJSON(u))
	return nil
}

func (s *Server) currentUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.svc.Users.Current(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeJSON, toUserJSON(u))
	return nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	q := query{r: r}
	f := iam.UserFilter{Email: q.str("email"), Q: q.str("q")}
	f.Limit, f.After = q.limit(), q.cursor()
	if q.err != nil {
		return q.err
	}
	users, err := s.svc.Users.List(r.Context(), f)
	if err != nil {
		return err
	}
	var next *string
	if len(users) > 0 {
		next = nextCursor(len(users), f.Limit, users[len(users)-1].ID)
	}
	return writeUserPage(w, users, next)
}

// userPatch is the document PATCH /v1/users/{id} edits; other fields of a
// user are read-only.
type userPatch struct {
	Email     string          `json:"email"`
	Username  string          `json:"username"`
	FirstName string          `json:"first_name"`
	LastName  string          `json:"last_name"`
	FullName  string          `json:"full_name"`
	Roles     []string        `json:"roles"`
	Metadata  json.RawMessage `json:"metadata"`
	Disabled  bool            `json:"disabled"`
}

// textTime is a time that encodes as its text: encoding/json checks and
// compacts again what a MarshalJSON (time.Time's) returns, but only
// quotes a MarshalText result.
type textTime time.Time

func (t textTime) MarshalText() ([]byte, error) { return time.Time(t).MarshalText() }
