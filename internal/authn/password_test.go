package authn

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/wardenhq/warden/internal/iam"
)

// fastParams keep tests quick; the default parameters are exercised once.
var fastParams = Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashVerifyDefaultParams(t *testing.T) {
	h := NewHasher(DefaultArgon2Params, 0, rand.Reader)
	ctx := context.Background()
	encoded, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "$argon2id$v=19$m=19456,t=2,p=1$"
	if !strings.HasPrefix(encoded, prefix) {
		t.Fatalf("Hash = %q, want prefix %q", encoded, prefix)
	}
	// 16-byte salt and 32-byte key in unpadded base64.
	if parts := strings.Split(encoded, "$"); len(parts[4]) != 22 || len(parts[5]) != 43 {
		t.Fatalf("salt %q, key %q: wrong lengths", parts[4], parts[5])
	}
	if ok, rehash, err := h.Verify(ctx, encoded, "correct horse battery staple"); !ok || rehash || err != nil {
		t.Fatalf("Verify(right) = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	if ok, _, err := h.Verify(ctx, encoded, "correct horse battery stapl"); ok || err != nil {
		t.Fatalf("Verify(wrong) = %v, %v; want false, nil", ok, err)
	}
}

func TestHashSaltsDiffer(t *testing.T) {
	h := NewHasher(fastParams, 1, rand.Reader)
	a, _ := h.Hash(context.Background(), "same password")
	b, _ := h.Hash(context.Background(), "same password")
	if a == b {
		t.Fatal("two hashes of one password are equal")
	}
}

func TestVerifyRehash(t *testing.T) {
	ctx := context.Background()
	old := NewHasher(fastParams, 1, rand.Reader)
	encoded, err := old.Hash(ctx, "hunter2hunter2")
	if err != nil {
		t.Fatal(err)
	}
	stronger := fastParams
	stronger.Time = 2
	for name, p := range map[string]Argon2Params{
		"same params":    fastParams,
		"other time":     stronger,
		"other memory":   {Memory: 128, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		"other key len":  {Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 64},
		"other salt len": {Memory: 64, Time: 1, Threads: 1, SaltLen: 32, KeyLen: 32},
	} {
		t.Run(name, func(t *testing.T) {
			ok, rehash, err := NewHasher(p, 1, rand.Reader).Verify(ctx, encoded, "hunter2hunter2")
			if !ok || err != nil {
				t.Fatalf("Verify = %v, %v: a hash verifies with its own parameters", ok, err)
			}
			if want := p != fastParams; rehash != want {
				t.Fatalf("rehash = %v, want %v", rehash, want)
			}
		})
	}
}

func TestVerifyBcrypt(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(fastParams, 1, rand.Reader)
	b, err := bcrypt.GenerateFromPassword([]byte("imported secret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for _, prefix := range []string{"$2a$", "$2b$", "$2y$"} {
		t.Run(prefix, func(t *testing.T) {
			encoded := prefix + string(b[4:])
			if ok, rehash, err := h.Verify(ctx, encoded, "imported secret"); !ok || !rehash || err != nil {
				t.Fatalf("Verify(right) = %v, %v, %v; want true, true, nil", ok, rehash, err)
			}
			if ok, rehash, err := h.Verify(ctx, encoded, "imported secreT"); ok || rehash || err != nil {
				t.Fatalf("Verify(wrong) = %v, %v, %v; want false, false, nil", ok, rehash, err)
			}
		})
	}
}

func TestVerifyMalformedHash(t *testing.T) {
	h := NewHasher(fastParams, 1, rand.Reader)
	good, _ := h.Hash(context.Background(), "pw")
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	for name, encoded := range map[string]string{
		"empty":            "",
		"plain text":       "hunter2",
		"argon2i":          "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"scrypt":           "$scrypt$ln=16,r=8,p=1$" + salt + "$" + key,
		"no fields":        "$argon2id$",
		"old version":      "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"no version":       "$argon2id$m=64,t=1,p=1$" + salt + "$" + key,
		"extra field":      good + "$x",
		"t=0 (panics)":     "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
		"p=0 (panics)":     "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"p overflows":      "$argon2id$v=19$m=64,t=1,p=256$" + salt + "$" + key,
		"m below 8p":       "$argon2id$v=19$m=7,t=1,p=1$" + salt + "$" + key,
		"m of 4 TiB":       "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + key,
		"t of a billion":   "$argon2id$v=19$m=64,t=1000000000,p=1$" + salt + "$" + key,
		"negative m":       "$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key,
		"params reordered": "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key,
		"params missing":   "$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"bad salt base64":  "$argon2id$v=19$m=64,t=1,p=1$!!!!$" + key,
		"bad key base64":   "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$!!!!",
		"empty key":        "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$",
		"short salt":       "$argon2id$v=19$m=64,t=1,p=1$YWJj$" + key,
		"bcrypt garbage":   "$2a$10$tooshort",
		"bcrypt bad cost":  "$2b$99$" + strings.Repeat("a", 53),
	} {
		t.Run(name, func(t *testing.T) {
			ok, rehash, err := h.Verify(context.Background(), encoded, "pw")
			if ok || rehash {
				t.Fatalf("Verify = %v, %v: a malformed hash matched", ok, rehash)
			}
			wantError(t, err, iam.Internal, "internal")
		})
	}
}

func TestLongPasswordNotTruncated(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(fastParams, 1, rand.Reader)
	long := strings.Repeat("abcdefghij", 100) // 1,000 characters
	encoded, err := h.Hash(ctx, long)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, err := h.Verify(ctx, encoded, long); !ok || err != nil {
		t.Fatalf("Verify(long) = %v, %v", ok, err)
	}
	changed := long[:len(long)-1] + "X"
	if ok, _, err := h.Verify(ctx, encoded, changed); ok || err != nil {
		t.Fatalf("Verify(last character changed) = %v, %v; want false: the password was truncated", ok, err)
	}
}

// gateReader is an entropy source that counts how many callers are inside
// Read at once and holds each one until released. Hash reads its salt while
// it holds a worker slot, so the count is the number of busy workers.
type gateReader struct {
	inside, max, calls atomic.Int32
	entered            chan struct{}
	release            chan struct{}
}

func newGateReader() *gateReader {
	return &gateReader{entered: make(chan struct{}, 100), release: make(chan struct{})}
}

func (g *gateReader) Read(p []byte) (int, error) {
	n := g.inside.Add(1)
	g.calls.Add(1)
	for m := g.max.Load(); n > m && !g.max.CompareAndSwap(m, n); m = g.max.Load() {
	}
	defer g.inside.Add(-1)
	g.entered <- struct{}{}
	select {
	case <-g.release:
		return rand.Read(p)
	case <-time.After(5 * time.Second): // fail, rather than hang, if a test is wrong
		return 0, errors.New("gate never opened")
	}
}

func TestHasherBoundsConcurrency(t *testing.T) {
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			g := newGateReader()
			h := NewHasher(fastParams, workers, g)
			const callers = 4
			var wg sync.WaitGroup
			for range callers {
				wg.Go(func() {
					if _, err := h.Hash(context.Background(), "pw"); err != nil {
						t.Error(err)
					}
				})
			}
			for range workers {
				<-g.entered
			}
			// Give any caller that could slip past the bound the chance to.
			for range 50 {
				runtime.Gosched()
				time.Sleep(time.Millisecond)
			}
			if got := g.max.Load(); got != int32(workers) {
				t.Errorf("%d hashes ran at once, want %d", got, workers)
			}
			close(g.release)
			wg.Wait()
			if got := g.max.Load(); got != int32(workers) {
				t.Errorf("%d hashes ran at once, want %d", got, workers)
			}
			if got := g.calls.Load(); got != callers {
				t.Errorf("%d hashes ran, want %d", got, callers)
			}
		})
	}
}

func TestHasherHonoursContext(t *testing.T) {
	g := newGateReader()
	h := NewHasher(fastParams, 1, g)
	busy := make(chan error)
	go func() {
		_, err := h.Hash(context.Background(), "pw")
		busy <- err
	}()
	<-g.entered // the only worker is now taken

	t.Run("waiting caller gives up at its deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		if _, err := h.Hash(ctx, "pw"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Hash = %v, want deadline exceeded", err)
		}
		if _, _, err := h.Verify(ctx, "$argon2id$", "pw"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Verify = %v, want deadline exceeded", err)
		}
	})
	t.Run("waiting caller gives up when cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() {
			_, err := h.Hash(ctx, "pw")
			done <- err
		}()
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("Hash = %v, want canceled", err)
		}
	})
	close(g.release)
	if err := <-busy; err != nil {
		t.Fatal(err)
	}
	t.Run("cancelled context fails even with a free worker", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := h.Hash(ctx, "pw"); !errors.Is(err, context.Canceled) {
			t.Fatalf("Hash = %v, want canceled", err)
		}
	})
	if got := g.calls.Load(); got != 1 {
		t.Fatalf("%d hashes ran, want only the first", got)
	}
}

// countingReader counts reads of an entropy source.
type countingReader struct{ reads atomic.Int32 }

func (c *countingReader) Read(p []byte) (int, error) {
	c.reads.Add(1)
	return rand.Read(p)
}

func TestDummyVerify(t *testing.T) {
	params := Argon2Params{Memory: 4096, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	r := &countingReader{}
	h := NewHasher(params, 1, r)
	ctx := context.Background()

	h.DummyVerify(ctx, "guess")
	if got := r.reads.Load(); got != 1 {
		t.Fatalf("first DummyVerify read entropy %d times, want 1 (to make its hash)", got)
	}
	// A real verification allocates the Hasher's Memory; so must the dummy.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	h.DummyVerify(ctx, "another guess")
	runtime.ReadMemStats(&after)
	if got, want := after.TotalAlloc-before.TotalAlloc, uint64(params.Memory)*1024; got < want {
		t.Fatalf("DummyVerify allocated %d bytes, want at least %d: it did not run argon2id", got, want)
	}
	if got := r.reads.Load(); got != 1 {
		t.Fatalf("DummyVerify made its hash again (%d reads)", got)
	}
}
