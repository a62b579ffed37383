package thousandeyes_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wardenhq/warden/internal/openapitest"
)

// The contract check: every response a test receives from /v7 is checked
// against ThousandEyes' own OpenAPI document (v7.0.99, the version the Go
// SDK was generated from). OpenAPI 3.0 schemas are JSON Schema (draft 4/5
// family) plus "nullable", which is rewritten to a type union. For each
// response: the operation (method + path template) exists, the status is
// documented for it, the media type is documented, the body validates
// against the schema (formats asserted: date-time, email, uri), every
// object key is a property name the document knows somewhere (which catches
// misspelt fields that open schemas would let through), and a documented
// Location header is present on 201.

// specPath is ThousandEyes' document, copied unchanged from
// shared/specs/thousandeyes (see its SOURCES.md).
const specPath = "testdata/administrative-and-api-token.7.0.99.trimmed.yaml"

type contract struct {
	*openapitest.Doc
	templates []template

	mu   sync.Mutex
	seen map[string]bool // "METHOD template" answered with success
}

type template struct {
	path string
	re   *regexp.Regexp
	vars int
}

var loadContract = sync.OnceValues(func() (*contract, error) {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return nil, err
	}
	d, err := openapitest.Load(raw, jsonschema.Draft7)
	if err != nil {
		return nil, err
	}
	k := &contract{Doc: d, seen: map[string]bool{}}
	wild := regexp.MustCompile(`\\\{[^}]+\\\}`)
	for p := range d.Raw["paths"].(map[string]any) {
		re := regexp.MustCompile("^" + wild.ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + "$")
		k.templates = append(k.templates, template{path: p, re: re, vars: strings.Count(p, "{")})
	}
	sort.Slice(k.templates, func(i, j int) bool { return k.templates[i].vars < k.templates[j].vars })
	return k, nil
})

func mustContract(t testing.TB) *contract {
	t.Helper()
	k, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// unknownKeys names object keys of v that no schema of the document has.
func (k *contract) unknownKeys(v any, at string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for key, c := range v {
			if !k.Props[key] {
				out = append(out, at+"/"+key)
			}
			out = append(out, k.unknownKeys(c, at+"/"+key)...)
		}
	case []any:
		for i, c := range v {
			out = append(out, k.unknownKeys(c, at+"/"+strconv.Itoa(i))...)
		}
	}
	return out
}

// check returns why a response breaks the contract, or nil.
func (k *contract) check(method, path string, status int, header http.Header, body []byte) error {
	rel := strings.TrimPrefix(path, "/v7")
	var tpl string
	var op map[string]any
	for _, t := range k.templates {
		if t.re.MatchString(rel) {
			if o, ok := k.Raw["paths"].(map[string]any)[t.path].(map[string]any)[strings.ToLower(method)].(map[string]any); ok {
				tpl, op = t.path, o
				break
			}
		}
	}
	if op == nil {
		// Not a documented operation: the surface's own 404 problem.
		if status != http.StatusNotFound || !strings.HasPrefix(header.Get("Content-Type"), "application/problem+json") {
			return fmt.Errorf("%s %s: no such operation, yet answered %d %s", method, path, status, header.Get("Content-Type"))
		}
		s, err := k.Schema("/components/schemas/Administrative_API_Error")
		if err != nil {
			return err
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			return err
		}
		return s.Validate(inst)
	}
	opPtr := "/paths/" + openapitest.Escape(tpl) + "/" + strings.ToLower(method)
	resp, ok := op["responses"].(map[string]any)[strconv.Itoa(status)].(map[string]any)
	if !ok {
		return fmt.Errorf("%s %s: status %d is not documented", method, tpl, status)
	}
	ptr := opPtr + "/responses/" + strconv.Itoa(status)
	if ref, ok := resp["$ref"].(string); ok {
		ptr = strings.TrimPrefix(ref, "#")
		resp = k.Resolve(ptr)
	}
	if hs, ok := resp["headers"].(map[string]any); ok {
		for name := range hs {
			if header.Get(name) == "" {
				return fmt.Errorf("%s %s %d: header %s missing", method, tpl, status, name)
			}
		}
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(body) > 0 {
			return fmt.Errorf("%s %s %d: body where none is documented", method, tpl, status)
		}
		k.record(method, tpl, status)
		return nil
	}
	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil {
		return fmt.Errorf("%s %s %d: bad Content-Type %q", method, tpl, status, header.Get("Content-Type"))
	}
	if _, ok := content[mt]; !ok {
		return fmt.Errorf("%s %s %d: media type %s is not documented", method, tpl, status, mt)
	}
	s, err := k.Schema(ptr + "/content/" + openapitest.Escape(mt) + "/schema")
	if err != nil {
		return fmt.Errorf("compiling the schema of %s %s %d: %w", method, tpl, status, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s %s %d: body is not JSON: %w", method, tpl, status, err)
	}
	if err := s.Validate(inst); err != nil {
		return fmt.Errorf("%s %s %d: %w\nbody: %s", method, tpl, status, err, body)
	}
	if bad := k.unknownKeys(inst, ""); len(bad) > 0 {
		return fmt.Errorf("%s %s %d: fields the document does not know: %v", method, tpl, status, bad)
	}
	if m, ok := inst.(map[string]any); ok && status >= 400 && status != 401 {
		if n, _ := m["status"].(json.Number); string(n) != strconv.Itoa(status) {
			return fmt.Errorf("%s %s %d: problem status %v", method, tpl, status, m["status"])
		}
	}
	k.record(method, tpl, status)
	return nil
}

func (k *contract) record(method, tpl string, status int) {
	if status < 300 {
		k.mu.Lock()
		k.seen[method+" "+tpl] = true
		k.mu.Unlock()
	}
}

// operations lists every documented "METHOD template".
func (k *contract) operations() []string {
	var out []string
	for p, item := range k.Raw["paths"].(map[string]any) {
		for m := range item.(map[string]any) {
			switch m {
			case "get", "put", "post", "delete", "patch":
				out = append(out, strings.ToUpper(m)+" "+p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// checking is a RoundTripper that checks every /v7 response.
type checking struct {
	t    testing.TB
	k    *contract
	next http.RoundTripper
}

func (c *checking) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err != nil || !strings.HasPrefix(r.URL.Path, "/v7/") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := c.k.check(r.Method, r.URL.Path, resp.StatusCode, resp.Header, body); err != nil {
		c.t.Errorf("contract: %v", err)
	}
	return resp, nil
}
