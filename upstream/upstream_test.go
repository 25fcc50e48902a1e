package upstream

import (
	"errors"
	"strings"
	"testing"
	"time"

	upstreamconf "github.com/gw-proxy/gw/conf/upstream"
	"github.com/gw-proxy/gw/parser"
)

func TestNewUpstreamPeers(t *testing.T) {
	cu := &upstreamconf.Config{Name: "api", Balancer: roundRobin,
		Servers: []*upstreamconf.Server{srv(0), srv(1, backup), srv(2), srv(3, backup, weight(3))}}
	u, err := NewUpstream(cu, nil)
	if err != nil {
		t.Fatal(err)
	}
	if u.Conf != cu || u.Name() != "api" {
		t.Error("configuration not kept")
	}
	for i, p := range u.Peers {
		if p.Index() != i || p.Server != cu.Servers[i] || p.Addr != cu.Servers[i].Addr || u.Peer(i) != p {
			t.Errorf("peer %d: index %d, addr %s", i, p.Index(), p.Addr)
		}
	}
	if got := indexes(u.Primaries) + "/" + indexes(u.Backups); got != "ac/bd" {
		t.Errorf("primaries/backups = %s, want ac/bd", got)
	}
	if u.Peer(-1) != nil || u.Peer(4) != nil {
		t.Error("Peer out of range is not nil")
	}
	if u.Peers[3].Weight() != 3 || !u.Peers[3].Backup() || u.Peers[0].Backup() {
		t.Error("server parameters not carried")
	}
}

func indexes(ps []*Peer) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(letter(p))
	}
	return b.String()
}

// TestNewUpstreamErrors: conf checks upstreams; NewUpstream only refuses a
// balancing method it does not know.
func TestNewUpstreamErrors(t *testing.T) {
	pos := parser.Pos{File: "gw.conf", Line: 3, Col: 1}
	_, err := NewUpstream(&upstreamconf.Config{Pos: pos, Name: "u", Balancer: upstreamconf.Balancer{Kind: 99}, Servers: servers(1)}, nil)
	var pe *parser.Error
	if err == nil || !strings.Contains(err.Error(), "unknown balancing method") || !errors.As(err, &pe) {
		t.Errorf("err = %v, want a positioned unknown balancing method", err)
	}
}

// TestBackups: backups take requests only when no primary can, with the
// upstream's method among themselves.
func TestBackups(t *testing.T) {
	later := t0.Add(11 * time.Second)
	tests := []struct {
		name  string
		bal   upstreamconf.Balancer
		prim  []opt // options of primaries a and b
		setup func(u *Upstream)
		at    time.Time
		want  string
	}{
		{"primaries up: no backup", roundRobin, nil, nil, t0, "a b a b"},
		{"one primary down: the other", roundRobin, []opt{down}, nil, t0, "b b b"},
		{"all primaries down: backups 2:1", roundRobin, []opt{down, down}, nil, t0, "c d c c d c"},
		{"all primaries draining: backups", roundRobin, []opt{drain, drain}, nil, t0, "c d c"},
		{"all primaries failed: backups", roundRobin, nil, func(u *Upstream) { fail(u, 0, 1, t0); fail(u, 1, 1, t0) }, t0, "c d c"},
		// Both come back with effective weight 0: the first round adds
		// nothing and a wins the tie, then they alternate.
		{"failed primaries come back", roundRobin, nil, func(u *Upstream) { fail(u, 0, 1, t0); fail(u, 1, 1, t0) }, later, "a a b a"},
		{"all primaries full: backups", roundRobin, []opt{maxConns(1), maxConns(1)}, func(u *Upstream) { hold(t, u, 0, 1); hold(t, u, 1, 1) }, t0, "c d c"},
		{"least_conn backups by least_conn", leastConnB, []opt{down, down}, func(u *Upstream) { hold(t, u, 2, 3) }, t0, "d d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := srv(0), srv(1)
			if len(tt.prim) == 2 {
				tt.prim[0](a)
				tt.prim[1](b)
			} else if len(tt.prim) == 1 {
				tt.prim[0](a)
			}
			u := build(t, tt.bal, nil, a, b, srv(2, backup, weight(2)), srv(3, backup))
			if tt.setup != nil {
				tt.setup(u)
			}
			if got := picks(u, tt.at, Key{}, len(splitSeq(tt.want))); got != tt.want {
				t.Errorf("picks = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestBackupsAfterTriedPrimaries: a request whose primaries all failed goes
// on to the backups, as nginx switches to peers->next.
func TestBackupsAfterTriedPrimaries(t *testing.T) {
	u := build(t, roundRobin, nil, srv(0), srv(1), srv(2, backup), srv(3, backup))
	if got, want := retries(u, t0, Key{}, 5), "a b c d -"; got != want {
		t.Errorf("retries = %q, want %q", got, want)
	}
}

// TestRevive: when nothing can be picked, Revive brings failed peers back
// at once (nginx's quick recovery), but not down ones.
func TestRevive(t *testing.T) {
	u := build(t, roundRobin, nil, srv(0), srv(1), srv(2, down))
	fail(u, 0, 1, t0)
	fail(u, 1, 1, t0)
	if got := picks(u, t0, Key{}, 1); got != "-" {
		t.Fatalf("pick with all failed = %q", got)
	}
	u.Revive()
	if got := picks(u, t0, Key{}, 3); got != "a a b" { // effective weights recovering from 0
		t.Errorf("picks after Revive = %q, want a a b", got)
	}
}

func TestTriedBits(t *testing.T) {
	var tr Tried
	for _, i := range []int{0, 63, 64, 255, 256, 1000} {
		if tr.Has(i) {
			t.Fatalf("%d tried before Add", i)
		}
		tr.Add(i)
		if !tr.Has(i) {
			t.Fatalf("%d not tried after Add", i)
		}
	}
	if tr.Has(1) || tr.Has(999) || tr.Has(5000) {
		t.Error("untouched index reported tried")
	}
	tr.hash, tr.tries = 7, 3
	tr.Reset()
	if tr.Has(0) || tr.Has(1000) || tr.hash != 0 || tr.tries != 0 {
		t.Error("Reset left state behind")
	}
}
