package sailpoint

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/wardenhq/warden/internal/compat/web"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

const typeJSONPatch = "application/json-patch+json"

// authUser is SailPoint's AuthUser. Nullable fields Warden keeps no value
// for are sent as null, as SailPoint does; profile and
// currentLoginTimestamp have no counterpart and are left out.
type authUser struct {
	Tenant                 string   `json:"tenant"`
	ID                     string   `json:"id"`
	UID                    string   `json:"uid"`
	IdentificationNumber   *string  `json:"identificationNumber"`
	Email                  *string  `json:"email"`
	Phone                  *string  `json:"phone"`
	WorkPhone              *string  `json:"workPhone"`
	PersonalEmail          *string  `json:"personalEmail"`
	Firstname              *string  `json:"firstname"`
	Lastname               *string  `json:"lastname"`
	DisplayName            string   `json:"displayName"`
	Alias                  string   `json:"alias"`
	LastPasswordChangeDate *string  `json:"lastPasswordChangeDate"`
	LastLoginTimestamp     *int64   `json:"lastLoginTimestamp,omitempty"`
	LastUnlockTimestamp    *string  `json:"lastUnlockTimestamp"`
	Capabilities           []string `json:"capabilities"`
}

// timeFormat is SailPoint's date-time: UTC with milliseconds.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toAuthUser(p *service.UserProfile) authUser {
	u := p.User
	uid := u.Username
	if uid == "" {
		uid = u.Email
	}
	display := u.FullName
	if display == "" {
		display = strings.TrimSpace(u.FirstName + " " + u.LastName)
	}
	if display == "" {
		display = uid
	}
	out := authUser{Tenant: p.OrgName, ID: u.ID.Hex(), UID: uid, Email: orNull(u.Email),
		Firstname: orNull(u.FirstName), Lastname: orNull(u.LastName), DisplayName: display, Alias: uid,
		Capabilities: p.Capabilities}
	if out.Capabilities == nil {
		out.Capabilities = []string{}
	}
	if p.PasswordChangedAt != nil {
		out.LastPasswordChangeDate = orNull(p.PasswordChangedAt.UTC().Format(timeFormat))
	}
	if u.LastLoginAt != nil {
		ms := u.LastLoginAt.UnixMilli()
		out.LastLoginTimestamp = &ms
	}
	return out
}

// authenticate reads the bearer token and charges the request to the rate
// limit. It answers 401 or 429 itself and then returns nil.
func (s *surface) authenticate(w http.ResponseWriter, r *http.Request) *http.Request {
	tok := web.Token(r)
	if tok == "" {
		if q := s.env.Limit(r, nil); !q.OK {
			writeRateLimited(w, q.RetryAfter)
			return nil
		}
		writeUnauthenticated(w, "JWT is missing")
		return nil
	}
	p, err := s.env.Svc.Auth.Authenticate(r.Context(), tok)
	if err != nil {
		if iam.IsKind(err, iam.Unauthenticated) {
			if q := s.env.Limit(r, nil); !q.OK {
				writeRateLimited(w, q.RetryAfter)
				return nil
			}
		}
		s.writeError(w, r, err)
		return nil
	}
	if q := s.env.Limit(r, p); !q.OK {
		writeRateLimited(w, q.RetryAfter)
		return nil
	}
	return r.WithContext(iam.WithPrincipal(r.Context(), p))
}

// userID reads the {id} of the path: an identity ID (32 hex digits; the
// other encodings of a Warden ID are taken too). Anything else names no
// user.
func userID(r *http.Request) (iam.ID, error) {
	id, err := iam.ParseID(r.PathValue("id"))
	if err != nil {
		return iam.NilID, iam.ErrNotFound("user")
	}
	return id, nil
}

// authUser is the start of a handler of one auth user: the request
// authenticated and the user's ID read. Failing, it has answered and r is
// nil.
func (s *surface) authUser(w http.ResponseWriter, r *http.Request) (_ *http.Request, id iam.ID) {
	if r = s.authenticate(w, r); r == nil {
		return nil, id
	}
	id, err := userID(r)
	if err != nil {
		s.writeError(w, r, err)
		return nil, id
	}
	return r, id
}

func (s *surface) getAuthUser(v version) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r, id := s.authUser(w, r)
		if r == nil {
			return
		}
		p, err := s.env.Svc.Users.Profile(r.Context(), id)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		p.Capabilities, _ = v.split(p.Capabilities)
		writeJSON(w, http.StatusOK, toAuthUser(p))
	}
}

// split parts capabilities into those v's document lists and the later
// ones.
func (v version) split(capabilities []string) (listed, later []string) {
	for _, c := range capabilities {
		if slices.Contains(v.later, c) {
			later = append(later, c)
		} else {
			listed = append(listed, c)
		}
	}
	return listed, later
}

// patchOperation is SailPoint's JsonPatchOperation (RFC 6902), with the
// "from" of move and copy.
type patchOperation struct {
	Op    string          `json:"op"`
	Path  *string         `json:"path"`
	From  *string         `json:"from,omitempty"`
	Value json.RawMessage `json:"value,omitempty"`
}

var patchOps = []string{"add", "remove", "replace", "move", "copy", "test"}

func badRequest(text string) error { return iam.E(iam.Invalid, "invalid_patch", text) }

// readPatch reads and checks a JSON Patch body, returning the patch and
// every path it touches.
func readPatch(r *http.Request) (jsonpatch.Patch, []string, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != typeJSONPatch {
		return nil, nil, iam.Errorf(iam.Unsupported, "unsupported_media_type", "the body must be a JSON Patch (%s)", typeJSONPatch)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, nil, iam.E(iam.TooLarge, "too_large", "the request body is too large")
		}
		return nil, nil, badRequest("the request body could not be read")
	}
	var ops []patchOperation
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&ops); err != nil || dec.More() {
		return nil, nil, badRequest("the body must be a JSON array of JSON Patch operations")
	}
	var paths []string
	for i, op := range ops {
		switch {
		case !slices.Contains(patchOps, op.Op):
			return nil, nil, badRequest("operation " + strconv.Itoa(i) + ": op must be one of add, remove, replace, move, copy, test")
		case op.Path == nil:
			return nil, nil, badRequest("operation " + strconv.Itoa(i) + ": path is required")
		case (op.Op == "add" || op.Op == "replace" || op.Op == "test") && op.Value == nil:
			return nil, nil, badRequest("operation " + strconv.Itoa(i) + ": value is required for " + op.Op)
		case (op.Op == "move" || op.Op == "copy") && op.From == nil:
			return nil, nil, badRequest("operation " + strconv.Itoa(i) + ": from is required for " + op.Op)
		}
		paths = append(paths, *op.Path)
		if op.From != nil {
			paths = append(paths, *op.From)
		}
	}
	patch, err := jsonpatch.DecodePatch(body)
	if err != nil {
		return nil, nil, badRequest("the body is not a valid JSON Patch")
	}
	return patch, paths, nil
}

type capabilitiesDoc struct {
	Capabilities []string `json:"capabilities"`
}

func (s *surface) patchAuthUser(v version) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r, id := s.authUser(w, r)
		if r == nil {
			return
		}
		patch, paths, err := readPatch(r)
		if err == nil {
			err = service.CheckCapabilityPatch(paths)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		p, err := s.env.Svc.Users.Profile(r.Context(), id)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		caps, err := s.env.Svc.Users.SetCapabilities(r.Context(), id, func(current []string) ([]string, error) {
			listed, later := v.split(current)
			next, err := applyPatch(patch, listed)
			if err != nil {
				return nil, err
			}
			if _, set := v.split(next); len(set) > 0 {
				return nil, iam.InvalidFields(iam.FieldError{Field: "capabilities",
					Message: set[0] + " is not a capability of " + v.name + "; a later version sets it"})
			}
			return append(next, later...), nil
		})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		p.Capabilities, _ = v.split(caps)
		writeJSON(w, http.StatusOK, toAuthUser(p))
	}
}

// applyPatch applies patch to {"capabilities": current}.
func applyPatch(patch jsonpatch.Patch, current []string) ([]string, error) {
	if current == nil {
		current = []string{}
	}
	doc, err := json.Marshal(capabilitiesDoc{Capabilities: current})
	if err != nil {
		return nil, iam.Wrap(err, "cannot encode capabilities")
	}
	out, err := patch.Apply(doc)
	if err != nil {
		return nil, badRequest("the patch does not apply: " + err.Error())
	}
	var next capabilitiesDoc
	if err := json.Unmarshal(out, &next); err != nil {
		return nil, iam.InvalidFields(iam.FieldError{Field: "capabilities", Message: "must be an array of strings"})
	}
	return next.Capabilities, nil
}
