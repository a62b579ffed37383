//go:build !linux

package authn

// deprioritizeThread does nothing where thread priorities are not set.
func deprioritizeThread() {}
