package persist

import "testing"

// counter is a Slot that counts its resets.
type counter struct{ n, resets int }

func (c *counter) Reset() { c.n = 0; c.resets++ }

var (
	kindA = NewKind()
	kindB = NewKind()
)

// A Request keeps one slot per implementation, made once and reset
// between requests, so an exchange serving two implementations in turn
// allocates nothing once both slots exist.
func TestRequestSlots(t *testing.T) {
	var r Request
	made := 0
	newCounter := func() Slot { made++; return new(counter) }
	a := r.Slot(kindA, newCounter).(*counter)
	b := r.Slot(kindB, newCounter).(*counter)
	if a == b || made != 2 {
		t.Fatalf("two kinds share a slot, or %d made", made)
	}
	a.n, b.n = 1, 2
	r.Reset()
	if a.n != 0 || b.n != 0 || a.resets != 1 || b.resets != 1 {
		t.Errorf("after Reset: a %+v, b %+v", a, b)
	}
	if r.Slot(kindA, newCounter) != a || r.Slot(kindB, newCounter) != b || made != 2 {
		t.Errorf("slots not kept across requests (%d made)", made)
	}
	if raceEnabled {
		return
	}
	allocs := testing.AllocsPerRun(100, func() {
		r.Reset()
		r.Slot(kindA, newCounter).(*counter).n++
		r.Slot(kindB, newCounter).(*counter).n++
	})
	if allocs != 0 {
		t.Errorf("%v allocations per request", allocs)
	}
}
