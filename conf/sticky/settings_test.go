package sticky

import (
	"testing"

	"github.com/gw-proxy/gw/conf/vars"
)

func TestMerge(t *testing.T) {
	bypass := []*vars.Template{{}}
	parent := &Settings{
		Clean:  []Clean{{Upstream: "a", On: true}, {Upstream: "b", On: true}},
		Bypass: bypass,
	}
	child := &Settings{Clean: []Clean{{Upstream: "B", On: false}}}
	Merge(parent, child)

	for _, tt := range []struct {
		name       string
		s          *Settings
		a, b, c    bool
		wantBypass int
	}{
		{"parent", parent, true, true, false, 1},
		{"child", child, true, false, false, 1},
	} {
		if got := [3]bool{tt.s.Cleans("a"), tt.s.Cleans("b"), tt.s.Cleans("c")}; got != [3]bool{tt.a, tt.b, tt.c} {
			t.Errorf("%s: Cleans(a, b, c) = %v, want %v", tt.name, got, [3]bool{tt.a, tt.b, tt.c})
		}
		if len(tt.s.Bypass) != tt.wantBypass {
			t.Errorf("%s: %d bypass templates, want %d", tt.name, len(tt.s.Bypass), tt.wantBypass)
		}
	}

	// A switch set on the child after merging must not reach the parent.
	child.SetClean(Clean{Upstream: "A", On: false})
	if !parent.Cleans("a") || child.Cleans("a") {
		t.Errorf("after setClean on child: parent %v child %v, want true false", parent.Cleans("a"), child.Cleans("a"))
	}
	if len(child.Clean) != 2 {
		t.Errorf("child has %d switches, want one per upstream (2): %+v", len(child.Clean), child.Clean)
	}
}

func TestMergeKeepsChildBypass(t *testing.T) {
	parent := &Settings{Bypass: []*vars.Template{{}, {}}}
	child := &Settings{Bypass: []*vars.Template{{}}}
	Merge(parent, child)
	if len(child.Bypass) != 1 {
		t.Errorf("child bypass has %d templates, want its own 1", len(child.Bypass))
	}
}
