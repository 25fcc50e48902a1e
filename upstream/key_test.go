package upstream

import (
	"strings"
	"testing"

	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
)

// Keys: id= when written, else the address, "#2"... for a key taken;
// PeerByKey finds each, and the snapshot carries them with the weight
// override.
func TestServerKeys(t *testing.T) {
	withID := func(id string) opt { return func(s *upstreamconf.Server) { s.ID = id } }
	same := func(s *upstreamconf.Server) { s.Addr, s.Name = "10.0.0.1:80", "10.0.0.1:80" }
	u := build(t, roundRobin, nil, srv(0), srv(1, withID("s2")), srv(2, same), srv(3, same, withID("s2")), srv(4, same))
	want := "10.0.0.1:80 s2 10.0.0.1:80#2 s2#2 10.0.0.1:80#3"
	var got []string
	for i := range u.Peers {
		got = append(got, u.Key(i))
		if p := u.PeerByKey(u.Key(i)); p != u.Peers[i] {
			t.Errorf("PeerByKey(%q) = peer %d", u.Key(i), p.Index())
		}
	}
	if strings.Join(got, " ") != want {
		t.Errorf("keys %q, want %q", got, want)
	}
	if p := u.PeerByKey("10.0.0.2:80"); p != nil {
		t.Errorf("a server with id= found by its address: peer %d", p.Index())
	}
	if err := u.Peers[4].State().SetWeight(3); err != nil {
		t.Fatal(err)
	}
	s := u.Snapshot(t0)
	if p := s.Peers[4]; p.Key != "10.0.0.1:80#3" || p.WeightOverride != 3 || p.Weight != 3 || p.ConfigWeight != 1 {
		t.Errorf("snapshot of the last server: %+v", p)
	}
}
