package service

// ForgetCredentials empties the node's credential caches (sessions, API
// keys, OAuth grants), as an "all" invalidation would: benchmarks use it to
// measure the cache-miss path.
func ForgetCredentials(s *Services) { s.forgetCredentials() }
