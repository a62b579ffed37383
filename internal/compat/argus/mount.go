// Package argus speaks the wire format of mnemonic's Argus authentication
// API v1, as the Python argus_api library uses it: user API keys
// (initiate, list, renew, revoke by prefix), password sessions with a
// cookie and a CSRF token, and users' authentication methods and pending
// SMS codes. It only translates; every rule lives in package service.
//
// Wire rules (shared/specs/WIRE.md §2): every answer, errors included, is
// the envelope {responseCode, limit, offset, count, size, data, metaData,
// messages[], currentPage}; camelCase fields; integer user and key IDs
// (the per-table numbers); errors 401, 403, 404, 412 (validation and
// state), 429; credentials in "Argus-API-Key: <user ID in hex>/<key
// ID>/<secret>", the argus_session cookie (writes need Argus-CSRF-Token),
// or a Warden "Authorization: Bearer <token>".
package argus

import (
	"net/http"

	"github.com/wardenhq/warden/internal/compat/web"
	"github.com/wardenhq/warden/internal/httpapi"
	"github.com/wardenhq/warden/internal/iam"
)

// surface is the name the audit log records for changes made through here.
const surface = "argus"

type server struct {
	env *web.Env
}

// Mount serves the Argus surface under /authentication/v1/.
func Mount(api *httpapi.Server, env *web.Env) {
	s := &server{env: env}
	mux := http.NewServeMux()
	route := func(pattern string, h http.HandlerFunc) {
		mux.Handle(pattern, env.Handle(surface, pattern, h, writeInternal))
	}
	const v1 = "/authentication/v1"
	route("POST "+v1+"/password/authenticate", s.passwordAuthenticate)
	route("POST "+v1+"/totp/authenticate", s.totpAuthenticate)
	route("GET "+v1+"/session", s.authed(s.getSession))
	route("DELETE "+v1+"/session", s.authed(s.deleteSession))

	route("GET "+v1+"/user/{user}/apikey", s.authed(s.listKeys))
	route("POST "+v1+"/user/{user}/apikey", s.authed(s.initiateKey))
	route("PUT "+v1+"/user/{user}/apikey/{key}/renew", s.authed(s.renewKey))
	route("PUT "+v1+"/user/{user}/apikey/{owner}/{key}/renew", s.authed(s.renewKey))
	route("DELETE "+v1+"/user/{user}/apikey/{key}", s.authed(s.revokeKey))
	route("DELETE "+v1+"/user/{user}/apikey/{owner}/{key}", s.authed(s.revokeKey))

	route("GET "+v1+"/user/{user}/methods", s.authed(s.listMethods))
	route("PUT "+v1+"/user/{user}/method/{method}", s.authed(s.enableMethod))
	route("DELETE "+v1+"/user/{user}/method/{method}", s.authed(s.disableMethod))
	route("PUT "+v1+"/user/{user}/methods/{method}", s.authed(s.enableMethod))
	route("DELETE "+v1+"/user/{user}/methods/{method}", s.authed(s.disableMethod))
	route("GET "+v1+"/user/{user}/sms/{suffix}", s.authed(s.smsCode))

	route(v1+"/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, env, iam.E(iam.NotFound, "not_found", "no such endpoint: "+r.Method+" "+r.URL.Path))
	})
	api.Mount(v1+"/", mux)
}
