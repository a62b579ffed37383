package thousandeyes

import (
	"github.com/wardenhq/warden/internal/compat/web"
	"github.com/wardenhq/warden/internal/httpapi"
)

// MountPaged mounts the surface with activity-log pages of n events, so
// that tests page without writing hundreds of events.
func MountPaged(n int) func(*httpapi.Server, *web.Env) {
	return func(api *httpapi.Server, env *web.Env) { mount(api, env, n) }
}
