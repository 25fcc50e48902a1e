package tests

import "syscall"

// syscallHUP is the reload signal, named once for the tests.
const syscallHUP = syscall.SIGHUP
