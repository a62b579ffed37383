package iam

import (
	"errors"
	"fmt"
	"time"
)

// Kind is the class of an error. The set is closed: the HTTP layer maps each
// kind to one status, and the client maps statuses back.
type Kind int

const (
	Internal           Kind = iota // a bug or an outage; never the caller's fault
	Invalid                        // the request is malformed or fails validation
	Unauthenticated                // no credential, or a bad one
	PermissionDenied               // authenticated, but not allowed
	NotFound                       // does not exist, or is not visible to the caller
	Conflict                       // clashes with existing state (a uniqueness rule)
	FailedPrecondition             // the state does not allow it now
	RateLimited                    // too many attempts; retry later
	TooLarge                       // the request body is over the limit
	Unsupported                    // a media type the endpoint does not take
	Unavailable                    // a dependency (the database) does not answer
	Unprocessable                  // well-formed, but contradicts an earlier request (a reused Idempotency-Key)
)

var kindNames = [...]string{"internal", "invalid", "unauthenticated", "permission_denied",
	"not_found", "conflict", "failed_precondition", "rate_limited", "too_large", "unsupported", "unavailable",
	"unprocessable"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// FieldError names one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the one error type that crosses package boundaries. Code is a
// stable machine-readable string (validation_failed, signup_closed, …);
// Message is for people and must never contain a secret.
type Error struct {
	Kind       Kind
	Code       string
	Message    string
	Fields     []FieldError
	RetryAfter time.Duration // for RateLimited
	// Extra holds more members of the problem a client may act on
	// (mfa_token, methods, retry_after); never a secret of the server's.
	Extra map[string]any
	Err   error // the cause, kept for logs; never shown to clients
}

func (e *Error) Error() string {
	msg := e.Code + ": " + e.Message
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an *Error.
func E(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// Errorf builds an *Error with a formatted message.
func Errorf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidFields is a validation failure naming the offending fields.
func InvalidFields(fields ...FieldError) *Error {
	return &Error{Kind: Invalid, Code: "validation_failed", Message: "the request has invalid fields", Fields: fields}
}

// Wrap marks an unexpected error as Internal, keeping the cause for logs.
func Wrap(err error, message string) *Error {
	return &Error{Kind: Internal, Code: "internal", Message: message, Err: err}
}

// KindOf returns the kind of err; errors that are not *Error are Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k Kind) bool {
	if err == nil {
		return false // the common case, without errors.As's allocation
	}
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

// CodeOf returns the code of err, or "" if err is not an *Error.
func CodeOf(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// ErrNotFound is what a store returns for a missing or out-of-tenant row.
func ErrNotFound(what string) *Error {
	return &Error{Kind: NotFound, Code: "not_found", Message: what + " not found"}
}
