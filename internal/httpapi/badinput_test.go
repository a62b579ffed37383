package httpapi_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/httpapi"
	"github.com/wardenhq/warden/internal/iam"
)

// The tests of this file derive bad input from openapi.json and the route
// table, so that a new route or parameter is covered without a new line:
// whatever is sent, the answer is a 4xx problem with a code, never a 5xx.

// bodySchema returns a request body's schema for a media type, resolved.
func (k *contract) bodySchema(op map[string]any, mt string) map[string]any {
	rb, _ := op["requestBody"].(map[string]any)
	_, rb = k.deref("", rb)
	content, _ := rb["content"].(map[string]any)
	m, _ := content[mt].(map[string]any)
	s, _ := m["schema"].(map[string]any)
	_, s = k.deref("", s)
	return s
}

// okSchema returns the schema of an operation's 200 or 201 JSON response.
func (k *contract) okSchema(op map[string]any) map[string]any {
	responses := op["responses"].(map[string]any)
	for _, status := range []string{"200", "201"} {
		if r, ok := responses[status].(map[string]any); ok {
			_, r = k.deref("", r)
			c, _ := r["content"].(map[string]any)
			m, _ := c["application/json"].(map[string]any)
			s, _ := m["schema"].(map[string]any)
			_, s = k.deref("", s)
			return s
		}
	}
	return nil
}

func properties(s map[string]any) map[string]any {
	p, _ := s["properties"].(map[string]any)
	return p
}

// types lists the JSON types a schema allows.
func types(s map[string]any) []string {
	switch t := s["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, v := range t {
			out = append(out, v.(string))
		}
		return out
	}
	return nil
}

// wrongValue is a JSON value of a type the schema does not allow.
func wrongValue(s map[string]any) any {
	ts := types(s)
	switch {
	case slices.Contains(ts, "string"):
		return 5
	case slices.Contains(ts, "boolean"):
		return "yes"
	default:
		return "x"
	}
}

// leaf is a field of a body schema, nested fields by their path.
type leaf struct {
	path   []string
	schema map[string]any
}

// leaves lists the fields of props, and with deep the fields of object
// fields, depth first.
func leaves(k *contract, props map[string]any, prefix []string, deep bool) []leaf {
	var out []leaf
	for _, name := range keys(props) {
		_, s := k.deref("", props[name].(map[string]any))
		path := append(slices.Clone(prefix), name)
		out = append(out, leaf{path, s})
		if sub := properties(s); deep && sub != nil {
			out = append(out, leaves(k, sub, path, deep)...)
		}
	}
	return out
}

// with is body (a valid request body) with v at path, so that only that
// field is wrong.
func with(t *testing.T, body any, path []string, v any) string {
	t.Helper()
	var doc map[string]any
	switch b := body.(type) {
	case string:
		if err := json.Unmarshal([]byte(b), &doc); err != nil {
			doc = nil // a JSON Patch: start from nothing
		}
	default:
		enc, _ := json.Marshal(b)
		json.Unmarshal(enc, &doc)
	}
	if doc == nil {
		doc = map[string]any{}
	}
	cur := doc
	for _, p := range path[:len(path)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[p] = next
		}
		cur = next
	}
	cur[path[len(path)-1]] = v
	out, _ := json.Marshal(doc)
	return string(out)
}

// bodyOp is a route that takes a body, with its documented media types.
type bodyOp struct {
	method, pattern string
	op              map[string]any
	types           []string
	base            req
}

func bodyOps(t *testing.T, a *api, w world) []bodyOp {
	t.Helper()
	k := mustContract(t)
	var out []bodyOp
	for _, rt := range a.server.Routes() {
		_, op := k.operation(rt.Method, w.fill(rt.Path))
		rb, ok := op["requestBody"].(map[string]any)
		if !ok {
			continue
		}
		_, rb = k.deref("", rb)
		if _, form := rb["content"].(map[string]any)["application/x-www-form-urlencoded"]; form {
			continue // the OAuth endpoints answer as RFC 6749 says, not in problems (oauth_test.go)
		}
		out = append(out, bodyOp{method: rt.Method, pattern: rt.Path, op: op,
			types: keys(rb["content"].(map[string]any)), base: w.validRequest(rt.Method, rt.Path)})
	}
	if len(out) < 15 {
		t.Fatalf("only %d routes take a body", len(out))
	}
	return out
}

// bad sends r as root and wants status with some problem code, naming the
// fields given.
func (a *api) bad(t *testing.T, w world, r req, status int, fields ...string) *resp {
	t.Helper()
	r.token = w.root.token
	res := a.do(t, r)
	if res.status != status || res.code() == "" {
		t.Fatalf("got %d %s, want %d with a code", res.status, res.body, status)
	}
	return res.naming(t, fields...)
}

func TestBadBodiesAreClientErrors(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	w := newWorld(t, a)
	huge := `{"name": "` + strings.Repeat("a", 2<<20) + `"}`
	for _, b := range bodyOps(t, a, w) {
		name := b.method + " " + b.pattern
		for _, mt := range b.types {
			array := types(mustContract(t).bodySchema(b.op, mt))[0] == "array"
			wrongTop, two := `[{"name": "x"}]`, `{} {}`
			if array {
				wrongTop, two = `{"op": "add", "path": "/x", "value": 1}`, `[] []`
			}
			for _, c := range []struct {
				what, body string
				status     int
			}{
				{"malformed JSON", `{"name": `, 400},
				{"an empty body", ``, 400},
				{"blank space", " \n\t", 400},
				{"a lone number", `42`, 400},
				{"a lone string", `"x"`, 400},
				{"two JSON values", two, 400},
				{"the wrong top-level type", wrongTop, 400},
				{"a 2 MiB body", huge, 413},
			} {
				t.Run(name+" refuses "+c.what+" as "+mt, func(t *testing.T) {
					r := b.base
					r.body, r.ctype = c.body, mt
					res := a.bad(t, w, r, c.status)
					if c.status == 413 && res.code() != "body_too_large" {
						t.Fatalf("code %q", res.code())
					}
				})
			}
		}
		for _, ct := range []string{"text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "garbage/"} {
			t.Run(name+" refuses a "+ct+" body", func(t *testing.T) {
				r := b.base
				r.ctype = ct
				if r.body == nil {
					r.body = `{}`
				}
				a.bad(t, w, r, 415)
			})
		}
		t.Run(name+" refuses a body without a content type", func(t *testing.T) {
			r := b.base
			r.header = map[string]string{"Content-Type": ""}
			if r.body == nil {
				r.body = `{}`
			}
			a.bad(t, w, r, 415)
		})
	}
}

func TestBadFieldsAreNamed(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	w := newWorld(t, a)
	k := mustContract(t)
	for _, b := range bodyOps(t, a, w) {
		name := b.method + " " + b.pattern
		for _, mt := range b.types {
			s := k.bodySchema(b.op, mt)
			props := properties(s)
			patch := mt == "application/json-patch+json"
			if patch {
				// JSON Patch operations address the document's fields.
				if merge := k.bodySchema(b.op, "application/merge-patch+json"); merge != nil {
					props = properties(merge)
				} else {
					props = properties(k.okSchema(b.op))
				}
			}
			encode := func(field string, v any) string {
				if patch {
					op, _ := json.Marshal([]map[string]any{{"op": "add", "path": "/" + field, "value": v}})
					return string(op)
				}
				obj, _ := json.Marshal(map[string]any{field: v})
				return string(obj)
			}
			for _, l := range leaves(k, props, nil, !patch) {
				field := strings.Join(l.path, ".")
				bad := []any{wrongValue(l.schema)}
				if l.schema["format"] == "uuid" {
					bad = append(bad, "not-an-id")
				}
				for _, v := range bad {
					t.Run(fmt.Sprintf("%s names %s when it is %v as %s", name, field, v, mt), func(t *testing.T) {
						r := b.base
						if patch {
							r.body = encode(l.path[0], v)
						} else {
							r.body = with(t, b.base.body, l.path, v)
						}
						r.ctype = mt
						a.bad(t, w, r, 400, field)
					})
				}
			}
			t.Run(name+" names an unknown field as "+mt, func(t *testing.T) {
				r := b.base
				r.body, r.ctype = encode("no_such_field", 1), mt
				res := a.bad(t, w, r, 400)
				if res.code() != "illegal_update" { // capabilities refuse any other path outright
					res.naming(t, "no_such_field")
				}
			})
			if b.method != "PATCH" || patch {
				continue
			}
			// Fields the response shows but the patch document lacks are
			// read-only: naming them is refused, whatever the value.
			for field := range properties(k.okSchema(b.op)) {
				if _, editable := props[field]; editable {
					continue
				}
				t.Run(name+" refuses to patch read-only "+field+" as "+mt, func(t *testing.T) {
					r := b.base
					r.body, r.ctype = encode(field, "2020-01-01T00:00:00Z"), mt
					a.bad(t, w, r, 400, field)
				})
			}
		}
	}
}

// TestBadPathsAreClientErrors puts malformed and unknown IDs in every
// wildcard of every route.
func TestBadPathsAreClientErrors(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	w := newWorld(t, a)
	unknown, _ := iam.NewID(time.Now(), rand.Reader)
	wildcard := regexp.MustCompile(`\{([^}]+)\}`)
	for _, rt := range a.server.Routes() {
		for _, m := range wildcard.FindAllStringSubmatch(rt.Path, -1) {
			param := m[1]
			r := w.validRequest(rt.Method, rt.Path)
			with := func(v string) req {
				r := r
				r.path = w.fill(strings.Replace(rt.Path, m[0], v, 1))
				if q := strings.IndexByte(w.validRequest(rt.Method, rt.Path).path, '?'); q >= 0 {
					r.path += w.validRequest(rt.Method, rt.Path).path[q:]
				}
				return r
			}
			name := rt.Method + " " + rt.Path
			if (param == "service" || param == "issuer") && rt.Method == "PUT" {
				continue // names a PUT creates: any well-formed one is taken
			}
			if param == "key" || param == "method" || param == "service" || param == "issuer" || param == "token_suffix" { // names, not IDs: anything unknown is not found
				t.Run(name+" does not find a malformed key", func(t *testing.T) {
					a.bad(t, w, with("not-a-role"), 404)
				})
				continue
			}
			for _, v := range []string{"not-an-id", "12345", "0190f1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "%00", "%F0%9F%98%80"} {
				t.Run(name+" refuses "+param+" "+v, func(t *testing.T) {
					a.bad(t, w, with(v), 400, param)
				})
			}
			for _, v := range []string{unknown.String(), unknown.Hex(), unknown.Base64()} {
				t.Run(name+" does not find "+param+" "+v, func(t *testing.T) {
					a.bad(t, w, with(v), 404)
				})
			}
			// The nil UUID names nothing: it is refused or not found, and
			// never taken for "any".
			t.Run(name+" does not take the nil "+param+" for any", func(t *testing.T) {
				r := with(iam.NilID.String())
				r.token = w.root.token
				res := a.do(t, r)
				if res.status != 404 && res.status != 400 {
					t.Fatalf("got %d %s, want 404 or 400", res.status, res.body)
				}
			})
		}
	}
}

// badValues are values a query parameter's schema refuses.
func badValues(name string, s map[string]any) []string {
	var out []string
	ts := types(s)
	switch {
	case slices.Contains(ts, "integer"):
		out = append(out, "abc", "1.5", "", "0x10", "99999999999999999999")
		if min, ok := s["minimum"].(float64); ok {
			out = append(out, strconv.Itoa(int(min)-1))
		}
		if max, ok := s["maximum"].(float64); ok {
			out = append(out, strconv.Itoa(int(max)+1))
		}
	case slices.Contains(ts, "boolean"):
		out = append(out, "maybe", "yes", "2")
	case s["format"] == "uuid":
		out = append(out, "nobody", "12345", "0190f1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5")
	case s["format"] == "date-time":
		out = append(out, "yesterday", "2026-01-02", "2026-01-02 15:04:05", "1700000000")
	case s["enum"] != nil:
		out = append(out, "sideways", "projects,sideways")
	case s["pattern"] != nil || name == "cursor":
		out = append(out, "garbage!", "-1")
	case name == "scope":
		out = append(out, "bogus", "bogus:1", "workspace:nope", "workspace:", ":")
	}
	if slices.Contains(out, "") {
		out = slices.DeleteFunc(out, func(v string) bool { return v == "" })
	}
	return out
}

func TestBadQueriesAreClientErrors(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	w := newWorld(t, a)
	k := mustContract(t)
	covered := map[string]bool{}
	for _, rt := range a.server.Routes() {
		valid := w.validRequest(rt.Method, rt.Path)
		template, op := k.operation(rt.Method, strings.SplitN(valid.path, "?", 2)[0])
		var params []any
		if item, ok := k.paths()[template].(map[string]any); ok {
			ps, _ := item["parameters"].([]any)
			params = append(params, ps...)
		}
		ps, _ := op["parameters"].([]any)
		params = append(params, ps...)
		for _, p := range params {
			_, pm := k.deref("", p.(map[string]any))
			if pm["in"] != "query" {
				continue
			}
			param := pm["name"].(string)
			_, schema := k.deref("", pm["schema"].(map[string]any))
			for _, v := range badValues(param, schema) {
				covered[param] = true
				t.Run(fmt.Sprintf("%s %s refuses %s=%s", rt.Method, rt.Path, param, v), func(t *testing.T) {
					r := valid
					path, query, _ := strings.Cut(r.path, "?")
					q, _ := url.ParseQuery(query)
					q.Set(param, v)
					r.path = path + "?" + q.Encode()
					a.bad(t, w, r, 400, param)
				})
			}
		}
	}
	for _, p := range []string{"limit", "cursor", "since", "until", "actor", "order", "scope", "subject", "principal", "include", "admin_only", "workspace_id", "force"} {
		if !covered[p] {
			t.Errorf("no bad value was tried for %s", p)
		}
	}
}

// TestUnknownRoutesAreProblems: unknown paths are 404 and known paths with
// another method are 405 with Allow naming exactly the methods they take,
// both as problem+json.
func TestUnknownRoutesAreProblems(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	w := newWorld(t, a)
	for _, p := range []string{"/", "/v1", "/v1/", "/v1/nothing-here", "/v2/users", "/v1/users/x/y/z", "/v1/users/", "/V1/USERS", "/v1/users/current/x",
		"/.well-known/openid-configuration", "/v1/audit-events/verify/x", "/v1/roles/admin/members"} {
		t.Run("GET "+p+" is 404", func(t *testing.T) {
			a.do(t, req{method: "GET", path: p, token: w.root.token}).want(t, 404, "not_found")
		})
	}
	routes := a.server.Routes()
	patterns := map[string]bool{}
	for _, rt := range routes {
		patterns[rt.Path] = true
	}
	patterns["/v1/users/current"] = true
	order := []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
	for pattern := range patterns {
		path := w.fill(pattern)
		var allowed []string
		for _, m := range order {
			if slices.ContainsFunc(routes, func(rt httpapi.Route) bool { return rt.Method == m && matches(rt.Path, path) }) {
				allowed = append(allowed, m)
			}
		}
		for _, m := range append(order, "OPTIONS", "TRACE", "FROB") {
			if slices.Contains(allowed, m) {
				continue
			}
			t.Run(m+" "+pattern+" is 405", func(t *testing.T) {
				r := a.do(t, req{method: m, path: path, token: w.root.token}).want(t, 405, "method_not_allowed")
				if got := r.header.Get("Allow"); got != strings.Join(allowed, ", ") {
					t.Fatalf("Allow %q, want %q", got, strings.Join(allowed, ", "))
				}
			})
		}
	}
}

// matches reports whether a route pattern matches a concrete path.
func matches(pattern, path string) bool {
	re := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(pattern), `[^/]+`) + "$")
	return re.MatchString(path)
}

// TestOddInputsAreClientErrors covers bad input no schema describes.
func TestOddInputsAreClientErrors(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	w := newWorld(t, a)
	tok := w.root.token
	me := "/v1/users/" + w.target.id
	deep := strings.Repeat(`{"a":`, 20000) + `1` + strings.Repeat(`}`, 20000)
	a.run(t, []scenario{
		{name: "a merge patch that is an array", method: "PATCH", path: me, token: tok, ctype: "application/merge-patch+json", body: `[1]`,
			status: 400, code: "malformed_json"},
		{name: "a merge patch that is null", method: "PATCH", path: me, token: tok, ctype: "application/merge-patch+json", body: `null`,
			status: 400, code: "malformed_json"},
		{name: "a JSON patch that is an object", method: "PATCH", path: me, token: tok, ctype: "application/json-patch+json", body: `{"op": "add"}`,
			status: 400, code: "invalid_patch"},
		{name: "a JSON patch with an unknown op", method: "PATCH", path: me, token: tok, ctype: "application/json-patch+json",
			body: `[{"op": "frobnicate", "path": "/full_name", "value": "x"}]`, status: 400, code: "invalid_patch"},
		{name: "a JSON patch without an op", method: "PATCH", path: me, token: tok, ctype: "application/json-patch+json",
			body: `[{"path": "/full_name", "value": "x"}]`, status: 400, code: "invalid_patch"},
		{name: "a JSON patch with a bad pointer", method: "PATCH", path: me, token: tok, ctype: "application/json-patch+json",
			body: `[{"op": "add", "path": "full_name", "value": "x"}]`, status: 400},
		{name: "a JSON patch past an array's end", method: "PATCH", path: me, token: tok, ctype: "application/json-patch+json",
			body: `[{"op": "add", "path": "/roles/99999999999999999999", "value": "x"}]`, status: 400, code: "invalid_patch"},
		{name: "a JSON patch test of a missing path", method: "PATCH", path: me, token: tok, ctype: "application/json-patch+json",
			body: `[{"op": "test", "path": "/nothing", "value": 1}]`, status: 409, code: "patch_test_failed"},
		{name: "metadata nested too deep", method: "POST", path: "/v1/users", token: tok,
			body: `{"email": "deep@example.com", "metadata": ` + deep + `}`, status: 400},
		{name: "a merge patch nested too deep", method: "PATCH", path: me, token: tok, ctype: "application/merge-patch+json",
			body: `{"metadata": ` + deep + `}`, status: 400},
		{name: "metadata over 64 KiB", method: "POST", path: "/v1/users", token: tok,
			body:   `{"email": "big@example.com", "metadata": {"a": "` + strings.Repeat("x", 70<<10) + `"}}`,
			status: 400, code: "validation_failed", fields: []string{"metadata"}},
		{name: "names over their length", method: "POST", path: "/v1/users", token: tok,
			body:   map[string]string{"email": "long@example.com", "username": strings.Repeat("u", 65), "full_name": strings.Repeat("n", 201)},
			status: 400, code: "validation_failed", fields: []string{"username", "full_name"}},
		{name: "control characters", method: "POST", path: "/v1/groups", token: tok, body: map[string]string{"name": "bell\a"},
			status: 400, code: "validation_failed", fields: []string{"name"}},
		{name: "a bad ID inside a body", method: "POST", path: "/v1/projects", token: tok, body: `{"workspace_id": "nope", "name": "x"}`,
			status: 400},
		{name: "a bad ID inside a login", method: "POST", path: "/v1/login", body: `{"login": "x", "password": "y", "org_id": ""}`,
			status: 400},
	})
}

// TestJSONPatchMustBeAnArray: RFC 6902 makes a JSON Patch document an
// array of operations; null is not one, and must not pass as an empty
// patch.
func TestJSONPatchMustBeAnArray(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	for name, path := range map[string]string{"/v1/users/{id}": "/v1/users/" + admin.id, "/v1/orgs/{id}": "/v1/orgs/" + admin.org,
		"/v1/users/{id}/capabilities": "/v1/users/" + admin.id + "/capabilities"} {
		t.Run("PATCH "+name+" refuses null", func(t *testing.T) {
			a.do(t, req{method: "PATCH", path: path, token: admin.token, ctype: "application/json-patch+json", body: `null`}).
				want(t, 400, "invalid_patch")
		})
	}
}

// TestJSONPatchCopiesCannotAmplify: each "copy" of a JSON Patch may
// double the document. 12 copies of 1 KiB of metadata make 4 MiB from a
// 1 KiB request; 40 would make a terabyte, and any user may patch their own
// record. The patch must be refused before it is built, not after (where
// only the 64 KiB metadata check refuses it).
func TestJSONPatchCopiesCannotAmplify(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	reader := a.member(t, admin, "rita@example.com", "reader")
	start := time.Now()
	r := a.do(t, req{method: "PATCH", path: "/v1/users/" + reader.id, token: reader.token, ctype: "application/json-patch+json",
		body: amplifier(12)})
	t.Logf("%d bytes of patch: %d %s in %v", len(amplifier(12)), r.status, r.code(), time.Since(start))
	r.want(t, 400, "invalid_patch")
}

// amplifier is a JSON Patch of n copies that each double the metadata.
func amplifier(n int) string {
	ops := []string{`{"op": "add", "path": "/metadata/seed", "value": "` + strings.Repeat("x", 1024) + `"}`}
	for i := range n {
		ops = append(ops, fmt.Sprintf(`{"op": "copy", "from": "/metadata", "path": "/metadata/k%d"}`, i))
	}
	return "[" + strings.Join(ops, ",") + "]"
}

// FuzzCreateUserBody posts arbitrary bytes as a new user: whatever they
// are, the answer is never a server error, and it keeps the contract.
func FuzzCreateUserBody(f *testing.F) {
	for _, seed := range []string{
		`{"email":"a@example.com"}`, `{"email":"a@example.com","roles":["admin"],"metadata":{"a":[1,{}]}}`,
		`{`, `null`, `[]`, `""`, `{"password":"\u0000"}`, `{"email":"a@b.c","username":"x y"}`,
		`{"metadata":{"a":` + strings.Repeat("[", 1000) + `}`, `{"email":"\"q\"@example.com"}`, `{"email":"a@[127.0.0.1]"}`,
		`{"email":"` + strings.Repeat("l", 65) + `@example.com"}`, `{"email":"ü@exämple.com","full_name":"\ud800"}`,
		`{"email":"a@example.com","roles":null,"metadata":null,"disabled":null}`, `{"email":"a@example.com","email":"b@example.com"}`,
	} {
		f.Add(seed)
	}
	a := newTestAPI(f)
	root := a.signup(f)
	f.Fuzz(func(t *testing.T, body string) {
		r := a.do(t, req{method: "POST", path: "/v1/users", token: root.token, body: body})
		if r.status >= 500 {
			t.Fatalf("%d for %q: %s", r.status, body, r.body)
		}
	})
}

// TestFieldNamesAreExact: the strict decoder refuses unknown fields, and a
// field name in another case is one. Otherwise {"roles": ["user"],
// "ROLES": ["admin"]} means one thing to a proxy or audit tool reading
// "roles" and another to Warden (encoding/json matches names without
// regard to case, and the last duplicate wins).
func TestFieldNamesAreExact(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.signup(t)
	tok := admin.token
	a.run(t, []scenario{
		{name: "a create with a field in another case is refused", method: "POST", path: "/v1/users", token: tok,
			body: `{"EMAIL": "upper@example.com"}`, status: 400, code: "unknown_field", fields: []string{"EMAIL"}},
		{name: "a role smuggled in another case is refused", method: "POST", path: "/v1/users", token: tok,
			body: `{"email": "smuggler@example.com", "roles": ["reader"], "Roles": ["admin"]}`, status: 400, code: "unknown_field", fields: []string{"Roles"}},
		{name: "so nobody was made an admin", method: "GET", path: "/v1/users?email=smuggler%40example.com", token: tok, status: 200,
			has: []string{`"users":[]`}},
		{name: "a login with a field in another case is refused", method: "POST", path: "/v1/login",
			body: `{"Login": "ada@example.com", "password": "` + password + `"}`, status: 400, code: "unknown_field", fields: []string{"Login"}},
		{name: "a merge patch with a field in another case is refused", method: "PATCH", path: "/v1/users/" + admin.id, token: tok,
			ctype: "application/merge-patch+json", body: `{"Full_Name": "Ada"}`, status: 400, code: "unknown_field", fields: []string{"Full_Name"}},
	})
}
