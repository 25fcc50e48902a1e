package tests

import (
	"regexp"
	"syscall"
)

// Small helpers shared by the tests.

// syscallHUP is the reload signal, named once for the tests.
const syscallHUP = syscall.SIGHUP

// regexpMatch reports whether s matches the pattern.
func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }
