package squirro

import (
	"net/http"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// memberJSON is Squirro's project member: a user (with their tenant role)
// or a group (its name as full_name, no email), with its project role and
// effective permissions in the project.
func memberJSON(m *service.Member, project iam.ID) map[string]any {
	j := map[string]any{"member_id": m.SubjectID.Base64(), "member_type": m.SubjectType, "project_role": m.Role,
		"project_id": project.Base64(), "permissions": nonNil(m.Permissions), "email": nil, "full_name": nil, "server_role": nil}
	switch {
	case m.User != nil:
		j["email"], j["full_name"] = m.User.Email, m.User.FullName
		if r := serverRole(m.User.Roles); r != "" {
			j["server_role"] = r
		}
	case m.Group != nil:
		j["full_name"], j["name"] = m.Group.Name, m.Group.Name
	}
	return j
}

// listMembers is GET /{v}/{t}/projects/{project}/members.
func (s *surface) listMembers(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "project", "project")
	if err != nil {
		return err
	}
	members, err := s.env.Svc.Projects.Members(r.Context(), pid)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(members))
	for _, m := range members {
		out = append(out, memberJSON(m, pid))
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": out})
	return nil
}

// addMember is POST /{v}/{t}/projects/{project}/members, form user_id xor
// group_id and role (reader, member, admin) → 200 with the member.
func (s *surface) addMember(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "project", "project")
	if err != nil {
		return err
	}
	if err := form(r); err != nil {
		return err
	}
	user, group := r.PostForm.Get("user_id"), r.PostForm.Get("group_id")
	subject := user
	switch {
	case user != "" && group != "":
		return iam.InvalidFields(iam.FieldError{Field: "group_id", Message: "must not be given with user_id"})
	case user == "" && group == "":
		return iam.InvalidFields(iam.FieldError{Field: "user_id", Message: "or group_id is required"})
	case group != "":
		subject = group
	}
	if _, err := iam.ParseID(subject); err != nil {
		return iam.ErrNotFound("user or group")
	}
	m, err := s.env.Svc.Projects.PutMember(r.Context(), pid, subject, r.PostForm.Get("role"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, memberJSON(m, pid))
	return nil
}

// updateMember is PUT /{v}/{t}/projects/{project}/members/{member}, form
// role → 200 with the member; someone who is not a member is 404.
func (s *surface) updateMember(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "project", "project")
	if err != nil {
		return err
	}
	mid, err := pathID(r, "member", "member")
	if err != nil {
		return err
	}
	if err := form(r); err != nil {
		return err
	}
	members, err := s.env.Svc.Projects.Members(r.Context(), pid)
	if err != nil {
		return err
	}
	found := false
	for _, m := range members {
		found = found || m.SubjectID == mid
	}
	if !found {
		return iam.ErrNotFound("member")
	}
	m, err := s.env.Svc.Projects.PutMember(r.Context(), pid, mid.String(), r.PostForm.Get("role"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, memberJSON(m, pid))
	return nil
}

// deleteMember is DELETE on the member → 204.
func (s *surface) deleteMember(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "project", "project")
	if err != nil {
		return err
	}
	mid, err := pathID(r, "member", "member")
	if err != nil {
		return err
	}
	if err := s.env.Svc.Projects.RemoveMember(r.Context(), pid, mid); err != nil {
		return err
	}
	return noContent(w)
}
