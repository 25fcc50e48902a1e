// Package resolvertest is a name server on loopback for tests of run-time
// resolution: it answers A and AAAA queries from a fixed table and counts
// the queries it gets.
package resolvertest

import (
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// Server is a UDP name server on 127.0.0.1.
type Server struct {
	// Addr is its ip:port, what a resolver directive names.
	Addr    string
	records map[string][]netip.Addr
	ttl     uint32
	queries atomic.Int64
}

// Start serves records (lower-cased names without the final dot) with
// ttl until the test ends. A name not in records is NXDOMAIN; a name
// without records of the asked type has an empty answer.
func Start(t testing.TB, records map[string][]netip.Addr, ttl uint32) *Server {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: pc.LocalAddr().String(), records: records, ttl: ttl}
	t.Cleanup(func() { _ = pc.Close() })
	go s.serve(pc)
	return s
}

// Queries returns how many queries arrived.
func (s *Server) Queries() int64 { return s.queries.Load() }

func (s *Server) serve(pc net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		s.queries.Add(1)
		if out := s.answer(buf[:n]); out != nil {
			_, _ = pc.WriteTo(out, from)
		}
	}
}

func (s *Server) answer(msg []byte) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil {
		return nil
	}
	q, err := p.Question()
	if err != nil {
		return nil
	}
	name := strings.TrimSuffix(strings.ToLower(q.Name.String()), ".")
	addrs, known := s.records[name]
	rh := dnsmessage.Header{ID: h.ID, Response: true, RecursionDesired: h.RecursionDesired, RecursionAvailable: true}
	if !known {
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	_ = b.StartQuestions()
	_ = b.Question(q)
	_ = b.StartAnswers()
	for _, a := range addrs {
		rr := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: s.ttl}
		switch {
		case a.Is4() && q.Type == dnsmessage.TypeA:
			_ = b.AResource(rr, dnsmessage.AResource{A: a.As4()})
		case a.Is6() && q.Type == dnsmessage.TypeAAAA:
			_ = b.AAAAResource(rr, dnsmessage.AAAAResource{AAAA: a.As16()})
		}
	}
	out, err := b.Finish()
	if err != nil {
		return nil
	}
	return out
}
