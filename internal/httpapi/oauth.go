package httpapi

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// The OAuth 2.0 endpoints speak their RFCs, not the native conventions:
// form-encoded requests, clients authenticated by HTTP Basic or by
// client_id/client_secret fields, and errors as RFC 6749 §5.2 JSON
// ({"error", "error_description"}) rather than problem+json.

const typeForm = "application/x-www-form-urlencoded"

// oauthForm is a parsed token, revocation or introspection request.
type oauthForm struct {
	values url.Values
	client service.ClientCredentials
	basic  bool // the client authenticated with HTTP Basic
}

func (f *oauthForm) get(name string) string { return f.values.Get(name) }

// readOAuthForm reads a form body and the client's credentials.
func readOAuthForm(r *http.Request) (*oauthForm, error) {
	f := &oauthForm{}
	if id, secret, ok := r.BasicAuth(); ok {
		// RFC 6749 §2.3.1: both parts are form-urlencoded inside Basic.
		var err1, err2 error
		f.client.ID, err1 = url.QueryUnescape(id)
		f.client.Secret, err2 = url.QueryUnescape(secret)
		if err := errors.Join(err1, err2); err != nil {
			return f, oauthErr(service.OAuthInvalidRequest, "the Basic credentials are not form-encoded")
		}
		f.basic = true
	}
	if mt := mediaType(r); mt != typeForm {
		return f, iam.Errorf(iam.Unsupported, service.OAuthInvalidRequest, "the body must be %s", typeForm)
	}
	b, err := readBody(r)
	if err != nil {
		return f, err
	}
	f.values, err = url.ParseQuery(string(b))
	if err != nil {
		return f, oauthErr(service.OAuthInvalidRequest, "the body is not a valid form")
	}
	for name, vs := range f.values {
		if len(vs) > 1 {
			return f, oauthErr(service.OAuthInvalidRequest, "the parameter "+name+" is given more than once")
		}
	}
	if id, secret := f.get("client_id"), f.get("client_secret"); id != "" || secret != "" {
		switch {
		case f.basic && secret != "":
			return f, oauthErr(service.OAuthInvalidRequest, "use one way of client authentication, not two")
		case f.basic && id != f.client.ID:
			return f, oauthErr(service.OAuthInvalidRequest, "client_id does not match the Basic credentials")
		case !f.basic:
			f.client = service.ClientCredentials{ID: id, Secret: secret}
		}
	}
	return f, nil
}

func oauthErr(code, description string) error { return iam.E(iam.Invalid, code, description) }

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
}

func (s *Server) oauthToken(w http.ResponseWriter, r *http.Request) error {
	f, err := readOAuthForm(r)
	if err != nil {
		s.writeOAuthError(w, r, err, f.basic)
		return nil
	}
	tok, err := s.svc.OAuth.Token(r.Context(), service.TokenRequest{GrantType: f.get("grant_type"), Client: f.client,
		Username: f.get("username"), Password: f.get("password"), RefreshToken: f.get("refresh_token"), Scope: f.get("scope"),
		AuthService: f.get("auth_service"), AuthUser: f.get("auth_user")})
	if err != nil {
		s.writeOAuthError(w, r, err, f.basic)
		return nil
	}
	writeOAuthJSON(w, http.StatusOK, tokenResponse{AccessToken: tok.AccessToken, TokenType: "Bearer", ExpiresIn: tok.ExpiresIn,
		RefreshToken: tok.RefreshToken, Scope: tok.Scope})
	return nil
}

func (s *Server) oauthRevoke(w http.ResponseWriter, r *http.Request) error {
	f, err := readOAuthForm(r)
	if err == nil {
		// token_type_hint is only a hint (RFC 7009 §2.1): the token's own
		// form says what it is.
		err = s.svc.OAuth.Revoke(r.Context(), f.client, f.get("token"))
	}
	if err != nil {
		s.writeOAuthError(w, r, err, f.basic)
		return nil
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	return nil
}

type introspectionResponse struct {
	Active    bool    `json:"active"`
	Subject   *iam.ID `json:"sub,omitempty"`
	Org       *iam.ID `json:"org,omitempty"`
	ClientID  *iam.ID `json:"client_id,omitempty"`
	Scope     *string `json:"scope,omitempty"`
	Exp       *int64  `json:"exp,omitempty"`
	Iat       *int64  `json:"iat,omitempty"`
	TokenType string  `json:"token_type,omitempty"`
	Kind      string  `json:"principal_type,omitempty"`
}

func (s *Server) oauthIntrospect(w http.ResponseWriter, r *http.Request) error {
	f, err := readOAuthForm(r)
	var in *service.Introspection
	if err == nil {
		in, err = s.svc.OAuth.Introspect(r.Context(), f.client, f.get("token"))
	}
	if err != nil {
		s.writeOAuthError(w, r, err, f.basic)
		return nil
	}
	out := introspectionResponse{Active: in.Active}
	if in.Active {
		iat := in.IssuedAt.Unix()
		out.Subject, out.Org, out.Scope, out.Iat = &in.Subject, &in.OrgID, &in.Scope, &iat
		out.ClientID = optionalID(in.ClientID)
		if in.ExpiresAt != nil {
			exp := in.ExpiresAt.Unix()
			out.Exp = &exp
		}
		out.TokenType, out.Kind = in.TokenType, string(in.Kind)
	}
	writeOAuthJSON(w, http.StatusOK, out)
	return nil
}

// writeOAuthJSON writes a token endpoint answer, which must not be cached
// (RFC 6749 §5.1).
func writeOAuthJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, status, typeJSON, v)
}

type oauthErrorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// writeOAuthError answers as RFC 6749 §5.2 says: 400 with the error code,
// or 401 and a Basic challenge when a client that used Basic failed to
// authenticate. Oversized and mistyped bodies keep their 413 and 415,
// throttled logins their 429 and Retry-After; anything unexpected is a
// logged 500 server_error.
func (s *Server) writeOAuthError(w http.ResponseWriter, r *http.Request, err error, basic bool) {
	var e *iam.Error
	if !errors.As(err, &e) {
		e = iam.Wrap(err, "internal error")
	}
	body := oauthErrorBody{Error: e.Code, Description: e.Message}
	status := http.StatusBadRequest
	switch {
	case e.Kind == iam.TooLarge:
		status, body.Error = http.StatusRequestEntityTooLarge, service.OAuthInvalidRequest
	case e.Kind == iam.Unsupported:
		status, body.Error = http.StatusUnsupportedMediaType, service.OAuthInvalidRequest
	case e.Code == service.OAuthInvalidClient:
		if basic {
			status = http.StatusUnauthorized
			w.Header().Set("WWW-Authenticate", `Basic realm="warden"`)
		}
	case service.IsOAuthError(e):
	case e.Kind == iam.RateLimited:
		status, body.Error = http.StatusTooManyRequests, "temporarily_unavailable"
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds()+0.999)))
		}
	case e.Kind == iam.Unavailable:
		status, body.Error = http.StatusServiceUnavailable, "temporarily_unavailable"
	case e.Kind == iam.Invalid:
		body.Error = service.OAuthInvalidRequest
	case e.Kind == iam.Unauthenticated:
		body.Error = service.OAuthInvalidGrant
	default:
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		status, body = http.StatusInternalServerError, oauthErrorBody{Error: "server_error", Description: "an internal error occurred"}
	}
	writeOAuthJSON(w, status, body)
}
