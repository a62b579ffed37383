package httpapi

import (
	"encoding/json"
	"net/http"
	"sync"
)

// Pages of users and of audit events are written by hand (userjson.go,
// auditjson.go), into pooled buffers.

var pagePool = sync.Pool{New: func() any { return new([]byte) }}

// writePooled sends with 200 the JSON body appendPage writes into a pooled
// buffer; an error is the caller's to answer.
func writePooled(w http.ResponseWriter, appendPage func([]byte) ([]byte, error)) error {
	p := pagePool.Get().(*[]byte)
	defer pagePool.Put(p)
	b, err := appendPage((*p)[:0])
	*p = b
	if err != nil {
		return err
	}
	writeBody(w, http.StatusOK, typeJSON, b)
	return nil
}

// appendPage appends json.Encoder's encoding of {name: items, "next_cursor":
// next}, newline included, each item as appendItem writes it.
func appendPage[T any](b []byte, name string, items []T, appendItem func([]byte, T) ([]byte, error), next *string) ([]byte, error) {
	b = append(b, `{"`...)
	b = append(b, name...)
	b = append(b, `":[`...)
	for i, item := range items {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendItem(b, item); err != nil {
			return b, err
		}
	}
	b = append(b, `],"next_cursor":`...)
	switch {
	case next == nil:
		b = append(b, "null"...)
	case plainString(*next):
		b = appendQuoted(b, *next)
	default:
		enc, err := json.Marshal(*next)
		if err != nil {
			return b, err
		}
		b = append(b, enc...)
	}
	return append(b, "}\n"...), nil
}
