package httpapi

import (
	"net/http"
	"strings"
)

// fastRoutes finds, for a GET whose path is a route's literal path or a
// literal prefix and one plain last segment, the route the mux would
// choose, without the mux's work on each request: cleaning the path,
// escaping it again, unescaping each segment and walking its tree (~2,500
// of the ~30,000 instructions a cached read costs, by callgrind). Any other
// request goes to the mux.
type fastRoutes struct {
	exact    map[string]fastRoute // GET routes without wildcards, by path
	last     map[string]fastRoute // GET routes whose only wildcard is the last segment, by the path before it
	literals map[string]bool      // the paths of every route without wildcards, whatever its method
	hosts    bool                 // a pattern names a host, which the mux weighs first: all to the mux
}

type fastRoute struct {
	pattern string // as registered with the mux
	name    string // the last segment's wildcard, if any
	h       http.Handler
}

func newFastRoutes() *fastRoutes {
	return &fastRoutes{exact: map[string]fastRoute{}, last: map[string]fastRoute{}, literals: map[string]bool{}}
}

// add records a pattern as registered with the mux, and its handler.
func (f *fastRoutes) add(pattern string, h http.Handler) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "", pattern
	}
	if !strings.HasPrefix(path, "/") {
		f.hosts = true
		return
	}
	rt := fastRoute{pattern: pattern, h: h}
	wild := strings.IndexByte(path, '{')
	if wild < 0 {
		f.literals[path] = true
		// A path ending in "/" is a whole subtree to the mux: not exact.
		if method == http.MethodGet && !strings.HasSuffix(path, "/") {
			f.exact[path] = rt
		}
		return
	}
	i := strings.LastIndexByte(path, '/')
	rt.name = strings.TrimSuffix(strings.TrimPrefix(path[i+1:], "{"), "}")
	if method != http.MethodGet || wild != i+1 || !strings.HasSuffix(path, "}") || !plainSegment(rt.name) {
		return // more than one wildcard, or {name...} or {$}: the mux's
	}
	f.last[path[:i+1]] = rt
}

// route returns the route the mux would choose for r and the last
// segment's value, if r has one of the shapes above.
func (f *fastRoutes) route(r *http.Request) (fastRoute, string, bool) {
	if f.hosts || r.Method != http.MethodGet || r.URL.RawPath != "" {
		return fastRoute{}, "", false
	}
	p := r.URL.Path
	if rt, ok := f.exact[p]; ok {
		return rt, "", true
	}
	i := len(p) - 1 // back over the last segment, while it is plain
	for i >= 0 && plainByte[p[i]] {
		i--
	}
	if i < 0 || p[i] != '/' || i == len(p)-1 {
		return fastRoute{}, "", false
	}
	rt, ok := f.last[p[:i+1]]
	// A literal route of that path, even of another method, is the mux's
	// to weigh.
	if !ok || f.literals[p] {
		return fastRoute{}, "", false
	}
	return rt, p[i+1:], true
}

// plainSegment reports whether s is a non-empty path segment that cleaning
// and unescaping leave as it is: letters, digits, '-' and '_' only.
func plainSegment(s string) bool {
	for i := 0; i < len(s); i++ {
		if !plainByte[s[i]] {
			return false
		}
	}
	return s != ""
}

var plainByte = func() (t [256]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
	}
	return t
}()
