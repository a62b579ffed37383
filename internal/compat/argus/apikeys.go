package argus

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

// userRef is the user a path's {user} names: its numeric ID, or its
// username (case-insensitively), in the caller's organization.
type userRef struct {
	ID  iam.ID
	Seq int64
}

func (s *server) user(r *http.Request) (userRef, error) {
	ctx := r.Context()
	ref := r.PathValue("user")
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
		if n <= 0 {
			return userRef{}, iam.ErrNotFound("user")
		}
		id, err := s.env.Svc.IDByNumber(ctx, iam.SeqUser, n)
		return userRef{ID: id, Seq: n}, err
	}
	id, err := s.env.Svc.IDByUsername(ctx, ref)
	if err != nil {
		return userRef{}, err
	}
	if p := iam.PrincipalFrom(ctx); p != nil && p.ID == id {
		u, err := s.env.Svc.Users.Current(ctx)
		if err != nil {
			return userRef{}, err
		}
		return userRef{ID: id, Seq: u.Seq}, nil
	}
	u, err := s.env.Svc.Users.Get(ctx, id)
	if err != nil {
		return userRef{}, err
	}
	return userRef{ID: id, Seq: u.Seq}, nil
}

// keyView is an API key on the wire. APIKey, the whole key, is shown once,
// by initiate.
type keyView struct {
	ID                int64    `json:"id"`
	Prefix            string   `json:"prefix"`
	User              userView `json:"user"`
	Description       string   `json:"description"`
	ValidSources      []string `json:"validSources"`
	CreatedTimestamp  int64    `json:"createdTimestamp"`
	ExpiresTimestamp  int64    `json:"expiresTimestamp"` // 0: never
	LastUsedTimestamp int64    `json:"lastUsedTimestamp"`
	LastUsedIP        string   `json:"lastUsedIP"`
	Revoked           bool     `json:"revoked"`
	APIKey            string   `json:"apiKey,omitempty"`
}

type userView struct {
	ID int64 `json:"id"`
}

// keyPrefix is how Argus names a key: <user ID in hex>/<key ID>.
func keyPrefix(userSeq, keySeq int64) string { return fmt.Sprintf("%x/%d", userSeq, keySeq) }

func viewKey(u userRef, k *iam.APIKey) keyView {
	src := k.ValidSources
	if src == nil {
		src = []string{}
	}
	return keyView{ID: k.Seq, Prefix: keyPrefix(u.Seq, k.Seq), User: userView{ID: u.Seq}, Description: k.Description,
		ValidSources: src, CreatedTimestamp: k.CreatedAt.UnixMilli(), ExpiresTimestamp: millis(k.ExpiresAt),
		LastUsedTimestamp: millis(k.LastUsedAt), LastUsedIP: k.LastUsedFrom, Revoked: k.RevokedAt != nil}
}

// keyUser resolves {user} for a key operation, refusing key-authenticated
// callers first (Argus: managing keys needs a login session).
func (s *server) keyUser(r *http.Request) (userRef, service.KeyOwner, error) {
	if err := s.env.Svc.APIKeys.RequireInteractive(r.Context()); err != nil {
		return userRef{}, service.KeyOwner{}, err
	}
	u, err := s.user(r)
	if err != nil {
		return userRef{}, service.KeyOwner{}, err
	}
	return u, service.KeyOwner{Kind: iam.KindUser, ID: u.ID}, nil
}

// listKeys lists the user's keys that are not revoked (expired ones
// included: they may be renewed).
func (s *server) listKeys(w http.ResponseWriter, r *http.Request) {
	u, owner, err := s.keyUser(r)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	keys, err := s.env.Svc.APIKeys.List(r.Context(), owner)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	out := []keyView{}
	for _, k := range keys {
		if k.RevokedAt == nil {
			out = append(out, viewKey(u, k))
		}
	}
	writeList(w, r, out)
}

// sources is validSources: a JSON list of addresses and networks, or one
// string of them separated by commas.
type sources []string

func (s *sources) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = nil
		for _, v := range strings.Split(one, ",") {
			if v = strings.TrimSpace(v); v != "" {
				*s = append(*s, v)
			}
		}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return iam.InvalidFields(iam.FieldError{Field: "validSources",
			Message: "must be a list of IP addresses or CIDR networks, or one string of them separated by commas"})
	}
	*s = list
	return nil
}

type initiateRequest struct {
	Description        string          `json:"description"`
	ValidSources       sources         `json:"validSources"`
	ExpirationDays     *int            `json:"expirationDays"`
	SessionConstraints json.RawMessage `json:"sessionConstraints"`
}

// initiateKey creates a key; its data holds the whole key, this once.
func (s *server) initiateKey(w http.ResponseWriter, r *http.Request) {
	u, owner, err := s.keyUser(r)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	var in initiateRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, s.env, err)
		return
	}
	if err := checkConstraints(in.SessionConstraints); err != nil {
		writeError(w, r, s.env, err)
		return
	}
	m, err := s.env.Svc.APIKeys.Create(r.Context(), owner, service.NewAPIKey{Description: in.Description,
		ValidSources: in.ValidSources, ExpirationDays: in.ExpirationDays})
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	secret, ok := strings.CutPrefix(m.Plain, service.KeyPrefix(m.Key.ID)+"_")
	if !ok {
		writeError(w, r, s.env, iam.Wrap(nil, "unexpected API key format"))
		return
	}
	v := viewKey(u, m.Key)
	v.APIKey = keyPrefix(u.Seq, m.Key.Seq) + "/" + secret
	writeOne(w, http.StatusCreated, v)
}

// checkConstraints refuses session constraints (functions, customers):
// Warden keys cannot carry them, and a key silently broader than asked for
// would be worse than none.
func checkConstraints(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var c map[string]json.RawMessage
	if err := json.Unmarshal(raw, &c); err != nil {
		return iam.InvalidFields(iam.FieldError{Field: "sessionConstraints", Message: "must be an object"})
	}
	for _, v := range c {
		var list []any
		if string(v) == "null" || (json.Unmarshal(v, &list) == nil && len(list) == 0) {
			continue
		}
		return iam.InvalidFields(iam.FieldError{Field: "sessionConstraints",
			Message: "is not supported: a key has its owner's permissions (leave it out or empty)"})
	}
	return nil
}

// key resolves a path's key: {key} is the key ID, and {owner}, when the
// path names the key by its prefix, the owner's ID in hex, which must be
// the user's.
func (s *server) key(ctx context.Context, r *http.Request, u userRef) (iam.ID, error) {
	if owner := r.PathValue("owner"); owner != "" {
		n, err := strconv.ParseInt(owner, 16, 64)
		if err != nil || n != u.Seq {
			return iam.NilID, iam.ErrNotFound("API key")
		}
	}
	n, err := strconv.ParseInt(r.PathValue("key"), 10, 64)
	if err != nil || n <= 0 {
		return iam.NilID, iam.ErrNotFound("API key")
	}
	return s.env.Svc.IDByNumber(ctx, iam.SeqAPIKey, n)
}

type renewRequest struct {
	ExpirationDays *int `json:"expirationDays"`
}

// renewKey sets a new expiry, counted from now (default 3 months).
func (s *server) renewKey(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, owner, err := s.keyUser(r)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	id, err := s.key(ctx, r, u)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	var in renewRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, s.env, err)
		return
	}
	k, err := s.env.Svc.APIKeys.Renew(ctx, owner, id, in.ExpirationDays)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	writeOne(w, http.StatusOK, viewKey(u, k))
}

// revokeKey revokes a key named by its prefix (or its ID) and answers it.
func (s *server) revokeKey(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, owner, err := s.keyUser(r)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	id, err := s.key(ctx, r, u)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	if err := s.env.Svc.APIKeys.Revoke(ctx, owner, id); err != nil {
		writeError(w, r, s.env, err)
		return
	}
	keys, err := s.env.Svc.APIKeys.List(ctx, owner)
	if err != nil {
		writeError(w, r, s.env, err)
		return
	}
	for _, k := range keys {
		if k.ID == id {
			writeOne(w, http.StatusOK, viewKey(u, k))
			return
		}
	}
	writeOne(w, http.StatusOK, nil)
}
