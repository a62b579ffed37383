package authz

import (
	"slices"
	"strings"
	"testing"

	"github.com/wardenhq/warden/internal/iam"
)

// FuzzAllowed builds bindings and custom roles from the input and checks
// the compiled snapshot against reference, which walks every binding.
func FuzzAllowed(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 0, 1, 0, 0, 0, 1})
	f.Add([]byte{0, 3, 2, 1, 2, 1, 3, 4, 0, 5, 1, 9, 7, 2, 2, 2, 3, 3, 8, 'i', 't', 'e', 'm', '*'})
	f.Add([]byte("\x01\x02any bytes at all, read as choices\xff\xfe\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := fuzzInput{data: data}
		instanceAdmin := in.byte()&1 == 1
		custom := map[string]Role{}
		for k := range int(in.byte() % 4) {
			key := "custom" + string(rune('0'+k))
			r := Role{Key: key, Kind: KindResource}
			for range int(in.byte() % 4) {
				r.Permissions = append(r.Permissions, in.pattern())
			}
			custom[key] = r
		}
		roles := func(key string) (Role, bool) {
			if r, ok := custom[key]; ok {
				return r, true
			}
			return BuiltinRole(key)
		}
		var bs []Binding
		for n := range int(in.byte() % 24) {
			bs = append(bs, Binding{
				ID:        id('b', uint16(n)),
				SubjectID: pick(&in, []iam.ID{user, group}),
				Role:      pick(&in, fuzzRoleKeys),
				Scope:     Scope{Type: ScopeType(in.byte() % 5), ID: pick(&in, fuzzScopeIDs)},
			})
		}

		s := Compile(bs, roles, instanceAdmin)
		for _, tg := range fuzzTargets {
			var want []string
			for _, perm := range fuzzPerms {
				ok, because := reference(bs, roles, instanceAdmin, perm, tg)
				if got := s.Allowed(perm, tg); got != ok {
					t.Fatalf("Allowed(%q, %v) = %v, reference says %v; bindings %v", perm, tg, got, ok, bs)
				}
				if got := s.Explain(perm, tg); !slices.Equal(got, because) {
					t.Fatalf("Explain(%q, %v) = %v, reference says %v", perm, tg, got, because)
				}
				if !strings.HasPrefix(perm, "instance.") && ok != (len(because) > 0) {
					t.Fatalf("%q at %v: allowed %v but explained by %v", perm, tg, ok, because)
				}
				if ok {
					want = append(want, perm)
				}
			}
			if got := s.Permissions(tg); !slices.Equal(got, inCatalogOrder(want)) {
				t.Fatalf("Permissions(%v) = %v, reference says %v", tg, got, want)
			}
		}
	})
}

// reference is Allowed and Explain the slow, obvious way: every binding
// whose scope covers t and whose role has a pattern matching perm.
func reference(bs []Binding, roles func(string) (Role, bool), instanceAdmin bool, perm string, t Target) (bool, []Binding) {
	if !slices.ContainsFunc(catalog, func(p Permission) bool { return p.Name == perm }) {
		return false, nil
	}
	if strings.HasPrefix(perm, "instance.") {
		return instanceAdmin, nil
	}
	var because []Binding
	for _, b := range bs {
		applies := b.Scope.Type == ScopeOrg ||
			b.Scope.Type == ScopeWorkspace && b.Scope.ID == t.Workspace && !t.Workspace.IsZero() ||
			b.Scope.Type == ScopeProject && b.Scope.ID == t.Project && !t.Project.IsZero()
		r, ok := roles(b.Role)
		if applies && ok && slices.ContainsFunc(r.Permissions, func(p string) bool { return Match(p, perm) }) {
			because = append(because, b)
		}
	}
	return len(because) > 0, because
}

var (
	fuzzScopeIDs = []iam.ID{{}, w1, w2, p1, p2, p3, id('x', 1)}
	fuzzTargets  = append(slices.Clone(everyTarget),
		Target{Project: p1},                // a project without its workspace
		Target{Workspace: w2, Project: p1}, // a project under the wrong workspace
		Target{Workspace: id('x', 1)})
	fuzzRoleKeys = func() []string {
		keys := []string{"custom0", "custom1", "custom2", "custom3", "unknown", ""}
		for _, r := range builtinRoles {
			keys = append(keys, r.Key)
		}
		return keys
	}()
	fuzzPerms = func() []string {
		perms := []string{"nuclear.launch", "users.*", "*", "", "instance.other"}
		for _, p := range catalog {
			perms = append(perms, p.Name)
		}
		return perms
	}()
	fuzzPatterns = func() []string {
		pats := []string{"*", "", "u*", "i*", "instance.*", "nuclear.*", "users.read.*", "users."}
		for _, p := range catalog {
			family, _, _ := strings.Cut(p.Name, ".")
			pats = append(pats, p.Name, family+".*")
		}
		return pats
	}()
)

// fuzzInput reads choices from fuzz data, zeros once it runs out.
type fuzzInput struct{ data []byte }

func (in *fuzzInput) byte() byte {
	if len(in.data) == 0 {
		return 0
	}
	b := in.data[0]
	in.data = in.data[1:]
	return b
}

// pattern is one of fuzzPatterns, or now and then raw bytes of the input.
func (in *fuzzInput) pattern() string {
	n := int(in.byte())
	if n < len(fuzzPatterns) {
		return fuzzPatterns[n]
	}
	k := min(n%8, len(in.data))
	raw := string(in.data[:k])
	in.data = in.data[k:]
	return raw
}

func pick[T any](in *fuzzInput, from []T) T { return from[int(in.byte())%len(from)] }
