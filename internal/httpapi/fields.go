package httpapi

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/wardenhq/warden/internal/iam"
)

// walkFields calls visit for each key of each JSON object in b that the
// type t describes, nested objects and arrays included, with the key's
// dotted path and the field type it names (nil when none does, matching
// names exactly). Values that do not fit t are skipped: the decoder reports
// those. Types that decode themselves are not entered.
func walkFields(b []byte, t reflect.Type, path string, visit func(path string, raw []byte, ft reflect.Type) error) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if selfDecoding(t) {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(b, &obj) != nil {
			return nil
		}
		fields := jsonFields(t)
		for k, v := range obj {
			ft := fields[k]
			if err := visit(path+k, v, ft); err != nil || ft == nil {
				return err
			}
			if err := walkFields(v, ft, path+k+".", visit); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		var arr []json.RawMessage
		if json.Unmarshal(b, &arr) != nil {
			return nil
		}
		base := strings.TrimSuffix(path, ".")
		for i, v := range arr {
			if err := walkFields(v, t.Elem(), fmt.Sprintf("%s[%d].", base, i), visit); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkKeys refuses any key that is not a field's exact name.
// encoding/json matches keys case-insensitively, so {"Roles": …} would fill
// Roles beside {"roles": …}, and a second spelling could smuggle a value
// past a check of the first.
func checkKeys(b []byte, t reflect.Type) error {
	return walkFields(b, t, "", func(path string, _ []byte, ft reflect.Type) error {
		if ft == nil {
			return unknownField(path)
		}
		return nil
	})
}

// textFieldError names the field whose text value (an ID, say) err, from
// the decoder, is about: encoding/json does not say which it was.
func textFieldError(b []byte, t reflect.Type, err *iam.Error) error {
	found := walkFields(b, t, "", func(path string, raw []byte, ft reflect.Type) error {
		if ft == nil || !reflect.PointerTo(ft).Implements(textUnmarshalerType) {
			return nil
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil
		}
		if reflect.New(ft).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)) != nil {
			return &iam.Error{Kind: err.Kind, Code: err.Code, Message: err.Message,
				Fields: []iam.FieldError{{Field: path, Message: err.Message}}}
		}
		return nil
	})
	if found != nil {
		return found
	}
	return err
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	fieldCache          sync.Map // reflect.Type → map[string]reflect.Type
)

func selfDecoding(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return pt.Implements(unmarshalerType) || pt.Implements(textUnmarshalerType)
}

// jsonFields maps the JSON names of a struct's fields, embedded ones
// included, to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous && f.Tag.Get("json") == "" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		m[name] = f.Type
	}
	fieldCache.Store(t, m)
	return m
}

func unknownField(name string) error {
	return &iam.Error{Kind: iam.Invalid, Code: "unknown_field", Message: "the body has a field this endpoint does not take",
		Fields: []iam.FieldError{{Field: name, Message: "is not a known field"}}}
}
