package httpapi_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wardenhq/warden/internal/httpapi"
)

// The contract check. openapi.json is parsed once and its schemas compiled
// on demand (OpenAPI 3.1 schemas are JSON Schema 2020-12; the whole
// document is one resource, so $refs into #/components resolve). Every
// response the test client receives is checked by contractTransport:
//
//   - the request matches an operation (method + path template), or it is
//     the router's own 404 (unknown path) or 405 (with Allow) problem;
//   - the status is one the operation documents;
//   - every header the response documents as required is there, and
//     matches its schema;
//   - the body is empty when the response documents none; otherwise its
//     media type is documented, and a JSON body validates against the
//     schema for that status and media type (formats asserted);
//   - a problem's "status" repeats the HTTP status;
//   - on success, the request body (if any) was sent with a documented
//     media type and validates against the documented request schema, so
//     the request side cannot drift either.
//
// The operations and statuses seen are recorded; TestMain fails a full run
// in which some operation never answered with success.

const docURL = "file:///openapi.json"

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

var loadContract = sync.OnceValues(func() (*contract, error) {
	var doc map[string]any
	if err := json.Unmarshal(httpapi.OpenAPI, &doc); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	res, err := jsonschema.UnmarshalJSON(bytes.NewReader(httpapi.OpenAPI))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(docURL, res); err != nil {
		return nil, err
	}
	k := &contract{doc: doc, compiler: c, schemas: map[string]*jsonschema.Schema{}}
	wildcard := regexp.MustCompile(`\\\{[^}]+\\\}`)
	for p := range k.paths() {
		re := regexp.MustCompile("^" + wildcard.ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + "$")
		k.templates = append(k.templates, pathTemplate{path: p, re: re, params: strings.Count(p, "{")})
	}
	// The most specific template first, as the router prefers
	// /v1/users/current to /v1/users/{id}.
	sort.Slice(k.templates, func(i, j int) bool {
		if k.templates[i].params != k.templates[j].params {
			return k.templates[i].params < k.templates[j].params
		}
		return k.templates[i].path < k.templates[j].path
	})
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

func (k *contract) paths() map[string]any { return k.doc["paths"].(map[string]any) }

// operation finds the documented operation for a request as the router
// would: the most specific template matching the path that has the method.
// A path some template matches without the method gives (template, nil).
func (k *contract) operation(method, path string) (template string, op map[string]any) {
	for _, t := range k.templates {
		if !t.re.MatchString(path) {
			continue
		}
		if template == "" {
			template = t.path
		}
		if op, ok := k.paths()[t.path].(map[string]any)[strings.ToLower(method)].(map[string]any); ok {
			return t.path, op
		}
	}
	return template, nil
}

// pointer escapes one JSON pointer token.
func pointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// schema compiles the schema at a JSON pointer of the document.
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

// resolve follows a local JSON pointer in the document.
func (k *contract) resolve(ptr string) map[string]any {
	var cur any = k.doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		cur = cur.(map[string]any)[tok]
	}
	m, _ := cur.(map[string]any)
	return m
}

// deref returns the object at ptr, following one $ref, and its pointer.
func (k *contract) deref(ptr string, obj map[string]any) (string, map[string]any) {
	if ref, ok := obj["$ref"].(string); ok && strings.HasPrefix(ref, "#/") {
		ptr = strings.TrimPrefix(ref, "#")
		return ptr, k.resolve(ptr)
	}
	return ptr, obj
}

// validate checks a JSON document against the schema at ptr.
func (k *contract) validate(ptr string, data []byte) error {
	s, err := k.schema(ptr)
	if err != nil {
		return fmt.Errorf("compiling %s: %w", ptr, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return s.Validate(inst)
}

// exchange is one request and its response, as the transport saw them.
type exchange struct {
	method, path string
	reqType      string
	reqBody      []byte
	status       int
	header       http.Header
	body         []byte
}

// check returns why x breaks the contract, or nil.
func (k *contract) check(x exchange) error {
	template, op := k.operation(x.method, x.path)
	if op == nil {
		return k.checkUnrouted(x, template)
	}
	opPtr := "/paths/" + pointer(template) + "/" + strings.ToLower(x.method)
	name := x.method + " " + template
	responses, _ := op["responses"].(map[string]any)
	status := strconv.Itoa(x.status)
	key := status
	if _, ok := responses[key]; !ok {
		key = status[:1] + "XX"
	}
	respDoc, ok := responses[key].(map[string]any)
	if !ok {
		return fmt.Errorf("%s answered %d, which openapi.json does not document: %s", name, x.status, x.body)
	}
	respPtr, respDoc := k.deref(opPtr+"/responses/"+key, respDoc)
	if err := k.checkHeaders(name, x, respPtr, respDoc); err != nil {
		return err
	}
	content, _ := respDoc["content"].(map[string]any)
	if len(content) == 0 {
		if len(bytes.TrimSpace(x.body)) > 0 {
			return fmt.Errorf("%s %d is documented without a body, got %q", name, x.status, x.body)
		}
	} else {
		mt, _, _ := mime.ParseMediaType(x.header.Get("Content-Type"))
		if _, ok := content[mt]; !ok {
			return fmt.Errorf("%s %d: content type %q is not documented (%v)", name, x.status, mt, keys(content))
		}
		if strings.HasSuffix(mt, "json") {
			if err := k.validate(respPtr+"/content/"+pointer(mt)+"/schema", x.body); err != nil {
				return fmt.Errorf("%s %d: the body does not match openapi.json:\n%s\n%v", name, x.status, x.body, err)
			}
		}
		if mt == "application/problem+json" {
			var p problemBody
			if json.Unmarshal(x.body, &p) == nil && p.Status != x.status {
				return fmt.Errorf("%s %d: the problem says status %d", name, x.status, p.Status)
			}
		}
	}
	if x.status < 300 && len(x.reqBody) > 0 {
		return k.checkRequest(name, opPtr, op, x)
	}
	return nil
}

// checkUnrouted checks the router's own answers: 404 for an unknown path,
// 405 with Allow for a known path and another method.
func (k *contract) checkUnrouted(x exchange, template string) error {
	want := http.StatusNotFound
	if template != "" {
		want = http.StatusMethodNotAllowed
	}
	if x.status != want {
		return fmt.Errorf("%s %s answered %d but is not an operation of openapi.json", x.method, x.path, x.status)
	}
	if want == http.StatusMethodNotAllowed && x.header.Get("Allow") == "" {
		return fmt.Errorf("%s %s: 405 without Allow", x.method, x.path)
	}
	if mt, _, _ := mime.ParseMediaType(x.header.Get("Content-Type")); mt != "application/problem+json" {
		return fmt.Errorf("%s %s %d: content type %q, want application/problem+json", x.method, x.path, x.status, mt)
	}
	if err := k.validate("/components/schemas/Problem", x.body); err != nil {
		return fmt.Errorf("%s %s %d: not a Problem: %s\n%v", x.method, x.path, x.status, x.body, err)
	}
	return nil
}

// checkHeaders checks the headers a response documents.
func (k *contract) checkHeaders(name string, x exchange, respPtr string, respDoc map[string]any) error {
	headers, _ := respDoc["headers"].(map[string]any)
	for h, v := range headers {
		hv, _ := v.(map[string]any)
		got := x.header.Get(h)
		if got == "" {
			if req, _ := hv["required"].(bool); req {
				return fmt.Errorf("%s %d lacks the %s header", name, x.status, h)
			}
			continue
		}
		if _, ok := hv["schema"]; ok {
			enc, _ := json.Marshal(got)
			if err := k.validate(respPtr+"/headers/"+pointer(h)+"/schema", enc); err != nil {
				return fmt.Errorf("%s %d: header %s: %q: %v", name, x.status, h, got, err)
			}
		}
	}
	return nil
}

// checkRequest checks a request the server accepted against its
// documented body.
func (k *contract) checkRequest(name, opPtr string, op map[string]any, x exchange) error {
	rb, ok := op["requestBody"].(map[string]any)
	if !ok {
		return fmt.Errorf("%s accepted a request body, but openapi.json documents none", name)
	}
	rbPtr, rb := k.deref(opPtr+"/requestBody", rb)
	mt, _, _ := mime.ParseMediaType(x.reqType)
	content, _ := rb["content"].(map[string]any)
	if _, ok := content[mt]; !ok {
		return fmt.Errorf("%s accepted a %q body, which openapi.json does not document (%v)", name, mt, keys(content))
	}
	body := x.reqBody
	if mt == "application/x-www-form-urlencoded" {
		// A form is checked as the JSON object of its fields, each a string.
		vs, err := url.ParseQuery(string(body))
		if err != nil {
			return fmt.Errorf("%s accepted a malformed form: %v", name, err)
		}
		fields := map[string]string{}
		for k, v := range vs {
			fields[k] = v[0]
		}
		body, _ = json.Marshal(fields)
	}
	if err := k.validate(rbPtr+"/content/"+pointer(mt)+"/schema", body); err != nil {
		return fmt.Errorf("%s accepted a body its documented schema refuses:\n%s\n%v", name, x.reqBody, err)
	}
	return nil
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// contractTransport checks every exchange against openapi.json; a breach
// is an error of the round trip, so the request fails where it was made.
type contractTransport struct {
	base http.RoundTripper
}

type contractError struct{ err error }

func (e *contractError) Error() string { return "contract: " + e.err.Error() }

func (c contractTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	k, err := loadContract()
	if err != nil {
		return nil, err
	}
	var reqBody []byte
	if r.GetBody != nil {
		rc, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		reqBody, err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
	}
	res, err := c.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	// The escaped path, as the mux matches it: a segment may hold a "/".
	x := exchange{method: r.Method, path: r.URL.EscapedPath(), reqType: r.Header.Get("Content-Type"), reqBody: reqBody,
		status: res.StatusCode, header: res.Header, body: body}
	if err := k.check(x); err != nil {
		return nil, &contractError{err}
	}
	if template, op := k.operation(x.method, x.path); op != nil {
		record(x.method+" "+template, x.status)
	}
	return res, nil
}

// seen records which statuses each operation answered, across the run.
var seen = struct {
	sync.Mutex
	m map[string]map[int]bool
}{m: map[string]map[int]bool{}}

func record(op string, status int) {
	seen.Lock()
	defer seen.Unlock()
	if seen.m[op] == nil {
		seen.m[op] = map[int]bool{}
	}
	seen.m[op][status] = true
}

// TestMain runs the tests and then, on a full and successful run, fails if
// some documented operation never answered with success: the contract is
// only checked where the tests go.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.fuzz").Value.String() == "" &&
		flag.Lookup("test.skip").Value.String() == "" && !testing.Short() {
		if missing := unexercised(); len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: no test saw these operations succeed, so their success responses are unchecked:\n\t%s\n",
				strings.Join(missing, "\n\t"))
			code = 1
		}
	}
	os.Exit(code)
}

func unexercised() []string {
	k, err := loadContract()
	if err != nil {
		return []string{err.Error()}
	}
	seen.Lock()
	defer seen.Unlock()
	var out []string
	for path, item := range k.paths() {
		for method := range item.(map[string]any) {
			if method == "parameters" {
				continue
			}
			name := strings.ToUpper(method) + " " + path
			ok := false
			for status := range seen.m[name] {
				ok = ok || status < 300
			}
			if !ok {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func TestOpenAPIDocumentsEveryRouteAndNothingElse(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	k := mustContract(t)
	if k.doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi = %v, want 3.1.0", k.doc["openapi"])
	}
	routes := map[string]httpapi.Route{}
	for _, r := range a.server.Routes() {
		name := r.Method + " " + r.Path
		routes[strings.ToLower(r.Method)+" "+r.Path] = r
		item, _ := k.paths()[r.Path].(map[string]any)
		op, ok := item[strings.ToLower(r.Method)].(map[string]any)
		if !ok {
			t.Errorf("route %s is not in openapi.json", name)
			continue
		}
		if perm, _ := op["x-permission"].(string); perm != r.Permission {
			t.Errorf("%s: x-permission %q, the route table says %q", name, perm, r.Permission)
		}
		if self, _ := op["x-self"].(bool); self != r.Self {
			t.Errorf("%s: x-self %v, the route table says %v", name, self, r.Self)
		}
		if scope, _ := op["x-scope"].(string); scope != r.Scope {
			t.Errorf("%s: x-scope %q, the route table says %q", name, scope, r.Scope)
		}
		security, declared := op["security"].([]any)
		if public := declared && len(security) == 0; public != r.Public {
			t.Errorf("%s: documented as public=%v, the route table says %v", name, public, r.Public)
		}
		responses, _ := op["responses"].(map[string]any)
		if !r.Public {
			if _, ok := responses["401"]; !ok {
				t.Errorf("%s needs a credential but does not document 401", name)
			}
		}
		if r.Permission != "" {
			if _, ok := responses["403"]; !ok {
				t.Errorf("%s needs %s but does not document 403", name, r.Permission)
			}
		}
		if strings.Contains(r.Path, "{") {
			if _, ok := responses["404"]; !ok {
				t.Errorf("%s names an object but does not document 404", name)
			}
		}
		if _, ok := op["requestBody"]; ok {
			for _, status := range []string{"400", "413", "415"} {
				if _, ok := responses[status]; !ok {
					t.Errorf("%s takes a body but does not document %s", name, status)
				}
			}
		}
		if _, ok := responses["500"]; !ok {
			t.Errorf("%s does not document 500", name)
		}
	}
	operationIDs := map[string]string{}
	for path, item := range k.paths() {
		for method, v := range item.(map[string]any) {
			if !slices.Contains(methods, method) {
				continue
			}
			name := strings.ToUpper(method) + " " + path
			if _, ok := routes[method+" "+path]; !ok {
				t.Errorf("openapi.json documents %s, which is not a route", name)
			}
			op := v.(map[string]any)
			id, _ := op["operationId"].(string)
			if other, dup := operationIDs[id]; id == "" || dup {
				t.Errorf("%s: operationId %q missing or shared with %s", name, id, other)
			}
			operationIDs[id] = name
			checkPathParams(t, k, name, path, item.(map[string]any), op)
		}
	}
}

// checkPathParams fails unless every wildcard of path is a documented,
// required path parameter.
func checkPathParams(t *testing.T, k *contract, name, path string, item, op map[string]any) {
	t.Helper()
	declared := map[string]bool{}
	for _, list := range []any{item["parameters"], op["parameters"]} {
		ps, _ := list.([]any)
		for _, p := range ps {
			_, pm := k.deref("", p.(map[string]any))
			if pm["in"] == "path" {
				if req, _ := pm["required"].(bool); !req {
					t.Errorf("%s: path parameter %v is not required", name, pm["name"])
				}
				declared[pm["name"].(string)] = true
			}
		}
	}
	for _, m := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(path, -1) {
		if !declared[m[1]] {
			t.Errorf("%s: path parameter %s is not documented", name, m[1])
		}
		delete(declared, m[1])
	}
	for p := range declared {
		t.Errorf("%s documents a path parameter %s it does not have", name, p)
	}
}

// TestOpenAPIIsWellFormed checks what the contract check relies on: every
// schema compiles, every response and body is shaped as OpenAPI 3.1 wants
// (a description, status keys, media type objects with only their own
// fields), and every object schema refuses fields it does not name.
func TestOpenAPIIsWellFormed(t *testing.T) {
	t.Parallel()
	k := mustContract(t)
	components := k.doc["components"].(map[string]any)
	for name, s := range components["schemas"].(map[string]any) {
		if _, err := k.schema("/components/schemas/" + pointer(name)); err != nil {
			t.Errorf("schema %s: %v", name, err)
		}
		if sm := s.(map[string]any); sm["type"] == "object" && sm["additionalProperties"] != false {
			t.Errorf("schema %s does not set additionalProperties: false", name)
		}
	}
	mediaTypes := func(where string, content any) {
		c, _ := content.(map[string]any)
		for mt, v := range c {
			for field := range v.(map[string]any) {
				if !slices.Contains([]string{"schema", "example", "examples", "encoding"}, field) && !strings.HasPrefix(field, "x-") {
					t.Errorf("%s %s: a media type object has no field %q", where, mt, field)
				}
			}
		}
	}
	statusKey := regexp.MustCompile(`^[1-5]([0-9]{2}|XX)$`)
	for path, item := range k.paths() {
		for method, v := range item.(map[string]any) {
			if !slices.Contains(methods, method) {
				continue
			}
			where := strings.ToUpper(method) + " " + path
			op := v.(map[string]any)
			if rb, ok := op["requestBody"].(map[string]any); ok {
				_, rb = k.deref("", rb)
				if _, ok := rb["content"]; !ok {
					t.Errorf("%s: a request body without content", where)
				}
				mediaTypes(where+" request", rb["content"])
			}
			for status, r := range op["responses"].(map[string]any) {
				if !statusKey.MatchString(status) {
					t.Errorf("%s: response key %q", where, status)
				}
				_, rd := k.deref("", r.(map[string]any))
				if d, _ := rd["description"].(string); d == "" {
					t.Errorf("%s %s: no description", where, status)
				}
				mediaTypes(where+" "+status, rd["content"])
				headers, _ := rd["headers"].(map[string]any)
				for h, hv := range headers {
					if _, ok := hv.(map[string]any)["schema"]; !ok {
						t.Errorf("%s %s: header %s has no schema", where, status, h)
					}
				}
			}
		}
	}
	schemes, _ := components["securitySchemes"].(map[string]any)
	bearer, _ := schemes["bearer"].(map[string]any)
	cookie, _ := schemes["cookie"].(map[string]any)
	if bearer["type"] != "http" || bearer["scheme"] != "bearer" || cookie["type"] != "apiKey" || cookie["in"] != "cookie" || cookie["name"] != "Authorization" {
		t.Errorf("security schemes %v", schemes)
	}
}

func TestOpenAPIIsServed(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	r := a.do(t, req{method: "GET", path: "/openapi.json"}).want(t, 200)
	if !bytes.Equal(r.body, httpapi.OpenAPI) {
		t.Fatal("GET /openapi.json does not serve the embedded document")
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
	}
	r.into(t, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
}

// TestContractCheckCatchesBreaches feeds the check exchanges that break
// the contract in each way it looks for.
func TestContractCheckCatchesBreaches(t *testing.T) {
	t.Parallel()
	k := mustContract(t)
	org := `{"id":"0190f1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b","name":"x","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	problem := http.Header{"Content-Type": {"application/problem+json"}}
	good := exchange{method: "GET", path: "/v1/orgs/0190f1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b", status: 200, header: jsonHeader, body: []byte(org)}
	if err := k.check(good); err != nil {
		t.Fatalf("a good exchange fails: %v", err)
	}
	breaches := map[string]func(x *exchange){
		"an undocumented field": func(x *exchange) {
			x.body = []byte(strings.Replace(org, `"name":"x"`, `"name":"x","secret":1`, 1))
		},
		"a missing field":         func(x *exchange) { x.body = []byte(strings.Replace(org, `"name":"x",`, ``, 1)) },
		"a malformed uuid":        func(x *exchange) { x.body = []byte(strings.Replace(org, `0190f1b2-`, `0190f1b2`, 1)) },
		"a malformed time":        func(x *exchange) { x.body = []byte(strings.Replace(org, `2026-01-01T00:00:00Z`, `yesterday`, 1)) },
		"a null where none is":    func(x *exchange) { x.body = []byte(strings.Replace(org, `"x"`, `null`, 1)) },
		"an undocumented status":  func(x *exchange) { x.status = 202 },
		"an undocumented type":    func(x *exchange) { x.header = http.Header{"Content-Type": {"text/html"}} },
		"an undocumented route":   func(x *exchange) { x.path = "/v1/orgs/x/y" },
		"a problem of bad shape":  func(x *exchange) { x.status, x.header, x.body = 404, problem, []byte(`{"code":"not_found"}`) },
		"a problem with a status": func(x *exchange) { x.status, x.header, x.body = 404, problem, []byte(problemJSON(409)) },
		"a 401 without WWW-Authenticate": func(x *exchange) {
			x.status, x.header, x.body = 401, problem, []byte(problemJSON(401))
		},
		"a body where none is documented": func(x *exchange) {
			x.method, x.status, x.header = "DELETE", 204, http.Header{}
		},
		"a 201 without Location": func(x *exchange) {
			x.method, x.path, x.status, x.reqType, x.reqBody = "POST", "/v1/orgs", 201, "application/json", []byte(`{"name":"x"}`)
		},
		"a 405 without Allow": func(x *exchange) {
			x.method, x.status, x.header, x.body = "PUT", 405, problem, []byte(problemJSON(405))
		},
		"an accepted body of an undocumented type": func(x *exchange) {
			x.method, x.reqType, x.reqBody = "PATCH", "text/plain", []byte(`{"name":"y"}`)
		},
		"an accepted body the request schema refuses": func(x *exchange) {
			x.method, x.reqType, x.reqBody = "PATCH", "application/merge-patch+json", []byte(`{"name":"y","owner":1}`)
		},
	}
	for name, breach := range breaches {
		t.Run(name+" is caught", func(t *testing.T) {
			x := good
			x.header = jsonHeader.Clone()
			breach(&x)
			err := k.check(x)
			if err == nil {
				t.Fatal("the check passed")
			}
			t.Log(err)
		})
	}
}

func problemJSON(status int) string {
	return fmt.Sprintf(`{"type":"about:blank","title":"x","status":%d,"detail":"x","code":"x"}`, status)
}
