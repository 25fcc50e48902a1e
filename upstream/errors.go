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
