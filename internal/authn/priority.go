package authn

import "runtime"

// lowPriority runs fn on an OS thread of its own at a lower scheduling
// priority and waits for it. A login storm then takes the CPU that other
// requests leave idle, not the CPU they need: the kernel runs the
// server's other threads first. The goroutine exits still locked to its
// thread, so the runtime discards the thread, with its priority, rather
// than reuse it (a new thread costs microseconds; a hash, milliseconds).
// For other threads to be there to run, Hasher.LendProcs adds Ps while
// hashes run.
// A panic in fn is raised again in the caller, whose recovery (an HTTP
// 500) applies, instead of ending the process from a goroutine of its own.
func lowPriority(fn func()) {
	done := make(chan any, 1)
	go func() {
		runtime.LockOSThread()
		deprioritizeThread()
		defer func() { done <- recover() }()
		fn()
	}()
	if v := <-done; v != nil {
		panic(v)
	}
}
