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
// SailPoint's published OpenAPI document (the trimmed v3 auth-users file,
// OpenAPI 3.0). Its schemas become JSON Schema 2020-12 by turning
// "nullable: true" into a "null" type; then the status must be one the
// operation documents, and a JSON body must validate against the schema
// of that status. Successful PATCH requests are checked against the
// request body schema too. 404 for paths outside the document and 405 are
// checked against ErrorResponseDto.

// specFile is SailPoint's document, copied unchanged from
// shared/specs/sailpoint (see its SOURCES.md).
func specFile() ([]byte, error) {
	return os.ReadFile("testdata/auth-users.v3.trimmed.yaml")
}

// contract is SailPoint's document, loaded once.
type contract struct{ *openapitest.Doc }

var loadContract = sync.OnceValues(func() (*contract, error) {
	raw, err := specFile()
	if err != nil {
		return nil, err
	}
	d, err := openapitest.Load(raw, jsonschema.Draft2020)
	if err != nil {
		return nil, err
	}
	return &contract{d}, nil
})

var authUserPath = regexp.MustCompile(`^/v3/auth-users/[^/]+$`)

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

// contractTransport checks every /v3 answer it carries.
type contractTransport struct {
	t    testing.TB
	k    *contract
	base http.RoundTripper

	mu   sync.Mutex
	seen map[string]bool // "GET 200", …
}

func newContractTransport(t testing.TB) *contractTransport {
	t.Helper()
	k, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	return &contractTransport{t: t, k: k, base: http.DefaultTransport, seen: map[string]bool{}}
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
	if err != nil || !strings.HasPrefix(r.URL.Path, "/v3/") {
		return res, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	if err := c.k.check(r.Method, r.URL.Path, r.Header.Get("Content-Type"), reqBody, res.StatusCode, res.Header, body); err != nil {
		c.t.Errorf("contract: %v", err)
	}
	c.mu.Lock()
	c.seen[r.Method+" "+strconv.Itoa(res.StatusCode)] = true
	c.mu.Unlock()
	return res, nil
}

func TestContractLoads(t *testing.T) {
	k, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	for _, ptr := range []string{"/components/schemas/AuthUser", errorDto} {
		if _, err := k.Schema(ptr); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("it rejects what SailPoint would not send", func(t *testing.T) {
		if err := k.Validate("/components/schemas/AuthUser", []byte(`{"lastLoginTimestamp":"2024-01-01T00:00:00Z"}`)); err == nil {
			t.Fatal("a date-time lastLoginTimestamp validated")
		}
		if err := k.Validate("/components/schemas/AuthUser", []byte(`{"firstname":null,"capabilities":["ORG_ADMIN"]}`)); err != nil {
			t.Fatal(err)
		}
	})
}
