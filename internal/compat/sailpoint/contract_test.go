package sailpoint_test

import (
	"bytes"
	"encoding/json"
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
	"gopkg.in/yaml.v3"
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

type contract struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema
}

const docURL = "file:///sailpoint-v3.json"

var loadContract = sync.OnceValues(func() (*contract, error) {
	raw, err := specFile()
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	doc = nullable(doc).(map[string]any)
	js, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	res, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(docURL, res); err != nil {
		return nil, err
	}
	return &contract{doc: doc, compiler: c, schemas: map[string]*jsonschema.Schema{}}, nil
})

// nullable rewrites OpenAPI 3.0's "nullable: true" as JSON Schema's null
// type, everywhere in the document.
func nullable(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = nullable(x)
		}
		if n, _ := v["nullable"].(bool); n {
			if t, ok := v["type"].(string); ok {
				v["type"] = []any{t, "null"}
			}
		}
		delete(v, "nullable")
		return v
	case []any:
		for i, x := range v {
			v[i] = nullable(x)
		}
		return v
	}
	return v
}

func (k *contract) schema(ptr string) (*jsonschema.Schema, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if s, ok := k.schemas[ptr]; ok {
		return s, nil
	}
	s, err := k.compiler.Compile(docURL + "#" + ptr)
	if err != nil {
		return nil, err
	}
	k.schemas[ptr] = s
	return s, nil
}

func (k *contract) validate(ptr string, data []byte) error {
	s, err := k.schema(ptr)
	if err != nil {
		return fmt.Errorf("compiling %s: %w", ptr, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not JSON: %w (%s)", err, data)
	}
	if err := s.Validate(inst); err != nil {
		return fmt.Errorf("%w\nbody: %s", err, data)
	}
	return nil
}

// resolve follows a local JSON pointer.
func (k *contract) resolve(ptr string) map[string]any {
	var cur any = k.doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, _ := cur.(map[string]any)
		cur = m[tok]
	}
	m, _ := cur.(map[string]any)
	return m
}

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
		return k.validate(errorDto, body)
	}
	if method == http.MethodHead {
		method = http.MethodGet
	}
	opPtr := "/paths/" + strings.ReplaceAll("/auth-users/{id}", "/", "~1") + "/" + strings.ToLower(method)
	op := k.resolve(opPtr)
	if op == nil {
		if status != http.StatusMethodNotAllowed || h.Get("Allow") == "" {
			return fmt.Errorf("%s %s: %d for an undocumented method, want 405 with Allow", method, path, status)
		}
		return k.validate(errorDto, body)
	}
	code := strconv.Itoa(status)
	resp := k.resolve(opPtr + "/responses/" + code)
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
	if err := k.validate(respPtr+"/content/application~1json/schema", body); err != nil {
		return fmt.Errorf("%s %s: %d: %w", method, path, status, err)
	}
	if status < 300 && len(reqBody) > 0 {
		rt, _, _ := mime.ParseMediaType(reqType)
		if rt != "application/json-patch+json" {
			return fmt.Errorf("%s %s: succeeded with request type %q", method, path, reqType)
		}
		if err := k.validate(opPtr+"/requestBody/content/application~1json-patch+json/schema", reqBody); err != nil {
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
		if _, err := k.schema(ptr); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("it rejects what SailPoint would not send", func(t *testing.T) {
		if err := k.validate("/components/schemas/AuthUser", []byte(`{"lastLoginTimestamp":"2024-01-01T00:00:00Z"}`)); err == nil {
			t.Fatal("a date-time lastLoginTimestamp validated")
		}
		if err := k.validate("/components/schemas/AuthUser", []byte(`{"firstname":null,"capabilities":["ORG_ADMIN"]}`)); err != nil {
			t.Fatal(err)
		}
	})
}
