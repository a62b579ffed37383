// Package authz decides whether a principal may do something. It is a pure
// function of the principal's role bindings, the permission asked for and
// where: no I/O, no clock, no state.
//
// The catalog (catalog.go) lists every permission; roles (roles.go) grant
// them through patterns (match.go); Compile (engine.go) turns a principal's
// bindings into a Snapshot that answers checks in constant time.
package authz
