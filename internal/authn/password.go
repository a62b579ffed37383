package authn

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"

	"github.com/wardenhq/warden/internal/iam"
)

// Argon2Params are the argon2id cost parameters.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over memory
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultArgon2Params is the second recommendation of RFC 9106 as sized by
// OWASP: 19 MiB, two passes, one lane.
var DefaultArgon2Params = Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Bounds on parameters read from a stored hash. An imported or corrupted
// hash must not make one login allocate gigabytes or spin for minutes.
const (
	maxMemory = 1 << 20 // KiB: 1 GiB
	maxTime   = 64
	maxKeyLen = 1024
)

// Hasher hashes and verifies passwords in a bounded pool: at most `workers`
// computations run at once, so a login storm queues instead of starving
// other requests or exhausting memory (each argon2id run holds Memory KiB).
type Hasher struct {
	params Argon2Params
	rand   io.Reader // must be safe for concurrent use, like crypto/rand.Reader
	slots  chan struct{}
	dummy  func() (string, error)
	lender *procLender // nil unless LendProcs
}

// LendProcs makes the Hasher raise GOMAXPROCS by its number of workers
// while it hashes and other requests Contend (see procLender). For a
// server that leaves GOMAXPROCS to Warden; call it before the first hash.
func (h *Hasher) LendProcs() { h.lender = &procLender{extra: cap(h.slots)} }

// Contend tells the Hasher that a request which does not hash is being
// served: while hashes run, it lends spare Ps (see LendProcs) so that such
// requests need not wait for a hash to be preempted.
func (h *Hasher) Contend() { h.lender.contend() }

// NewHasher returns a Hasher for params running at most workers hashes at
// once (runtime.NumCPU() if workers ≤ 0), drawing salts from rand.
func NewHasher(params Argon2Params, workers int, rand io.Reader) *Hasher {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	h := &Hasher{params: params, rand: rand, slots: make(chan struct{}, workers)}
	// DummyVerify's hash is made on first use, inside a worker slot.
	h.dummy = sync.OnceValues(func() (string, error) { return h.hash("warden-dummy-password") })
	return h
}

// acquire waits for a worker slot or for ctx to end.
func (h *Hasher) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case h.slots <- struct{}{}:
		h.lender.begin()
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() {
	h.lender.end()
	<-h.slots
}

// Hash returns password's argon2id hash in PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return h.hash(password)
}

func (h *Hasher) hash(password string) (string, error) {
	p := h.params
	salt := make([]byte, p.SaltLen)
	if _, err := io.ReadFull(h.rand, salt); err != nil {
		return "", iam.Wrap(err, "cannot read entropy")
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Verify reports whether password matches encoded, an argon2id PHC string
// (verified with its own parameters) or a bcrypt hash from an imported
// user. rehash is true when the password matched but encoded is not an
// argon2id hash with the Hasher's parameters: the caller should store a
// fresh Hash. A malformed encoded hash is an Internal error.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (ok, rehash bool, err error) {
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release()
	return h.verify(encoded, password)
}

func (h *Hasher) verify(encoded, password string) (ok, rehash bool, err error) {
	switch {
	case strings.HasPrefix(encoded, "$argon2id$"):
		p, salt, key, err := parseArgon2id(encoded)
		if err != nil {
			return false, false, err
		}
		got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
		if subtle.ConstantTimeCompare(got, key) != 1 {
			return false, false, nil
		}
		return true, p != h.params, nil
	case strings.HasPrefix(encoded, "$2a$"), strings.HasPrefix(encoded, "$2b$"), strings.HasPrefix(encoded, "$2y$"):
		// bcrypt reads at most 72 bytes of the password; that was the
		// imported system's behaviour, and the rehash ends it.
		err := bcrypt.CompareHashAndPassword([]byte(encoded), []byte(password))
		switch {
		case err == nil:
			return true, true, nil
		case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
			return false, false, nil
		default:
			return false, false, errBadHash(err)
		}
	default:
		return false, false, errBadHash(nil)
	}
}

// DummyVerify spends as long as a Verify of password against a real hash,
// and is called when the user does not exist, so that timing does not tell
// unknown users from wrong passwords.
func (h *Hasher) DummyVerify(ctx context.Context, password string) {
	if h.acquire(ctx) != nil {
		return
	}
	defer h.release()
	if encoded, err := h.dummy(); err == nil {
		_, _, _ = h.verify(encoded, password) // only the time spent matters
	}
}

// parseArgon2id parses $argon2id$v=19$m=…,t=…,p=…$<salt>$<key>.
func parseArgon2id(encoded string) (p Argon2Params, salt, key []byte, err error) {
	f := strings.Split(encoded, "$")
	if len(f) != 6 || f[0] != "" || f[1] != "argon2id" || f[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errBadHash(nil)
	}
	params := strings.Split(f[3], ",")
	if len(params) != 3 {
		return p, nil, nil, errBadHash(nil)
	}
	m, errM := parseParam(params[0], "m", 32)
	t, errT := parseParam(params[1], "t", 32)
	threads, errP := parseParam(params[2], "p", 8)
	if err := errors.Join(errM, errT, errP); err != nil {
		return p, nil, nil, errBadHash(err)
	}
	if salt, err = base64.RawStdEncoding.DecodeString(f[4]); err != nil {
		return p, nil, nil, errBadHash(err)
	}
	if key, err = base64.RawStdEncoding.DecodeString(f[5]); err != nil {
		return p, nil, nil, errBadHash(err)
	}
	p = Argon2Params{Memory: uint32(m), Time: uint32(t), Threads: uint8(threads),
		SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	// argon2 panics on t or p of 0 and needs m ≥ 8p; the upper bounds stop
	// a hostile hash from turning one login into a denial of service.
	if p.Time < 1 || p.Time > maxTime || p.Threads < 1 || p.Memory < 8*uint32(p.Threads) ||
		p.Memory > maxMemory || len(salt) < 8 || len(key) < 16 || len(key) > maxKeyLen {
		return p, nil, nil, errBadHash(nil)
	}
	return p, salt, key, nil
}

// parseParam parses "name=value" as an unsigned integer of bits bits.
func parseParam(kv, name string, bits int) (uint64, error) {
	v, ok := strings.CutPrefix(kv, name+"=")
	if !ok {
		return 0, fmt.Errorf("want parameter %s in %q", name, kv)
	}
	return strconv.ParseUint(v, 10, bits)
}

func errBadHash(cause error) error {
	return &iam.Error{Kind: iam.Internal, Code: "internal", Message: "stored password hash is malformed or unsupported", Err: cause}
}
