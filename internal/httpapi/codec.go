package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/wardenhq/warden/internal/iam"
)

const (
	typeJSON       = "application/json"
	typeMergePatch = "application/merge-patch+json"
	typeJSONPatch  = "application/json-patch+json"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeJSON encodes v as the whole response.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		http.Error(w, `{"code":"internal"}`, http.StatusInternalServerError)
		return
	}
	writeBody(w, status, contentType, buf.Bytes())
}

// chunkingBuffer is net/http's buffer of an answer's first bytes: a body
// that fits goes out with a Content-Length net/http computes.
const chunkingBuffer = 2048

// writeBody sends an encoded body as the whole response.
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	h := w.Header()
	// The keys are canonical already: assigned, not Set, they skip the
	// canonicalization.
	h["Content-Type"] = contentTypeValue(contentType)
	// Past 2 KiB net/http would send the body in chunks of its own making;
	// with the length known it goes out whole, and the client reads it in
	// one piece. A smaller body is still whole in net/http's buffer when the
	// handler returns, and net/http writes its length without the two
	// allocations of a header value.
	if len(body) > chunkingBuffer {
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
	}
	w.WriteHeader(status)
	w.Write(body)
}

// jsonTypeValue is the header value of most answers, made once: net/http
// copies a handler's header values before it writes them, so one slice
// serves every answer.
var jsonTypeValue = []string{typeJSON}

func contentTypeValue(t string) []string {
	if t == typeJSON {
		return jsonTypeValue
	}
	return []string{t}
}

// mediaType is the request's content type without parameters.
func mediaType(r *http.Request) string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return mt
}

// readBody reads the whole body, which the server has already limited.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, iam.Errorf(iam.TooLarge, "body_too_large", "the request body is larger than %d bytes", tooBig.Limit)
	}
	if err != nil {
		return nil, iam.E(iam.Invalid, "bad_body", "the request body could not be read")
	}
	return b, nil
}

// decode reads a JSON body strictly into v: the content type must be JSON,
// and unknown fields, wrong types and trailing data are errors.
func decode(r *http.Request, v any) error {
	if mt := mediaType(r); mt != typeJSON {
		return iam.Errorf(iam.Unsupported, "unsupported_media_type", "the body must be %s", typeJSON)
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	return unmarshalStrict(b, v)
}

// unmarshalStrict decodes one JSON value, refusing unknown fields, and turns
// decoder errors into field errors a client can act on.
func unmarshalStrict(b []byte, v any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return iam.E(iam.Invalid, "malformed_json", "the request body is empty; a JSON object is expected")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var iamErr *iam.Error
		if errors.As(err, &iamErr) { // from a field's UnmarshalText, such as a bad ID
			return textFieldError(b, reflect.TypeOf(v), iamErr)
		}
		return jsonError(err)
	}
	if dec.More() {
		return iam.E(iam.Invalid, "malformed_json", "the body holds more than one JSON value")
	}
	return checkKeys(b, reflect.TypeOf(v))
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return iam.Errorf(iam.Invalid, "malformed_json", "expected a JSON %s, found %s", "object", typeErr.Value)
		}
		return &iam.Error{Kind: iam.Invalid, Code: "validation_failed", Message: "a field has the wrong type",
			Fields: []iam.FieldError{{Field: field, Message: "must be " + jsonTypeName(typeErr.Type.Kind().String()) + ", not " + typeErr.Value}}}
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return iam.E(iam.Invalid, "malformed_json", "the body is not valid JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return unknownField(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`))
	}
	return iam.E(iam.Invalid, "malformed_json", "the body could not be decoded")
}

func jsonTypeName(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	case "int", "int64", "int32", "uint", "uint64", "uint32", "float64":
		return "a number"
	}
	return "another type"
}

// readPatch reads a PATCH body and returns a function that applies it to
// doc, a pointer to a struct with JSON tags holding the current editable
// state, decoding the result strictly back into doc (fields the patch
// removed become zero). The content type selects JSON Merge Patch (RFC 7396,
// also for plain JSON) or JSON Patch (RFC 6902). The body is read once, so
// the function may run again when the service retries.
func readPatch(r *http.Request) (func(doc any) error, error) {
	mt := mediaType(r)
	if mt != typeMergePatch && mt != typeJSONPatch && mt != typeJSON {
		return nil, iam.Errorf(iam.Unsupported, "unsupported_media_type", "PATCH takes %s or %s", typeMergePatch, typeJSONPatch)
	}
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	return patchFromBody(mt, body)
}

// maxCopyGrowth bounds what a JSON Patch's copy operations may add, so a
// short patch of copies that each double the document cannot make a huge
// one (no document Warden patches is near this size).
const maxCopyGrowth = 256 << 10

// patchFromBody is readPatch for a body already read.
func patchFromBody(mt string, body []byte) (func(doc any) error, error) {
	var apply func(current []byte) ([]byte, error)
	if mt == typeJSONPatch {
		ops, err := jsonpatch.DecodePatch(body)
		if err != nil || !bytes.HasPrefix(bytes.TrimSpace(body), []byte("[")) {
			return nil, iam.E(iam.Invalid, "invalid_patch", "the body is not a JSON Patch document (an array of operations)")
		}
		opts := jsonpatch.NewApplyOptions()
		opts.AccumulatedCopySizeLimit = maxCopyGrowth
		apply = func(current []byte) ([]byte, error) {
			patched, err := ops.ApplyWithOptions(current, opts)
			if errors.Is(err, jsonpatch.ErrTestFailed) {
				return nil, iam.E(iam.Conflict, "patch_test_failed", "a test operation of the patch failed")
			}
			if err != nil {
				return nil, iam.E(iam.Invalid, "invalid_patch", "the patch cannot be applied: "+patchReason(err))
			}
			return patched, nil
		}
	} else {
		if !json.Valid(body) || !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
			return nil, iam.E(iam.Invalid, "malformed_json", "a merge patch must be a JSON object")
		}
		apply = func(current []byte) ([]byte, error) {
			patched, err := jsonpatch.MergePatch(current, body)
			if err != nil {
				return nil, iam.E(iam.Invalid, "invalid_patch", "the merge patch cannot be applied")
			}
			return patched, nil
		}
	}
	return func(doc any) error {
		current, err := json.Marshal(doc)
		if err != nil {
			return iam.Wrap(err, "cannot encode the current state")
		}
		patched, err := apply(current)
		if err != nil {
			return err
		}
		reflect.ValueOf(doc).Elem().SetZero()
		return unmarshalStrict(patched, doc)
	}, nil
}

// patchReason keeps the part of a json-patch error a client can use.
func patchReason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && len(msg)-i < 120 {
		return msg[i+2:]
	}
	if len(msg) > 120 {
		msg = msg[:120]
	}
	return msg
}
