package access

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// UserFile is an htpasswd file read the way nginx's auth_basic reads it:
// one "user:password" a line, where the password field ends at the end of
// the line, at a CR or at a further colon (Apache's comment field); lines
// that start with "#" or CR are skipped, and so are empty ones; the first
// line of a user is the one that counts.
type UserFile struct {
	Path  string // absolute
	users map[string]entry
}

// entry is the line of one user.
type entry struct {
	hash   string // the password field as written
	scheme scheme
}

// Result is what checking a user's password found.
type Result uint8

// The results of UserFile.Check.
const (
	Match       Result = iota
	NoUser             // no line names the user
	Mismatch           // the password is wrong
	Unsupported        // the user's line has a hash gw cannot check
)

// LoadUserFile reads the htpasswd file at path. Errors are nginx's words
// for a failed system call (`open() "/x" failed (2: No such file or
// directory)`). A line whose password gw cannot check is kept, so that the
// user is still found, and reported through warn at its line; the password
// field itself is never quoted.
func LoadUserFile(path string, warn func(parser.Pos, string, ...any)) (*UserFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, errors.New(sysFailed(path, err))
	}
	f := &UserFile{Path: path, users: map[string]entry{}}
	for n, line := range bytes.Split(data, []byte("\n")) {
		if len(line) == 0 || line[0] == '#' || line[0] == '\r' {
			continue
		}
		user, rest, found := bytes.Cut(line, []byte(":"))
		if !found || len(user) == 0 {
			// No request can name such a line: nginx's user names are
			// never empty and end at the colon.
			continue
		}
		if _, dup := f.users[string(user)]; dup {
			continue
		}
		if i := bytes.IndexAny(rest, ":\r"); i >= 0 {
			rest = rest[:i]
		}
		e := entry{hash: string(rest), scheme: schemeOf(string(rest))}
		if e.scheme == unsupported {
			warn(parser.Pos{File: path, Line: n + 1, Col: 1},
				"user %q has a password hash gw cannot check (%s): its requests will get 500; "+
					"gw reads {PLAIN}, {SHA}, {SSHA}, $apr1$, $1$, $5$, $6$ and bcrypt", string(user), describe(e.hash))
		}
		f.users[string(user)] = e
	}
	return f, nil
}

// Users is how many users the file names.
func (f *UserFile) Users() int { return len(f.users) }

// Check checks a user's password: nginx's lookup (the user's first line)
// and ngx_crypt's verdict, the hash compared in constant time. As in
// nginx, whose password is a C string, the password ends at its first NUL
// byte.
func (f *UserFile) Check(user, password []byte) Result {
	e, ok := f.users[string(user)]
	if !ok {
		return NoUser
	}
	if i := bytes.IndexByte(password, 0); i >= 0 {
		password = password[:i]
	}
	switch verify(e.scheme, e.hash, password) {
	case verified:
		return Match
	case failed:
		return Mismatch
	}
	return Unsupported
}

// describe names the scheme of a hash gw cannot check, for the warning: a
// "$id$" or "{NAME}" tag, never the rest, which may be a password written
// without {PLAIN}.
func describe(hash string) string {
	switch {
	case hash == "":
		return "an empty password field"
	case hash[0] == '$':
		if i := strings.IndexByte(hash[1:], '$'); i >= 0 && i < 8 {
			return strconv.Quote(hash[:i+2])
		}
	case hash[0] == '{':
		if i := strings.IndexByte(hash, '}'); i >= 0 && i < 12 {
			return strconv.Quote(hash[:i+1])
		}
	}
	return "DES crypt or no scheme"
}

// sysFailed is nginx's message for a failed system call on a file:
// `open() "/x" failed (2: No such file or directory)`.
func sysFailed(path string, err error) string {
	call := "open()"
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Op == "read" {
		call = "read()"
	}
	return parser.SysFailed(call, path, err)
}
