package proxyproto

import (
	"errors"
	"io"
	"net"
)

// Conn is a connection accepted on a proxy_protocol listener: its first
// Read reads the PROXY protocol header before anything else (the TLS
// handshake too, since TLS is layered over Conn), under whatever read
// deadline is set (client_header_timeout, as fasthttp sets it for the
// request header).
type Conn struct {
	net.Conn
	read    bool   // the header has been read
	hdr     Header // what it said
	rest    []byte // bytes read past the header, served first
	onError func(net.Conn, error)
}

// Header returns what the connection's PROXY protocol header said; false
// until it has been read.
func (c *Conn) Header() (Header, bool) { return c.hdr, c.read }

// Read returns the connection's bytes after the header.
func (c *Conn) Read(p []byte) (int, error) {
	if !c.read {
		if err := c.readHeader(); err != nil {
			return 0, err
		}
	}
	if len(c.rest) > 0 {
		n := copy(p, c.rest)
		c.rest = c.rest[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// readHeader reads until Parse has a header or an answer. A refused
// header is reported to onError (nginx logs it and closes the
// connection) and reads as the end of the connection, so the server
// closes it without answering; a read error (a timeout, the peer
// leaving) is returned as it is.
func (c *Conn) readHeader() error {
	buf := make([]byte, 0, 512)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, make([]byte, MaxV2-len(buf))...)[:len(buf)]
		}
		n, err := c.Conn.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if n > 0 {
			h, used, perr := Parse(buf)
			switch {
			case perr == nil:
				c.read, c.hdr, c.rest = true, h, buf[used:]
				return nil
			case !errors.Is(perr, ErrIncomplete):
				if c.onError != nil {
					c.onError(c.Conn, perr)
				}
				return io.EOF
			}
		}
		if err != nil {
			return err
		}
	}
}

// Listener accepts connections that start with a PROXY protocol header.
type Listener struct {
	net.Listener
	onError func(net.Conn, error)
}

// NewListener wraps ln; onError is told of each header refused, with the
// connection (for its addresses) and an *Error in nginx's words.
func NewListener(ln net.Listener, onError func(net.Conn, error)) *Listener {
	return &Listener{Listener: ln, onError: onError}
}

// Accept returns the next connection; its header is read by its first
// Read, on the goroutine that serves it, never here.
func (l *Listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &Conn{Conn: c, onError: l.onError}, nil
}
