package edge

import (
	"errors"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/gw-proxy/gw/upstream/transport"
)

// acceptRetryDelay is how long accepting pauses after the system refused a
// connection for lack of resources: nginx's ngx_event_accept disables its
// accept events for accept_mutex_delay, 500 ms by default.
const acceptRetryDelay = 500 * time.Millisecond

// Listener is what fasthttp serves: it accepts client connections
// through the listener below it (TCP, or TLS over TCP), wraps each in a
// Conn and counts it in the connection table.
//
// fasthttp's own accept loop treats every error but a timeout as the end
// of the listener: one EMFILE and Serve returns for good while the socket
// stays in LISTEN. Listener keeps those errors to itself: on EMFILE,
// ENFILE, ENOBUFS or ENOMEM it logs nginx's line (at most once a second),
// waits until a connection closes or acceptRetryDelay passes, and accepts
// again.
type Listener struct {
	net.Listener
	table *Table
	// timeouts returns the client timeouts of the listener's default
	// server: a new connection keeps its header and keep-alive timeouts,
	// and its body and send timeouts until a request's location is known.
	timeouts func() Timeouts

	stats listenerStats
	// serve serves a parked connection anew (SetServe); nil: connections
	// are not parked.
	serve func(net.Conn) error

	closeOnce  sync.Once
	closed     chan struct{}
	lastFailed time.Time // the last accept() failure logged
}

// Timeouts are a server's client timeouts, as edge enforces them (see
// Conn and Table.reap).
type Timeouts struct {
	Header    time.Duration // client_header_timeout
	Keepalive time.Duration // keepalive_timeout
	Body      time.Duration // client_body_timeout
	Send      time.Duration // send_timeout
}

// NewListener wraps ln: each accepted connection is a Conn with the
// timeouts that timeouts returns then, counted in t.
func NewListener(ln net.Listener, t *Table, timeouts func() Timeouts) *Listener {
	return &Listener{Listener: ln, table: t, timeouts: timeouts, closed: make(chan struct{})}
}

// Accept returns the next client connection, waiting out resource
// shortages and a full connection table.
//
// Once SetServe gave it a server, Accept serves each connection itself,
// on a goroutine of its own (fasthttp's Server.ServeConn), and returns
// only when the listener closes: fasthttp's Serve still runs its accept
// loop, so that its Shutdown closes the listener and waits for the
// connections, but its worker pool, whose goroutines outlive their
// connection with the stack it grew, is left out. A connection that
// parks (park.go) thus ends its goroutine and frees all of it.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if !resourceShortage(err) {
				return nil, err
			}
			l.logFailure(err)
			if !l.wait(acceptRetryDelay) {
				return nil, net.ErrClosed
			}
			continue
		}
		cc := newConn(c, l.table, l.timeouts())
		cc.listener = l
		for !l.table.add(cc) {
			if !l.wait(time.Second) {
				_ = c.Close()
				return nil, net.ErrClosed
			}
		}
		l.stats.accepted.Add(1)
		l.stats.active.Add(1)
		if l.serve == nil {
			return cc, nil
		}
		go l.serve(cc) //nolint:errcheck // fasthttp answered what it could
	}
}

// wait blocks until a connection leaves the table or d passes; false
// when the listener was closed meanwhile.
func (l *Listener) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-l.table.freed:
	case <-t.C:
	case <-l.closed:
		return false
	}
	return true
}

// logFailure logs nginx's line for a refused accept, at most once a
// second: under a flood of connections the error repeats for every one.
func (l *Listener) logFailure(err error) {
	if !dueOncePerSecond(&l.lastFailed) {
		return
	}
	// nginx: accept4() failed (24: Too many open files), at crit.
	l.table.logger().Error().Str("listen", l.Addr().String()).Msg("accept() failed (" + transport.ErrnoText(err) + ")")
}

// SetServe gives the listener the function that serves a connection
// (the fasthttp server's ServeConn): from then on Accept serves each
// connection itself and idle connections are parked (park.go). Called
// before serving starts.
func (l *Listener) SetServe(serve func(net.Conn) error) { l.serve = serve }

// Close closes the listening socket, ends a pending Accept and closes
// the listener's parked connections.
func (l *Listener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	err := l.Listener.Close()
	l.table.closeParked(l)
	return err
}

// isClosed reports whether Close was called.
func (l *Listener) isClosed() bool {
	select {
	case <-l.closed:
		return true
	default:
		return false
	}
}

// resourceShortage reports the accept errors that mean "not now" rather
// than "never": the process or the system ran out of descriptors or
// buffers. The connection stays in the backlog.
func resourceShortage(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM)
}
