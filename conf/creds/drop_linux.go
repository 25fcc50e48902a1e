package creds

import (
	"fmt"
	"syscall"
)

// Drop makes the process u: supplementary groups, group, then user, the
// order in which each step still has the right to make the next. Since Go
// 1.16 these calls apply to every thread of the process.
func (u *User) Drop() error {
	if err := syscall.Setgroups(u.Groups); err != nil {
		return fmt.Errorf("setgroups(%v) failed (%v)", u.Groups, err)
	}
	if err := syscall.Setgid(u.GID); err != nil {
		return fmt.Errorf("setgid(%d) failed (%v)", u.GID, err)
	}
	if err := syscall.Setuid(u.UID); err != nil {
		return fmt.Errorf("setuid(%d) failed (%v)", u.UID, err)
	}
	return nil
}
