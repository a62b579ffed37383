package squirro

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// token is POST /api/user/oauth2/token, form-encoded, with SquirroClient's
// four grants. The client authenticates with the client_id and
// client_secret form fields (a Warden OAuth client: a first-party client
// allowed the password grant for password and ext_id; none is needed to
// refresh a user's own grant). The "tenant" field is not needed: the
// client or the credential names the organization.
//
// Errors, as SquirroClient reads them: 400 input error (invalid_request,
// unsupported_grant_type, invalid_scope), 403 bad or unauthorized client,
// 404 unknown credential, 410 revoked, expired or reused one.
func (s *surface) token(w http.ResponseWriter, r *http.Request) error {
	if q := s.env.Limit(r, nil); !q.OK {
		return rateLimited(q.RetryAfter)
	}
	if err := form(r); err != nil {
		return err
	}
	f := r.PostForm
	info := map[string]any{}
	if raw := f.Get("user_information"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &info); err != nil || info == nil {
			return iam.InvalidFields(iam.FieldError{Field: "user_information", Message: "must be a JSON object"})
		}
	}
	cc := service.ClientCredentials{ID: f.Get("client_id"), Secret: f.Get("client_secret")}
	var tok *service.Token
	var err error
	switch gt := f.Get("grant_type"); gt {
	case "access_token":
		tok, err = s.env.Svc.OAuth.ExchangeAccessToken(r.Context(), cc, f.Get("access_token"))
	case "password", "refresh_token", "ext_id":
		tok, err = s.env.Svc.OAuth.Token(r.Context(), service.TokenRequest{GrantType: gt, Client: cc,
			Username: f.Get("username"), Password: f.Get("password"), RefreshToken: f.Get("refresh_token"),
			Scope: f.Get("scope"), AuthService: f.Get("auth_service"), AuthUser: f.Get("auth_user")})
	case "":
		err = iam.E(iam.Invalid, service.OAuthInvalidRequest, "grant_type is required")
	default:
		err = iam.E(iam.Invalid, service.OAuthUnsupportedGrantType, "grant_type must be password, refresh_token, access_token or ext_id")
	}
	if err != nil {
		s.failWith(w, r, err, tokenStatus(err))
		return nil
	}
	// The new token describes its holder: their roles and what the token
	// may do.
	p, err := s.env.Svc.Auth.Authenticate(r.Context(), tok.AccessToken)
	if err != nil {
		return err
	}
	ctx := iam.WithPrincipal(r.Context(), p)
	var rolePerms []string
	if p.Kind == iam.KindUser {
		u, err := s.env.Svc.Users.Current(ctx)
		if err != nil {
			return err
		}
		rolePerms = rolePermissions(u.Roles)
	}
	var projectPerms []string // null: not narrowed
	if tok.Grant != nil && len(tok.Grant.Permissions) > 0 {
		projectPerms = tok.Grant.Permissions
	}
	if scope := strings.Fields(tok.Scope); len(scope) > 0 {
		projectPerms = scope
	}
	var refresh *string
	if tok.RefreshToken != "" {
		refresh = &tok.RefreshToken
	}
	body := map[string]any{
		"access_token":        tok.AccessToken,
		"refresh_token":       refresh,
		"token_type":          "bearer",
		"expires_in":          tok.ExpiresIn,
		"tenant":              p.OrgID.Base64(),
		"user_id":             p.ID.Base64(),
		"role_permissions":    nonNil(rolePerms),
		"project_permissions": projectPerms,
		"user_information":    info,
	}
	if tok.Grant != nil {
		body["session_id"] = tok.Grant.ID.Base64()
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, body)
	return nil
}

// tokenStatus maps the token endpoint's errors to what SquirroClient's
// authenticate reads: 400 input error, 403/404/410 authentication error.
func tokenStatus(err error) int {
	switch iam.CodeOf(err) {
	case service.OAuthInvalidRequest, service.OAuthUnsupportedGrantType, service.OAuthInvalidScope:
		return http.StatusBadRequest
	case service.OAuthInvalidClient, service.OAuthUnauthorizedClient:
		return http.StatusForbidden
	case service.OAuthInvalidGrant:
		if service.GrantGone(err) {
			return http.StatusGone
		}
		return http.StatusNotFound
	}
	return statusOf(iam.KindOf(err))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
