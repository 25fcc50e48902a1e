package transport

import (
	"context"
	"errors"
	"net"
	"strconv"
	"syscall"

	"github.com/valyala/fasthttp"
)

// IsTimeout reports whether err is a deadline expiry of any layer (a
// connection's deadline, fasthttp's, a context's).
func IsTimeout(err error) bool {
	if errors.Is(err, fasthttp.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// ErrnoOf digs the system error number out of a network error.
func ErrnoOf(err error) syscall.Errno {
	var en syscall.Errno
	if errors.As(err, &en) {
		return en
	}
	return 0
}

// AppendErrno writes nginx's "(111: Connection refused)".
func AppendErrno(dst []byte, en syscall.Errno) []byte {
	dst = append(dst, '(')
	dst = appendErrnoText(dst, en)
	return append(dst, ')')
}

// appendErrnoText writes "111: Connection refused": the number and
// strerror's text, which Go's errno strings give in lower case.
func appendErrnoText(dst []byte, en syscall.Errno) []byte {
	text := en.Error()
	dst = strconv.AppendUint(dst, uint64(en), 10)
	dst = append(dst, ": "...)
	if text != "" && 'a' <= text[0] && text[0] <= 'z' {
		dst = append(dst, text[0]-'a'+'A')
		text = text[1:]
	}
	return append(dst, text...)
}

// ErrnoText renders an error the way nginx prints a failed system call's
// reason, "24: Too many open files", when a system error number is in
// it; otherwise its own text.
func ErrnoText(err error) string {
	if en := ErrnoOf(err); en != 0 {
		return string(appendErrnoText(nil, en))
	}
	return err.Error()
}
