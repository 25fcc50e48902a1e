//go:build !linux

package creds

import "errors"

// Drop is only implemented on Linux, where Go changes the credentials of
// every thread at once.
func (u *User) Drop() error {
	return errors.New(`the "user" directive is only supported on Linux`)
}
