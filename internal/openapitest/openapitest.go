// Package openapitest checks answers against an OpenAPI document, for the
// tests of the native API and of the compatibility surfaces: it loads the
// document (YAML or JSON, OpenAPI 3.0 or 3.1), makes its schemas JSON
// Schema (3.0's "nullable: true" becomes a "null" type), and validates
// bodies against the schema a JSON pointer names.
package openapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// Doc is a loaded document.
type Doc struct {
	Raw   map[string]any  // the document, nullable rewritten
	Props map[string]bool // every property name any schema defines

	url      string
	compiler *jsonschema.Compiler
	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema
}

// Load reads a document; draft is the JSON Schema dialect of its schemas
// (OpenAPI 3.0: Draft 7 or 2020-12 after the nullable rewrite; 3.1: 2020-12).
func Load(raw []byte, draft *jsonschema.Draft) (*Doc, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil { // JSON is YAML too
		return nil, err
	}
	d := &Doc{Raw: doc, Props: map[string]bool{}, url: "file:///openapi.json", schemas: map[string]*jsonschema.Schema{}}
	d.walk(doc)
	js, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	res, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(draft)
	c.AssertFormat()
	if err := c.AddResource(d.url, res); err != nil {
		return nil, err
	}
	d.compiler = c
	return d, nil
}

// walk rewrites nullable and collects property names.
func (d *Doc) walk(v any) {
	switch v := v.(type) {
	case map[string]any:
		if n, _ := v["nullable"].(bool); n {
			if t, ok := v["type"].(string); ok {
				v["type"] = []any{t, "null"}
			}
		}
		delete(v, "nullable")
		if props, ok := v["properties"].(map[string]any); ok {
			for name := range props {
				d.Props[name] = true
			}
		}
		for _, c := range v {
			d.walk(c)
		}
	case []any:
		for _, c := range v {
			d.walk(c)
		}
	}
}

// Schema compiles, once, the schema at the JSON pointer ptr.
func (d *Doc) Schema(ptr string) (*jsonschema.Schema, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.schemas[ptr]; ok {
		return s, nil
	}
	s, err := d.compiler.Compile(d.url + "#" + ptr)
	if err != nil {
		return nil, err
	}
	d.schemas[ptr] = s
	return s, nil
}

// Validate checks the JSON body data against the schema at ptr.
func (d *Doc) Validate(ptr string, data []byte) error {
	s, err := d.Schema(ptr)
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

// Resolve follows the JSON pointer ptr to an object; nil if there is none.
func (d *Doc) Resolve(ptr string) map[string]any {
	var cur any = d.Raw
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		m, _ := cur.(map[string]any)
		cur = m[strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)]
	}
	m, _ := cur.(map[string]any)
	return m
}

// Escape makes s one token of a JSON pointer.
func Escape(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }
