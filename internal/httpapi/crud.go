package httpapi

import (
	"context"
	"net/http"
	"reflect"

	"github.com/wardenhq/warden/internal/iam"
)

// handler is what the route table calls.
type handler = func(http.ResponseWriter, *http.Request) error

// getByID answers GET of one resource named by {id}.
func getByID[T, J any](get func(context.Context, iam.ID) (T, error), toJSON func(T) J) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		v, err := get(r.Context(), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, typeJSON, toJSON(v))
		return nil
	}
}

// deleteByID answers DELETE of one resource named by {id} with 204.
func deleteByID(del func(context.Context, iam.ID) error) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := del(r.Context(), id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// patchByID answers PATCH of the resource named by {id}: the body (merge
// patch or JSON patch) applies to the editable document D through its JSON
// form P, a struct of the same fields with JSON tags.
func patchByID[P, D, T, J any](update func(context.Context, iam.ID, func(*D) error) (T, error), toJSON func(T) J) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		patch, err := readPatch(r)
		if err != nil {
			return err
		}
		v, err := update(r.Context(), id, func(doc *D) error { return patchAs[P](patch, doc) })
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, typeJSON, toJSON(v))
		return nil
	}
}

// patchAs applies patch to *doc through P, doc's JSON form: the two struct
// types differ only in their tags, so each converts to the other.
func patchAs[P, D any](patch func(any) error, doc *D) error {
	p := reflect.New(reflect.TypeFor[P]())
	p.Elem().Set(reflect.ValueOf(*doc).Convert(reflect.TypeFor[P]()))
	if err := patch(p.Interface()); err != nil {
		return err
	}
	reflect.ValueOf(doc).Elem().Set(p.Elem().Convert(reflect.TypeFor[D]()))
	return nil
}

// writePage answers one keyset page of items under key, with next_cursor.
func writePage[T, J any](w http.ResponseWriter, key string, items []T, limit int, id func(T) iam.ID, toJSON func(T) J) {
	out := make([]J, len(items))
	for i, it := range items {
		out[i] = toJSON(it)
	}
	var next *string
	if len(items) > 0 {
		next = nextCursor(len(items), limit, id(items[len(items)-1]))
	}
	writeJSON(w, http.StatusOK, typeJSON, map[string]any{key: out, "next_cursor": next})
}
