package arthur

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// getMe answers the calling user in its current context, with the contexts
// it may choose from. A principal that is not a user (a service account's
// key) gets 403, which sends the client to /users/me/auth_info.
func (s *server) getMe(w http.ResponseWriter, r *http.Request) {
	u, err := s.env.Svc.Users.Current(r.Context())
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	current, all, err := s.contexts(r.Context(), r)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	writeJSON(w, http.StatusOK, toUserResponse(u, current, all))
}

// patchMe edits the calling user.
func (s *server) patchMe(w http.ResponseWriter, r *http.Request) {
	p := iam.PrincipalFrom(r.Context())
	if p.Kind != iam.KindUser {
		writeError(w, r, s.env, iam.E(iam.PermissionDenied, "not_a_user", "the caller is not a user"))
		return
	}
	s.patch(w, r, p.ID)
}

// userID reads the {user_id} of the path. An ID that does not parse names
// no user: 404.
func userID(r *http.Request) (iam.ID, error) {
	id, err := iam.ParseID(r.PathValue("user_id"))
	if err != nil {
		return iam.NilID, iam.ErrNotFound("user")
	}
	return id, nil
}

func (s *server) getUser(w http.ResponseWriter, r *http.Request) {
	id, err := userID(r)
	if err == nil {
		var u *iam.User
		if u, err = s.env.Svc.Users.Get(r.Context(), id); err == nil {
			s.writeUser(w, r, http.StatusOK, u)
			return
		}
	}
	writeError(w, r, s.env, err)
}

func (s *server) patchUser(w http.ResponseWriter, r *http.Request) {
	id, err := userID(r)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	s.patch(w, r, id)
}

// deleteUser removes a user (with their sessions and API keys): 204.
func (s *server) deleteUser(w http.ResponseWriter, r *http.Request) {
	id, err := userID(r)
	if err == nil {
		err = s.env.Svc.Users.Delete(r.Context(), id)
	}
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// writeUser answers one user as a UserResponse in the caller's current
// context.
func (s *server) writeUser(w http.ResponseWriter, r *http.Request, status int, u *iam.User) {
	current, _, err := s.contexts(r.Context(), r)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	writeJSON(w, status, toUserResponse(u, current, nil))
}

// newUserRequest is Arthur's NewUserRequest. Roles are Warden's org role
// keys (admin, user, reader, demo); the older single "role" is taken too.
type newUserRequest struct {
	Username  string   `json:"username"`
	Email     string   `json:"email"`
	Password  string   `json:"password"`
	FirstName string   `json:"first_name"`
	LastName  string   `json:"last_name"`
	Roles     []string `json:"roles"`
	Role      string   `json:"role"`
	prefsEdit
}

// createUser adds a user to the caller's organization: 201 with the user.
func (s *server) createUser(w http.ResponseWriter, r *http.Request) {
	var in newUserRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, s.env, err)
		return
	}
	roles := in.Roles
	if in.Role != "" && !slices.Contains(roles, in.Role) {
		roles = append(roles, in.Role)
	}
	nu := service.NewUser{Email: in.Email, Username: in.Username, FirstName: in.FirstName, LastName: in.LastName,
		Password: in.Password, Roles: roles}
	if !in.prefsEdit.empty() {
		meta, err := withPrefs(nil, in.prefsEdit)
		if err != nil {
			writeError(w, r, s.env, err)
			return
		}
		nu.Metadata = meta
	}
	u, err := s.env.Svc.Users.Create(r.Context(), nu)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	s.writeUser(w, r, http.StatusCreated, u)
}

// userPatch is Arthur's UserUpdate: every member optional. A password
// change needs old_password when users change their own.
type userPatch struct {
	FirstName   *string   `json:"first_name"`
	LastName    *string   `json:"last_name"`
	Email       *string   `json:"email"`
	Username    *string   `json:"username"`
	Roles       *[]string `json:"roles"`
	Role        *string   `json:"role"`
	Password    *string   `json:"password"`
	OldPassword *string   `json:"old_password"`
	prefsEdit
}

func (in *userPatch) profile() bool {
	return in.FirstName != nil || in.LastName != nil || in.Email != nil || in.Username != nil ||
		in.Roles != nil || in.Role != nil || !in.prefsEdit.empty()
}

// patch applies an Arthur UserUpdate to user id: the profile through
// Users.Update, then the password through Passwords.Change (two steps:
// should the password be refused, the profile change stands).
func (s *server) patch(w http.ResponseWriter, r *http.Request, id iam.ID) {
	ctx := r.Context()
	var in userPatch
	if err := decode(r, &in); err != nil {
		writeError(w, r, s.env, err)
		return
	}
	if err := s.applyPatch(ctx, id, &in); err != nil {
		writeError(w, r, s.env, err)
		return
	}
	u, err := s.env.Svc.Users.Get(ctx, id)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	s.writeUser(w, r, http.StatusOK, u)
}

func (s *server) applyPatch(ctx context.Context, id iam.ID, in *userPatch) error {
	if in.profile() {
		_, err := s.env.Svc.Users.Update(ctx, id, func(u *service.UserUpdate) error {
			derived := u.FullName == "" || u.FullName == strings.TrimSpace(u.FirstName+" "+u.LastName)
			set(&u.FirstName, in.FirstName)
			set(&u.LastName, in.LastName)
			if derived && (in.FirstName != nil || in.LastName != nil) {
				u.FullName = strings.TrimSpace(u.FirstName + " " + u.LastName)
			}
			set(&u.Email, in.Email)
			set(&u.Username, in.Username)
			if in.Roles != nil {
				u.Roles = *in.Roles
			}
			if in.Role != nil {
				u.Roles = []string{*in.Role}
			}
			if !in.prefsEdit.empty() {
				meta, err := withPrefs(u.Metadata, in.prefsEdit)
				if err != nil {
					return err
				}
				u.Metadata = meta
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if in.Password != nil {
		old := ""
		if in.OldPassword != nil {
			old = *in.OldPassword
		}
		return s.env.Svc.Passwords.Change(ctx, id, service.PasswordChange{Current: old, New: *in.Password, Confirm: *in.Password})
	}
	return nil
}

func set(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

// paginatedUsers is Arthur's PaginatedUsers.
type paginatedUsers struct {
	Data       []userResponseJSON `json:"data"`
	Page       int                `json:"page"`
	PageSize   int                `json:"page_size"`
	TotalPages int                `json:"total_pages"`
	TotalCount int                `json:"total_count"`
}

const (
	defaultPageSize = 20
	maxPageSize     = 500
)

// sortKeys are the columns ?sort= takes ("col" ascending, "-col"
// descending); ties fall back to the ID, which is time-ordered.
var sortKeys = map[string]func(a, b *iam.User) int{
	"id":         func(a, b *iam.User) int { return 0 },
	"created_at": func(a, b *iam.User) int { return a.CreatedAt.Compare(b.CreatedAt) },
	"email":      func(a, b *iam.User) int { return cmp.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email)) },
	"username": func(a, b *iam.User) int {
		return cmp.Compare(strings.ToLower(a.Username), strings.ToLower(b.Username))
	},
	"first_name": func(a, b *iam.User) int {
		af, _ := names(a)
		bf, _ := names(b)
		return cmp.Compare(strings.ToLower(af), strings.ToLower(bf))
	},
	"last_name": func(a, b *iam.User) int {
		_, al := names(a)
		_, bl := names(b)
		return cmp.Compare(strings.ToLower(al), strings.ToLower(bl))
	},
}

// positive reads a query parameter from 1 to hi, def when absent.
func positive(v, name string, def, hi int) (int, *iam.FieldError) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > hi {
		return 0, &iam.FieldError{Field: name, Message: "must be an integer from 1 to " + strconv.Itoa(hi)}
	}
	return n, nil
}

// listUsers answers a numbered page of the organization's users, sorted.
// Warden pages by key; numbered pages and sorting by any column are made
// here from the whole (keyset-read) list, which suits organizations of up
// to some ten thousand users.
func (s *server) listUsers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	var bad []iam.FieldError
	page, fe := positive(q.Get("page"), "page", 1, 1<<30)
	if fe != nil {
		bad = append(bad, *fe)
	}
	size, fe := positive(q.Get("page_size"), "page_size", defaultPageSize, maxPageSize)
	if fe != nil {
		bad = append(bad, *fe)
	}
	sortBy := q.Get("sort")
	desc := strings.HasPrefix(sortBy, "-")
	col := cmp.Or(strings.TrimPrefix(sortBy, "-"), "id")
	less, ok := sortKeys[col]
	if !ok || sortBy == "-" {
		bad = append(bad, iam.FieldError{Field: "sort", Message: "must be one of id, created_at, email, username, first_name, last_name, optionally prefixed by -"})
	}
	if len(bad) > 0 {
		writeError(w, r, s.env, iam.InvalidFields(bad...))
		return
	}
	var users []*iam.User
	f := iam.UserFilter{Page: iam.Page{Limit: 1000}}
	for {
		list, err := s.env.Svc.Users.List(ctx, f)
		if err != nil {
			writeError(w, r, s.env, err)
			return
		}
		users = append(users, list...)
		if len(list) < f.Limit {
			break
		}
		f.After = list[len(list)-1].ID
	}
	slices.SortStableFunc(users, func(a, b *iam.User) int {
		c := less(a, b)
		if c == 0 {
			c = strings.Compare(a.ID.Hex(), b.ID.Hex())
		}
		if desc {
			c = -c
		}
		return c
	})
	current, _, err := s.contexts(ctx, r)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	out := paginatedUsers{Data: []userResponseJSON{}, Page: page, PageSize: size, TotalCount: len(users),
		TotalPages: (len(users) + size - 1) / size}
	if start := (page - 1) * size; start < len(users) {
		for _, u := range users[start:min(start+size, len(users))] {
			out.Data = append(out.Data, toUserResponse(u, current, nil))
		}
	}
	writeJSON(w, http.StatusOK, out)
}
