package upstream

import "errors"

// The typed errors of proxying to an upstream. They carry no status code:
// the proxy decides it only where it answers the client, so the code that
// fails keeps the cause for the error log and the retry decision.
// ErrNoLivePeers and ErrDial become 502, ErrTimeout 504. The texts are
// nginx's error-log words.
var (
	// ErrNoLivePeers: no peer could be picked (all down, failed, full or
	// already tried), nginx's "no live upstreams".
	ErrNoLivePeers = errors.New("no live upstreams")
	// ErrDial: the connection to the peer could not be established.
	ErrDial = errors.New("connect() failed")
	// ErrTimeout: the peer did not connect, accept or answer in time.
	ErrTimeout = errors.New("upstream timed out")
)

// PeerError is a failed attempt at one peer: Kind is ErrDial or ErrTimeout
// (or another sentinel the proxy defines), Err the underlying cause, if
// any. errors.Is matches both.
type PeerError struct {
	Upstream string // the upstream block's name
	Addr     string // the peer's "ip:port"
	Kind     error
	Err      error
}

// Error renders the attempt in nginx's error-log words, the cause in
// parentheses: `upstream timed out (i/o timeout), upstream: "u", peer: "1.2.3.4:80"`.
func (e *PeerError) Error() string {
	msg := e.Kind.Error()
	if e.Err != nil {
		msg += " (" + e.Err.Error() + ")"
	}
	return msg + `, upstream: "` + e.Upstream + `", peer: "` + e.Addr + `"`
}

// Unwrap exposes Kind and Err to errors.Is and errors.As.
func (e *PeerError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}
