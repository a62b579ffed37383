package authn

import "syscall"

// hashNice is the nice value of hashing threads: well below the server's
// other threads, which the kernel then favours about 10 to 1.
const hashNice = 10

// deprioritizeThread lowers the calling thread's priority; on Linux,
// setpriority with a thread ID applies to that thread alone. Failing
// leaves the thread as it was, which is only slower for others.
func deprioritizeThread() {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), hashNice)
}
