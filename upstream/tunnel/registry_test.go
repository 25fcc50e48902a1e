package tunnel

import (
	"testing"
	"time"
)

func TestNilTunnelsTrackNothing(t *testing.T) {
	var ts *Tunnels
	ts.Add(New(nil))
	ts.Remove(nil)
	if ts.Len() != 0 || !ts.Wait(time.Millisecond) || ts.CloseAll() != 0 {
		t.Error("a nil *Tunnels is not empty")
	}
}
