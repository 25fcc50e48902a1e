package check

import (
	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// Block gathers the check directives of one upstream block as they are
// met and gives their Config once the block is read, so that, unlike in
// Tengine, check_http_send may come before check. Its zero value is an
// upstream without any.
type Block struct {
	c       Config            // what the directives read so far
	checked bool              // a check directive was met
	send    *parser.Directive // check_http_send, held against check's type at the end
	body    *parser.Directive // check_http_expect_body, likewise
}

// readers are the directives Block reads, by name.
var readers = map[string]func(b *Block, d *parser.Directive) error{
	"check":                    (*Block).readCheck,
	"check_http_send":          (*Block).readSend,
	"check_http_expect_alive":  (*Block).readExpect,
	"check_http_expect_body":   (*Block).readBody,
	"check_keepalive_requests": (*Block).readKeepaliveRequests,
}

// Read reads one of check, check_http_send, check_http_expect_alive,
// check_http_expect_body and check_keepalive_requests, whose argument
// counts and repetition the directive table has checked.
func (b *Block) Read(d *parser.Directive) error {
	read := readers[d.Name]
	if read == nil {
		return parser.Errorf(d.Pos, "unknown directive %q", d.Name)
	}
	return read(b, d)
}

// Config returns the block's Config, nil when it has no check directive:
// its check_http_expect_alive and check_keepalive_requests are then
// accepted and mean nothing, as in Tengine, but a check_http_send is
// Tengine's error. So is a check_http_send for a check that is not http;
// gw says the same of check_http_expect_body.
func (b *Block) Config() (*Config, error) {
	if !b.checked {
		if b.send != nil {
			return nil, parser.Errorf(b.send.Pos, "invalid check_http_send should set [check] first")
		}
		return nil, nil
	}
	c := b.c
	if c.Type != HTTP {
		// Tengine lets an empty check_http_send through for any type.
		for _, d := range []*parser.Directive{b.send, b.body} {
			if d != nil && d.Args[0].Value != "" {
				return nil, parser.Errorf(d.Pos, "invalid %s for type %q", d.Name, c.Type)
			}
		}
		c.Send = nil
	} else {
		if len(c.Send) == 0 {
			c.Send = []byte(defaultSend)
		}
		if c.Expect == 0 {
			c.Expect = defaultExpect
		}
	}
	if c.KeepaliveRequests == 0 {
		c.KeepaliveRequests = defaultKeepaliveRequests
	}
	return &c, nil
}

// readCheck reads `check [name=value ...]` over Tengine's defaults.
func (b *Block) readCheck(d *parser.Directive) error {
	b.c.Pos = d.Pos
	b.c.Interval, b.c.Timeout = defaultInterval, defaultTimeout
	b.c.Fall, b.c.Rise = defaultFall, defaultRise
	b.c.DefaultDown, b.c.Type, b.c.Port = true, TCP, 0
	b.checked = true
	return parseCheck(d, &b.c)
}

// readSend reads check_http_send. The text is written as it is: Tengine
// adds nothing to it, not even a Host header.
func (b *Block) readSend(d *parser.Directive) error {
	b.send = d
	b.c.Send = []byte(d.Args[0].Value)
	return nil
}

// readExpect reads check_http_expect_alive.
func (b *Block) readExpect(d *parser.Directive) error {
	s, err := parseStatuses(d)
	b.c.Expect = s
	return err
}

// readBody reads check_http_expect_body.
func (b *Block) readBody(d *parser.Directive) error {
	b.body = d
	b.c.ExpectBody = d.Args[0].Value
	return nil
}

// readKeepaliveRequests reads check_keepalive_requests: a positive number,
// else Tengine's `"check_keepalive_requests" directive invalid value`.
func (b *Block) readKeepaliveRequests(d *parser.Directive) error {
	n, ok := value.Number(d.Args[0].Value)
	if !ok || n == 0 {
		return value.Invalid(d, d.Args[0])
	}
	b.c.KeepaliveRequests = n
	return nil
}
