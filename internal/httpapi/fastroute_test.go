package httpapi_test

import (
	"net/http/httptest"
	"path"
	"strings"
	"testing"

	"github.com/wardenhq/warden/internal/compat/sailpoint"
	"github.com/wardenhq/warden/internal/httpapi"
	"github.com/wardenhq/warden/internal/stacktest"
)

// The fast routes must choose what the mux chooses, or leave the request
// to it: for every route's path with its wildcards filled in plainly and
// awkwardly, and for paths near them.
func TestFastRoutesChooseAsTheMuxDoes(t *testing.T) {
	st := stacktest.New(t, httpapi.Config{}, sailpoint.Mount)
	fills := []string{"0193ec52-5c35-74f2-9740-458d10917bf0", "current", "me", "a.b", "..", ".", "x%2Fy", "x y", "ü", "", "a/b"}
	var paths []string
	for _, rt := range st.API.Routes() {
		for _, fill := range fills {
			p := rt.Path
			for strings.Contains(p, "{") {
				i, j := strings.IndexByte(p, '{'), strings.IndexByte(p, '}')
				p = p[:i] + fill + p[j+1:]
			}
			paths = append(paths, p, p+"/", strings.Replace(p, "/", "//", 1), "/v3"+p)
		}
	}
	fast := 0
	for _, p := range paths {
		for _, method := range []string{"GET", "HEAD", "POST", "DELETE"} {
			r := httptest.NewRequest(method, "http://warden.test/", nil)
			r.URL.Path, r.URL.RawPath = p, "" // as net/http parses a path, without NewRequest's checks
			if f, ok, mux := st.API.Routing(r); ok {
				fast++
				if f != mux {
					t.Errorf("%s %s: fast routes chose %q, the mux %q", method, p, f, mux)
				}
				if path.Clean(p) != p {
					t.Errorf("%s %s: fast routes chose %q for a path the mux redirects", method, p, f)
				}
			}
		}
	}
	for _, p := range []string{"/v1/whoami", "/v1/users/0193ec52-5c35-74f2-9740-458d10917bf0"} {
		if _, ok, _ := st.API.Routing(httptest.NewRequest("GET", p, nil)); !ok {
			t.Errorf("GET %s went to the mux: the commonest reads should not", p)
		}
	}
	if fast == 0 {
		t.Fatal("the fast routes chose no route at all")
	}
}
