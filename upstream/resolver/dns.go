package resolver

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// Code is nginx's resolver error code, which its log line prints with its
// text: "NAME could not be resolved (3: Host not found)".
type Code int

// nginx's codes (ngx_resolver_strerror): the DNS rcodes, and 110 for a
// lookup that outlived resolver_timeout.
const (
	FormatError    Code = 1
	ServerFailure  Code = 2
	HostNotFound   Code = 3
	Unimplemented  Code = 4
	Refused        Code = 5
	TimedOut       Code = 110
	unknownFailure Code = 0
)

// Error is a failed lookup.
type Error struct{ Code Code }

// Error returns nginx's "3: Host not found" form.
func (e *Error) Error() string {
	text := map[Code]string{FormatError: "Format error", ServerFailure: "Server failure",
		HostNotFound: "Host not found", Unimplemented: "Unimplemented", Refused: "Operation refused",
		TimedOut: "Operation timed out"}[e.Code]
	if text == "" {
		text = "Unknown error"
	}
	return itoa(int(e.Code)) + ": " + text
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// attemptTimeout is how long one name server is given before the query is
// sent to the next one: nginx resends unanswered queries every
// resolver's resend timeout, 5s; a shorter wait lets a second server
// answer within the default resolver_timeout of 30s.
const attemptTimeout = 2 * time.Second

// roundPause separates two rounds over servers that failed at once (an
// ICMP port unreachable).
const roundPause = 200 * time.Millisecond

// query asks the servers in turn, from the one at start, for the records
// of type typ (A or AAAA) until one answers or ctx ends. ttl is the
// smallest TTL of the answer's records.
func query(ctx context.Context, servers []string, start int, name dnsmessage.Name, typ dnsmessage.Type) (addrs []netip.Addr, ttl uint32, err error) {
	if len(servers) == 0 {
		return nil, 0, &Error{Code: ServerFailure}
	}
	for {
		for i := range servers {
			if ctx.Err() != nil {
				return nil, 0, &Error{Code: TimedOut}
			}
			addrs, ttl, err = exchange(ctx, servers[(start+i)%len(servers)], name, typ)
			var de *Error
			if err == nil || errors.As(err, &de) && de.Code != TimedOut {
				return addrs, ttl, err
			}
		}
		// Every server failed (some at once: an ICMP port unreachable):
		// pause before the next round rather than spin.
		select {
		case <-ctx.Done():
		case <-time.After(roundPause):
		}
	}
}

// exchange sends one query to server and reads its answer.
func exchange(ctx context.Context, server string, name dnsmessage.Name, typ dnsmessage.Type) ([]netip.Addr, uint32, error) {
	actx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(actx, "udp", server)
	if err != nil {
		return nil, 0, &Error{Code: TimedOut}
	}
	defer c.Close()
	if dl, ok := actx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	id := uint16(rand.Uint32())
	b := dnsmessage.NewBuilder(make([]byte, 0, 512), dnsmessage.Header{ID: id, RecursionDesired: true})
	_ = b.StartQuestions()
	_ = b.Question(dnsmessage.Question{Name: name, Type: typ, Class: dnsmessage.ClassINET})
	msg, err := b.Finish()
	if err != nil {
		return nil, 0, &Error{Code: FormatError}
	}
	if _, err := c.Write(msg); err != nil {
		return nil, 0, &Error{Code: TimedOut}
	}
	buf := make([]byte, 1500)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return nil, 0, &Error{Code: TimedOut}
		}
		addrs, ttl, ok, err := parse(buf[:n], id, typ)
		if ok {
			return addrs, ttl, err
		}
		// Not our answer (a late one to an earlier query): keep reading.
	}
}

// parse reads an answer to query id. ok is false for a message that is not
// that answer. A name with no record of type typ is HostNotFound, as nginx
// makes an empty answer.
func parse(msg []byte, id uint16, typ dnsmessage.Type) (addrs []netip.Addr, ttl uint32, ok bool, err error) {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil || h.ID != id || !h.Response {
		return nil, 0, false, nil
	}
	if h.RCode != dnsmessage.RCodeSuccess {
		return nil, 0, true, &Error{Code: Code(h.RCode)}
	}
	if err := p.SkipAllQuestions(); err != nil {
		return nil, 0, true, &Error{Code: FormatError}
	}
	for {
		ah, err := p.AnswerHeader()
		if err == dnsmessage.ErrSectionDone {
			break
		}
		if err != nil {
			return nil, 0, true, &Error{Code: FormatError}
		}
		var a netip.Addr
		switch {
		case ah.Type == typ && typ == dnsmessage.TypeA:
			r, err := p.AResource()
			if err != nil {
				return nil, 0, true, &Error{Code: FormatError}
			}
			a = netip.AddrFrom4(r.A)
		case ah.Type == typ && typ == dnsmessage.TypeAAAA:
			r, err := p.AAAAResource()
			if err != nil {
				return nil, 0, true, &Error{Code: FormatError}
			}
			a = netip.AddrFrom16(r.AAAA)
		default:
			// A CNAME chain: the recursive server sends the records of its
			// end along, which are the ones kept.
			if err := p.SkipAnswer(); err != nil {
				return nil, 0, true, &Error{Code: FormatError}
			}
			continue
		}
		if len(addrs) == 0 || ah.TTL < ttl {
			ttl = ah.TTL
		}
		addrs = append(addrs, a)
	}
	if len(addrs) == 0 {
		return nil, 0, true, &Error{Code: HostNotFound}
	}
	return addrs, ttl, true, nil
}
