package upstream

import (
	"context"
	"testing"
	"time"
)

// TestStateSurvivesReload: an upstream rebuilt on the same store keeps
// what the old one learnt about the servers it keeps.
func TestStateSurvivesReload(t *testing.T) {
	store := NewStateStore()
	old := build(t, roundRobin, store, srv(0), srv(1), srv(2))
	fail(old, 1, 1, t0)
	hold(t, old, 2, 1)

	// The reload drops a, keeps b and c (in another order), adds d.
	cu := *old.Conf
	cu.Name = "U" // nginx compares upstream names case-insensitively
	cu.Servers = append(servers(), srv(2), srv(1), srv(3))
	fresh, err := NewUpstream(&cu, store)
	if err != nil {
		t.Fatal(err)
	}
	b, c := fresh.Peers[1], fresh.Peers[0]
	if b.Available(t0.Add(time.Second)) {
		t.Error("failed peer available again after reload")
	}
	if c.State().Conns() != 1 {
		t.Errorf("in-flight count after reload = %d, want 1", c.State().Conns())
	}
	old.Peers[2].Release() // the old runtime finishes its request
	if c.State().Conns() != 0 {
		t.Errorf("count after the old runtime's Release = %d, want 0", c.State().Conns())
	}
	cu.Name = "other"
	other, err := NewUpstream(&cu, store)
	if err != nil {
		t.Fatal(err)
	}
	if other.Peers[1].State() == b.State() {
		t.Error("another upstream shares the state")
	}
	if n := store.Len(); n != 7 {
		t.Errorf("store holds %d servers, want 7 (a b c and d in u, b c d in other)", n)
	}
	store.Retain(fresh)
	if n := store.Len(); n != 3 {
		t.Errorf("store keeps %d servers after Retain, want 3 (b, c, d)", n)
	}
	again := build(t, roundRobin, store, srv(0))
	if again.Peers[0].State() == old.Peers[0].State() {
		t.Error("a's state survived Retain")
	}
}

// TestTaskLivesWithItsServer: a background task bound to a server survives
// a reload that keeps the server, is not started twice, and is stopped by
// the reload that drops the server.
func TestTaskLivesWithItsServer(t *testing.T) {
	store := NewStateStore()
	first := build(t, roundRobin, store, srv(0), srv(1))
	stopped := map[int]chan struct{}{0: make(chan struct{}), 1: make(chan struct{})}
	for i, p := range first.Peers {
		done := stopped[i]
		if !p.State().Task("check", func(ctx context.Context) { <-ctx.Done(); close(done) }) {
			t.Fatalf("task of peer %d not started", i)
		}
	}
	// A reload that keeps both: the tasks go on, and asking again starts
	// nothing new.
	kept := build(t, roundRobin, store, srv(1), srv(0))
	store.Retain(kept)
	for _, p := range kept.Peers {
		if !p.State().Running("check") {
			t.Fatal("a reload that keeps the server stopped its task")
		}
		if p.State().Task("check", func(context.Context) { t.Error("started twice") }) {
			t.Fatal("Task started a second instance")
		}
	}
	// A reload that drops server 0 stops its task and only its.
	dropped := build(t, roundRobin, store, srv(1))
	store.Retain(dropped)
	select {
	case <-stopped[0]:
	case <-time.After(2 * time.Second):
		t.Fatal("the dropped server's task still runs")
	}
	if !dropped.Peers[0].State().Running("check") {
		t.Fatal("the kept server's task stopped")
	}
	store.Close()
	select {
	case <-stopped[1]:
	case <-time.After(2 * time.Second):
		t.Fatal("Close left a task running")
	}
}

// TestIdenticalServerLinesHaveTheirOwnState: two lines with one address
// are two servers, as in nginx: the first failing leaves the second to
// take the request, and a reload that keeps the lines keeps each one's
// state.
func TestIdenticalServerLinesHaveTheirOwnState(t *testing.T) {
	store := NewStateStore()
	u := build(t, roundRobin, store, srv(0), srv(0), srv(1))
	if u.Peers[0].State() == u.Peers[1].State() {
		t.Fatal("two lines with one address share their state")
	}
	fail(u, 0, 1, t0)
	if u.Peers[0].Available(t0) || !u.Peers[1].Available(t0) {
		t.Fatal("the first line's failure took the second line out too")
	}
	if got := retries(u, t0, Key{}, 3); got != "b c -" && got != "c b -" {
		t.Errorf("tries %q, want b and c", got)
	}
	again := build(t, roundRobin, store, srv(0), srv(0), srv(1))
	for i := range 3 {
		if again.Peers[i].State() != u.Peers[i].State() {
			t.Errorf("peer %d lost its state in a reload that keeps the lines", i)
		}
	}
	if n := store.Len(); n != 3 {
		t.Errorf("store holds %d servers, want 3", n)
	}
	// A reload down to one line keeps the first line's state.
	one := build(t, roundRobin, store, srv(0))
	store.Retain(one)
	if one.Peers[0].State() != u.Peers[0].State() || store.Len() != 1 {
		t.Errorf("one line left: state kept %v, store holds %d", one.Peers[0].State() == u.Peers[0].State(), store.Len())
	}
}
