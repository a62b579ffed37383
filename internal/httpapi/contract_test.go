package httpapi_test

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wardenhq/warden/internal/httpapi"
)

// contract is openapi.json, parsed once, with its schemas compiled on
// demand. Every response the tests see is checked against it: the status
// must be documented for the operation, and the body must validate against
// the schema documented for that status and content type.
type contract struct {
	doc       map[string]any
	templates []pathTemplate
	compiler  *jsonschema.Compiler

	mu      sync.Mutex
	schemas map[string]*jsonschema.Schema
}

type pathTemplate struct {
	path   string
	re     *regexp.Regexp
	params int
}

const docURL = "file:///openapi.json"

var loadContract = sync.OnceValues(func() (*contract, error) {
	var doc map[string]any
	if err := json.Unmarshal(httpapi.OpenAPI, &doc); err != nil {
		return nil, err
	}
	res, err := jsonschema.UnmarshalJSON(bytes.NewReader(httpapi.OpenAPI))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(docURL, res); err != nil {
		return nil, err
	}
	k := &contract{doc: doc, compiler: c, schemas: map[string]*jsonschema.Schema{}}
	for p := range doc["paths"].(map[string]any) {
		n := strings.Count(p, "{")
		re := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + "$")
		k.templates = append(k.templates, pathTemplate{path: p, re: re, params: n})
	}
	// Literal paths win over templated ones: /v1/users/current before /v1/users/{id}.
	sort.Slice(k.templates, func(i, j int) bool { return k.templates[i].params < k.templates[j].params })
	return k, nil
})

// operation finds the documented operation for a request.
func (k *contract) operation(method, rawPath string) (template string, op map[string]any) {
	u, _ := url.Parse(rawPath)
	for _, t := range k.templates {
		if t.re.MatchString(u.Path) {
			item := k.doc["paths"].(map[string]any)[t.path].(map[string]any)
			if op, ok := item[strings.ToLower(method)].(map[string]any); ok {
				return t.path, op
			}
			return t.path, nil
		}
	}
	return "", nil
}

// pointer escapes one JSON pointer token.
func pointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
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

// checkContract fails the test if the response is not what openapi.json
// promises for method and path.
func checkContract(t testing.TB, method, path string, r *resp) {
	t.Helper()
	k, err := loadContract()
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	template, op := k.operation(method, path)
	if op == nil {
		if r.status == 404 || r.status == 405 {
			return // an unknown route or method: answered, rightly, without a documented operation
		}
		t.Fatalf("%s %s answered %d but is not in openapi.json", method, path, r.status)
	}
	responses := op["responses"].(map[string]any)
	status := strconv.Itoa(r.status)
	respDoc, ok := responses[status].(map[string]any)
	if !ok {
		t.Fatalf("%s %s answered %d, which openapi.json does not document (%s)", method, template, r.status, r.body)
	}
	base := "/paths/" + pointer(template) + "/" + strings.ToLower(method) + "/responses/" + status
	if ref, ok := respDoc["$ref"].(string); ok {
		base = strings.TrimPrefix(ref, "#")
		respDoc = k.resolve(base)
	}
	content, _ := respDoc["content"].(map[string]any)
	if len(content) == 0 {
		if len(bytes.TrimSpace(r.body)) > 0 {
			t.Fatalf("%s %s %d: documented without a body, got %s", method, template, r.status, r.body)
		}
		return
	}
	mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type"))
	if _, ok := content[mt]; !ok {
		t.Fatalf("%s %s %d: content type %q is not documented", method, template, r.status, mt)
	}
	if !strings.HasSuffix(mt, "json") {
		return
	}
	s, err := k.schema(base + "/content/" + pointer(mt) + "/schema")
	if err != nil {
		t.Fatalf("compiling the schema of %s %s %d: %v", method, template, r.status, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("%s %s %d: body is not JSON: %s", method, template, r.status, r.body)
	}
	if err := s.Validate(inst); err != nil {
		t.Fatalf("%s %s %d: body does not match openapi.json:\n%s\n%v", method, template, r.status, r.body, err)
	}
}

// resolve follows a local JSON pointer in the document.
func (k *contract) resolve(ptr string) map[string]any {
	var cur any = k.doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		cur = cur.(map[string]any)[tok]
	}
	return cur.(map[string]any)
}

func TestOpenAPIDocumentsEveryRouteAndNothingElse(t *testing.T) {
	a := newTestAPI(t)
	k, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	if k.doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi = %v, want 3.1.0", k.doc["openapi"])
	}
	routes := map[string]httpapi.Route{}
	for _, r := range a.server.Routes() {
		key := strings.ToLower(r.Method) + " " + r.Path
		routes[key] = r
		item, ok := k.doc["paths"].(map[string]any)[r.Path].(map[string]any)
		if !ok {
			t.Errorf("route %s %s is not in openapi.json", r.Method, r.Path)
			continue
		}
		op, ok := item[strings.ToLower(r.Method)].(map[string]any)
		if !ok {
			t.Errorf("route %s %s is not in openapi.json", r.Method, r.Path)
			continue
		}
		if perm, _ := op["x-permission"].(string); perm != r.Permission {
			t.Errorf("%s %s: x-permission %q, route table says %q", r.Method, r.Path, perm, r.Permission)
		}
		if self, _ := op["x-self"].(bool); self != r.Self {
			t.Errorf("%s %s: x-self %v, route table says %v", r.Method, r.Path, self, r.Self)
		}
	}
	for path, item := range k.doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			if method == "parameters" {
				continue
			}
			if _, ok := routes[method+" "+path]; !ok {
				t.Errorf("openapi.json documents %s %s, which is not a route", strings.ToUpper(method), path)
			}
		}
	}
	var served map[string]any
	a.do(req{method: "GET", path: "/openapi.json"}).want(t, 200).into(t, &served)
	if served["openapi"] != "3.1.0" {
		t.Fatal("GET /openapi.json does not serve the document")
	}
}

func TestContractCheckCatchesUndocumentedFields(t *testing.T) {
	k, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	s, err := k.schema("/components/schemas/Org")
	if err != nil {
		t.Fatal(err)
	}
	body := `{"id":"0190f1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b","name":"x","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","secret":1}`
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(body))
	if s.Validate(inst) == nil {
		t.Fatalf("a body with an undocumented field passed: %s", body)
	}
}
