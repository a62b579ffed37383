package sailpoint_test

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wardenhq/warden/internal/openapitest"
)

// The contract check: every answer of the surface is checked against
// SailPoint's published OpenAPI document of its version (the trimmed v3 and
// v2026 auth-users files, OpenAPI 3.0). Their schemas become JSON Schema
// 2020-12 by turning "nullable: true" into a "null" type; then the status
// must be one the operation documents, and a JSON body must validate
// against the schema of that status. Successful PATCH requests are checked
// against the request body schema too. 404 for paths outside the document
// and 405 are checked against ErrorResponseDto.

// specFiles are SailPoint's documents by version, copied unchanged from
// shared/specs/sailpoint (see its SOURCES.md).
var specFiles = map[string]string{
	"v3":    "testdata/auth-users.v3.trimmed.yaml",
	"v2026": "testdata/auth-users.v2026.trimmed.yaml",
}

// contract is one of SailPoint's documents.
type contract struct{ *openapitest.Doc }

// loadContracts loads every version's document, once.
var loadContracts = sync.OnceValues(func() (map[string]*contract, error) {
	out := map[string]*contract{}
	for v, file := range specFiles {
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		d, err := openapitest.Load(raw, jsonschema.Draft2020)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		out[v] = &contract{d}
	}
	return out, nil
})

// pathVersion is the version a path is under: its first segment.
func pathVersion(path string) string {
	v, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return v
}

var authUserPath = regexp.MustCompile(`^/[^/]+/auth-users/[^/]+$`)

const errorDto = "/components/schemas/ErrorResponseDto"

// check returns why one exchange breaks the contract, or nil.
func (k *contract) check(method, path string, reqType string, reqBody []byte, status int, h http.Header, body []byte) error {
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if mt != "application/json" {
		return fmt.Errorf("%s %s: %d with Content-Type %q", method, path, status, h.Get("Content-Type"))
	}
	if !authUserPath.MatchString(path) {
		if status != http.StatusNotFound {
			return fmt.Errorf("%s %s: %d outside the document, want 404", method, path, status)
		}
		return k.Validate(errorDto, body)
	}
	if method == http.MethodHead {
		method = http.MethodGet
	}
	opPtr := "/paths/" + strings.ReplaceAll("/auth-users/{id}", "/", "~1") + "/" + strings.ToLower(method)
	op := k.Resolve(opPtr)
	if op == nil {
		if status != http.StatusMethodNotAllowed || h.Get("Allow") == "" {
			return fmt.Errorf("%s %s: %d for an undocumented method, want 405 with Allow", method, path, status)
		}
		return k.Validate(errorDto, body)
	}
	code := strconv.Itoa(status)
	resp := k.Resolve(opPtr + "/responses/" + code)
	if resp == nil {
		return fmt.Errorf("%s %s: status %d is not documented", method, path, status)
	}
	respPtr := opPtr + "/responses/" + code
	if ref, ok := resp["$ref"].(string); ok {
		respPtr = strings.TrimPrefix(ref, "#")
	}
	if status == http.StatusTooManyRequests && h.Get("Retry-After") == "" {
		return fmt.Errorf("%s %s: 429 without Retry-After", method, path)
	}
	if err := k.Validate(respPtr+"/content/application~1json/schema", body); err != nil {
		return fmt.Errorf("%s %s: %d: %w", method, path, status, err)
	}
	if status < 300 && len(reqBody) > 0 {
		rt, _, _ := mime.ParseMediaType(reqType)
		if rt != "application/json-patch+json" {
			return fmt.Errorf("%s %s: succeeded with request type %q", method, path, reqType)
		}
		if err := k.Validate(opPtr+"/requestBody/content/application~1json-patch+json/schema", reqBody); err != nil {
			return fmt.Errorf("%s %s: request body: %w", method, path, err)
		}
	}
	return nil
}

// contractTransport checks every answer under a version it carries.
type contractTransport struct {
	t    testing.TB
	ks   map[string]*contract
	base http.RoundTripper

	mu   sync.Mutex
	seen map[string]bool // "GET 200", …
}

func newContractTransport(t testing.TB) *contractTransport {
	t.Helper()
	ks, err := loadContracts()
	if err != nil {
		t.Fatal(err)
	}
	return &contractTransport{t: t, ks: ks, base: http.DefaultTransport, seen: map[string]bool{}}
}

func (c *contractTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var reqBody []byte
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body.Close()
		reqBody = b
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	res, err := c.base.RoundTrip(r)
	k := c.ks[pathVersion(r.URL.Path)]
	if err != nil || k == nil {
		return res, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	if err := k.check(r.Method, r.URL.Path, r.Header.Get("Content-Type"), reqBody, res.StatusCode, res.Header, body); err != nil {
		c.t.Errorf("contract: %v", err)
	}
	c.mu.Lock()
	c.seen[r.Method+" "+strconv.Itoa(res.StatusCode)] = true
	c.mu.Unlock()
	return res, nil
}

func TestContractLoads(t *testing.T) {
	ks, err := loadContracts()
	if err != nil {
		t.Fatal(err)
	}
	for v, k := range ks {
		for _, ptr := range []string{"/components/schemas/AuthUser", errorDto} {
			if _, err := k.Schema(ptr); err != nil {
				t.Fatalf("%s: %v", v, err)
			}
		}
	}
	t.Run("it rejects what SailPoint would not send", func(t *testing.T) {
		k := ks["v3"]
		if err := k.Validate("/components/schemas/AuthUser", []byte(`{"lastLoginTimestamp":"2024-01-01T00:00:00Z"}`)); err == nil {
			t.Fatal("a date-time lastLoginTimestamp validated")
		}
		if err := k.Validate("/components/schemas/AuthUser", []byte(`{"firstname":null,"capabilities":["ORG_ADMIN"]}`)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("only v2026 lists POLICY_ADMIN", func(t *testing.T) {
		body := []byte(`{"capabilities":["POLICY_ADMIN"]}`)
		if err := ks["v3"].Validate("/components/schemas/AuthUser", body); err == nil {
			t.Error("v3's document took POLICY_ADMIN")
		}
		if err := ks["v2026"].Validate("/components/schemas/AuthUser", body); err != nil {
			t.Error(err)
		}
	})
}
