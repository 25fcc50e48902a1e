package body

import (
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
)

// A chunked request body bound for an upstream spoken to in HTTP/1.0 must
// be sent with a Content-Length, which only the body's end tells: it is
// read whole before the first try. nginx keeps client_body_buffer_size of
// it in memory and writes the rest to a temporary file under
// client_body_temp_path; gw does the same, so that an upload of any size
// costs one buffer of memory, not its size. Every other body streams.

// spoolChunkMin is the smallest buffer a body is spooled through: a
// client_body_buffer_size under a page would only multiply the writes.
const spoolChunkMin = 4 << 10

// tempNameTries bounds the names tried when the ones drawn exist already.
const tempNameTries = 16

// Spool is a request body read whole before the first try: its first
// fileLen bytes in an unlinked temporary file, the rest in Mem. It is read
// with ReadAt, so sending it again to the next peer only takes a Rewind.
// Its Close is not io.Closer's on purpose: fasthttp closes the body
// streams it has written, and the file must outlive every try.
type Spool struct {
	f       *os.File // nil: the whole body is in Mem
	Name    string   // f's name when it had one, for the error log
	fileLen int64
	Mem     []byte // the part of the body after the file's
	off     int64  // the next byte to send
	Err     error  // a failed read of the file
}

// FileError is a temporary file that could not be made or written: the
// system call that failed and the path it failed on, for nginx's
// error-log line.
type FileError struct {
	Call, Name string
	Err        error
}

func (e *FileError) Error() string { return e.Call + ` "` + e.Name + `" failed: ` + e.Err.Error() }

// Unwrap returns the system's error.
func (e *FileError) Unwrap() error { return e.Err }

// InFile reports whether part of the body is in the temporary file (else
// all of it is in Mem).
func (s *Spool) InFile() bool { return s.f != nil }

// Size is the length of the body.
func (s *Spool) Size() int64 { return s.fileLen + int64(len(s.Mem)) }

// Fill reads b's body to its end: up to limit bytes (at least a page) in
// mem, and whenever mem is full and more follows, mem goes to the end of
// a temporary file in dir and is reused. mem grows as the body comes, so a
// small body takes little whatever the limit; Fill returns it, grown, for
// the caller to keep. A client failure is returned as it is (also in
// b.Err); a file that cannot be made or written is a *FileError.
func (s *Spool) Fill(b *Reader, mem []byte, limit int, dir string) ([]byte, error) {
	limit = max(limit, spoolChunkMin)
	buf := mem[:0]
	if cap(buf) > limit {
		buf = buf[:0:limit]
	}
	for {
		if len(buf) == cap(buf) && cap(buf) < limit {
			grown := make([]byte, len(buf), min(max(2*cap(buf), spoolChunkMin), limit))
			copy(grown, buf)
			buf, mem = grown, grown
		}
		var eof bool
		var err error
		if buf, eof, err = b.Fill(buf); err != nil {
			return mem, err
		}
		if eof {
			break
		}
		if cap(buf) < limit {
			continue
		}
		// The buffer is full. A chunked body's last chunk needs no room,
		// so an empty read tells whether the body ends here: one of
		// exactly the buffer's size then stays in memory.
		if _, err := b.Read(buf[len(buf):]); err == io.EOF {
			break
		} else if err != nil {
			return mem, err
		}
		if s.f == nil {
			f, name, call, err := CreateTemp(dir)
			if err != nil {
				return mem, &FileError{Call: call, Name: name, Err: err}
			}
			s.f, s.Name = f, name
		}
		if _, err := s.f.WriteAt(buf, s.fileLen); err != nil {
			return mem, &FileError{Call: "pwrite()", Name: s.Name, Err: err}
		}
		s.fileLen += int64(len(buf))
		buf = buf[:0]
	}
	s.Mem = buf
	return mem, nil
}

// Read implements io.Reader for fasthttp's request writer.
func (s *Spool) Read(p []byte) (int, error) {
	if s.off < s.fileLen {
		if rest := s.fileLen - s.off; int64(len(p)) > rest {
			p = p[:rest]
		}
		n, err := s.f.ReadAt(p, s.off)
		s.off += int64(n)
		if n < len(p) {
			// The file is shorter than what was written to it.
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			s.Err = err
			return n, err
		}
		return n, nil
	}
	i := s.off - s.fileLen
	if i >= int64(len(s.Mem)) {
		return 0, io.EOF
	}
	n := copy(p, s.Mem[i:])
	s.off += int64(n)
	return n, nil
}

// Rewind makes the next Read start again at the body's first byte.
func (s *Spool) Rewind() { s.off, s.Err = 0, nil }

// Close closes the file, which has no name left to remove, and forgets
// the body.
func (s *Spool) Close() {
	if s.f != nil {
		_ = s.f.Close()
	}
	*s = Spool{}
}

// CreateTemp creates an empty file in dir as nginx's ngx_create_temp_file
// does for client_body_in_file_only off: a name of ten digits, O_EXCL so
// that nothing already there is ever opened (a name taken is drawn again),
// mode 0600, and unlinked at once, so that nothing is left behind even if
// gw is killed. dir is created (0700, as nginx creates its temp paths) if
// it is missing. On failure it returns the system call that failed and the
// path it failed on, for the error log.
func CreateTemp(dir string) (f *os.File, name, call string, err error) {
	made := false
	for tries := 0; ; tries++ {
		name = tempName(dir)
		f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		switch {
		case err == nil:
			if err = os.Remove(name); err != nil {
				// A body that cannot lose its name is not spooled: the
				// file would outlive the request.
				_ = f.Close()
				return nil, name, "unlink()", err
			}
			return f, name, "", nil
		case errors.Is(err, fs.ErrExist) && tries < tempNameTries:
			continue
		case errors.Is(err, fs.ErrNotExist) && !made:
			made = true
			if err = os.MkdirAll(dir, 0o700); err != nil {
				var pe *fs.PathError
				if errors.As(err, &pe) {
					dir = pe.Path // the level that could not be made
				}
				return nil, dir, "mkdir()", err
			}
			continue
		}
		return nil, name, "open()", err
	}
}

// tempName is dir/NNNNNNNNNN with ten random digits.
func tempName(dir string) string {
	b := make([]byte, 0, len(dir)+11)
	b = append(b, dir...)
	b = append(b, '/')
	var d [10]byte
	for i, n := len(d)-1, rand.Uint32(); i >= 0; i, n = i-1, n/10 {
		d[i] = '0' + byte(n%10)
	}
	return string(append(b, d[:]...))
}
