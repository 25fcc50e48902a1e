package proxy

import (
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/upstream/transport"
)

// A chunked request body bound for an upstream spoken to in HTTP/1.0 must
// be sent with a Content-Length, which only the body's end tells: it is
// read whole before the first try. nginx keeps client_body_buffer_size of
// it in memory and writes the rest to a temporary file under
// client_body_temp_path; gw does the same, so that an upload of any size
// costs one buffer of memory, not its size. Every other body streams (see
// prepareBody).

// spoolChunkMin is the smallest buffer a body is spooled through: a
// client_body_buffer_size under a page would only multiply the writes.
const spoolChunkMin = 4 << 10

// tempNameTries bounds the names tried when the ones drawn exist already.
const tempNameTries = 16

// spool is a request body read whole before the first try: its first
// fileLen bytes in an unlinked temporary file, the rest in mem (which is
// the exchange's reqMem). It is read with ReadAt, so sending it again to
// the next peer only takes a rewind. It has no Close method on purpose:
// fasthttp closes the body streams it has written, and the file must
// outlive every try; the exchange's release closes it.
type spool struct {
	f       *os.File // nil: the whole body is in mem
	name    string   // f's name when it had one, for the error log
	fileLen int64
	mem     []byte
	off     int64 // the next byte to send
	err     error // a failed read of f
}

// size is the length of the body.
func (s *spool) size() int64 { return s.fileLen + int64(len(s.mem)) }

// Read implements io.Reader for fasthttp's request writer.
func (s *spool) Read(p []byte) (int, error) {
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
			s.err = err
			return n, err
		}
		return n, nil
	}
	i := s.off - s.fileLen
	if i >= int64(len(s.mem)) {
		return 0, io.EOF
	}
	n := copy(p, s.mem[i:])
	s.off += int64(n)
	return n, nil
}

// rewind makes the next Read start again at the body's first byte.
func (s *spool) rewind() { s.off, s.err = 0, nil }

// close closes the file, which has no name left to remove, and forgets
// the body.
func (s *spool) close() {
	if s.f != nil {
		_ = s.f.Close()
	}
	*s = spool{}
}

// spoolBody reads the client's chunked body to its end for an HTTP/1.0
// upstream: client_body_buffer_size of it in x.reqMem, and whenever that
// is full and more follows, the buffer goes to the end of the temporary
// file and is reused. It returns the body's length, or the status gw
// answers: 413, 408 or 400 when the client's body fails, 500 when the file
// cannot be created or written (nginx's answer, logged in nginx's words).
func (x *exchange) spoolBody() (int64, int) {
	limit := int(max(x.p.bodyBuffer, spoolChunkMin))
	s := &x.spool
	buf := x.reqMem[:0]
	if cap(buf) > limit {
		buf = buf[:0:limit]
	}
	for {
		if len(buf) == cap(buf) && cap(buf) < limit {
			// The buffer grows as the body comes: a small body takes
			// little, whatever client_body_buffer_size says.
			grown := make([]byte, len(buf), min(max(2*cap(buf), spoolChunkMin), limit))
			copy(grown, buf)
			buf, x.reqMem = grown, grown
		}
		var eof bool
		var err error
		if buf, eof, err = x.body.fill(buf); err != nil {
			return 0, x.clientFailed()
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
		if _, err := x.body.Read(buf[len(buf):]); err == io.EOF {
			break
		} else if err != nil {
			return 0, x.clientFailed()
		}
		if s.f == nil {
			f, name, call, err := createTempFile(x.p.tempPath)
			if err != nil {
				return 0, x.spoolFailed(call, name, err)
			}
			s.f, s.name = f, name
		}
		if _, err := s.f.WriteAt(buf, s.fileLen); err != nil {
			return 0, x.spoolFailed("pwrite()", s.name, err)
		}
		s.fileLen += int64(len(buf))
		buf = buf[:0]
	}
	s.mem = buf
	return s.size(), 0
}

// attachSpool sets a spooled body as the upstream request's body from its
// first byte: before every try, since fasthttp lets go of a body stream
// once it has written it.
func (x *exchange) attachSpool() {
	if x.spool.f == nil {
		return
	}
	x.spool.rewind()
	x.out.SetBodyStream(&x.spool, int(x.spool.size()))
}

// createTempFile creates an empty file in dir as nginx's
// ngx_create_temp_file does for client_body_in_file_only off: a name of
// ten digits, O_EXCL so that nothing already there is ever opened (a name
// taken is drawn again), mode 0600, and unlinked at once, so that nothing
// is left behind even if gw is killed. dir is created (0700, as nginx
// creates its temp paths) if it is missing. On failure it returns the
// system call that failed and the path it failed on, for the error log.
func createTempFile(dir string) (f *os.File, name, call string, err error) {
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

// spoolFailed logs nginx's line for a temporary file that could not be
// made, written or read back, `open() "/srv/gw/client_body_temp/0123456789"
// failed (13: Permission denied)`, at nginx's crit (gw's error level), and
// returns nginx's answer, 500.
func (x *exchange) spoolFailed(call, name string, err error) int {
	if ev := x.p.log.Error(); ev != nil {
		b := make([]byte, 0, 128)
		b = append(b, call...)
		b = append(b, " \""...)
		b = append(b, name...)
		b = append(b, "\" failed "...)
		if en := transport.ErrnoOf(err); en != 0 {
			b = transport.AppendErrno(b, en)
		} else {
			b = append(b, '(')
			b = append(b, err.Error()...)
			b = append(b, ')')
		}
		lc := x.lc
		lc.upstream = ""
		logLine(ev, string(b), &lc)
	}
	return fasthttp.StatusInternalServerError
}
