package edge

import (
	"sync"
	"syscall"
	"unsafe"
)

// parkSupported: parked connections wait in gw's epoll set.
const parkSupported = true

// poller is the epoll set parked connections wait in. A goroutine of
// its own waits on it; when a parked socket becomes readable (a request,
// or the client's close) it takes the connection out and wakes it on a
// new goroutine. A parked connection thus costs no goroutine and no
// buffer, only its socket and Conn.
//
// The socket stays registered with the Go runtime's own poller too; the
// kernel allows a descriptor in several epoll sets. The event names the
// connection by its id, looked up in conns under mu, never by descriptor
// or pointer: a descriptor number is reused as soon as it closes, and the
// kernel must not hold the only reference to a Go object.
type poller struct {
	once sync.Once
	epfd int
	err  error

	mu    sync.Mutex
	conns map[uint64]*Conn
	dead  bool // run failed: nothing more is parked
}

var parkPoller poller

// start creates the epoll set and its goroutine, once.
func (p *poller) start() error {
	p.once.Do(func() {
		p.epfd, p.err = syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
		if p.err == nil {
			p.conns = make(map[uint64]*Conn)
			go p.run()
		}
	})
	return p.err
}

// waitReadable registers c, reporting false when it could not be (c is
// then closed by parkIn). EPOLLONESHOT: the first event disarms it.
func (c *Conn) waitReadable() bool {
	p := &parkPoller
	if p.start() != nil {
		return false
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT}
	setEventID(&ev, c.id)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dead || c.doomed || control(c, func(fd int) error { return syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, fd, &ev) }) != nil {
		return false
	}
	p.conns[c.id] = c
	return true
}

// unwait takes c out of the set. False when c is not in it: an event
// already took it (it is being woken), or it is not registered yet, and
// then never will be (doomed).
func (c *Conn) unwait() bool {
	p := &parkPoller
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.takeLocked(c.id) != nil {
		return true
	}
	c.doomed = true
	return false
}

// takeLocked removes the connection id from the set and returns it, or
// nil when it is not there. Under mu.
func (p *poller) takeLocked(id uint64) *Conn {
	c := p.conns[id]
	if c == nil {
		return nil
	}
	delete(p.conns, id)
	_ = control(c, func(fd int) error { return syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, fd, nil) })
	return c
}

// run waits for events and wakes their connections.
func (p *poller) run() {
	events := make([]syscall.EpollEvent, 128)
	for {
		n, err := syscall.EpollWait(p.epfd, events, -1)
		if err != nil {
			if err == syscall.EINTR {
				continue
			}
			// Not expected of a valid epoll descriptor; the parked
			// connections would never wake, so the table's reaper
			// closes them at keepalive_timeout.
			p.mu.Lock()
			p.dead = true
			p.mu.Unlock()
			return
		}
		p.mu.Lock()
		for i := range events[:n] {
			if c := p.takeLocked(eventID(&events[i])); c != nil {
				go c.wake()
			}
		}
		p.mu.Unlock()
	}
}

// control runs f with c's socket descriptor, which cannot be closed
// meanwhile.
func control(c *Conn, f func(fd int) error) error {
	sc, ok := c.raw.(syscall.Conn)
	if !ok {
		return syscall.EINVAL
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = f(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

// setEventID and eventID keep a connection id in the event's 64-bit data
// (epoll_data_t), which syscall.EpollEvent spells as two int32 fields.
func setEventID(ev *syscall.EpollEvent, id uint64) {
	*(*uint64)(unsafe.Pointer(&ev.Fd)) = id
}

func eventID(ev *syscall.EpollEvent) uint64 {
	return *(*uint64)(unsafe.Pointer(&ev.Fd))
}
