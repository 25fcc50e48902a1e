package check

// Type is the kind of probe.
type Type uint8

// The check types gw implements: Tengine's tcp (its default), http and
// ssl_hello.
const (
	TCP      Type = iota // the connection is opened, nothing is sent
	HTTP                 // Send is written, the status line is held against Expect
	SSLHello             // a TLS ClientHello is sent, a ServerHello must come back
)

// String returns the type= word.
func (t Type) String() string {
	switch t {
	case HTTP:
		return "http"
	case SSLHello:
		return "ssl_hello"
	}
	return "tcp"
}

// types are the type= words gw implements. Like Tengine, the words are
// compared exactly.
var types = map[string]Type{"tcp": TCP, "http": HTTP, "ssl_hello": SSLHello}

// unimplementedTypes are Tengine's other type= words: refused with a
// message of their own, so that a Tengine configuration that uses one is
// not told its parameter is misspelt.
var unimplementedTypes = map[string]bool{"mysql": true, "ajp": true, "fastcgi": true}
