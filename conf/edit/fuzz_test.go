package edit

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzRoundTrip writes fuzzed strings into every written field: the write
// either refuses the value (Invalid) or gives a text that parses and reads
// back as the model written, and writing that again changes nothing.
func FuzzRoundTrip(f *testing.F) {
	for _, v := range roundTripValues {
		f.Add(v, v, "/"+v)
	}
	f.Fuzz(func(t *testing.T, args, param, match string) {
		files, _ := setup(t, siteConf)
		u := Upstream{Name: "fz", Balancer: "hash " + args, SessionSticky: args, Check: args,
			Servers: []Server{{Address: "a:1", FailTimeout: param, Params: []string{param}}}}
		err := files.AddUpstream(u)
		var inv *Invalid
		switch {
		case errors.As(err, &inv):
		case err != nil:
			t.Fatalf("AddUpstream(%+v): %v", u, err)
		default:
			got, err := files.Upstream("fz")
			if err != nil {
				t.Fatal(err)
			}
			checkSameUpstream(t, got, u)
			orig := files.Clone()
			if err := files.ReplaceUpstream("fz", got); err != nil || len(files.Changed(orig)) != 0 {
				t.Fatalf("rewriting %+v changed %v (%v)", got, files.Changed(orig), err)
			}
		}
		l := Location{Match: match, ProxyPass: param, SessionStickyHeader: args}
		i, err := files.AddLocation(1, l)
		switch {
		case errors.As(err, &inv):
		case err != nil:
			t.Fatalf("AddLocation(%+v): %v", l, err)
		default:
			locs, err := files.Locations(1)
			if err != nil {
				t.Fatal(err)
			}
			l.Index, l.Match, l.SessionStickyHeader = i, norm(t, l.Match), norm(t, l.SessionStickyHeader)
			if !reflect.DeepEqual(locs[i], l) {
				t.Fatalf("location read back %+v, want %+v", locs[i], l)
			}
		}
	})
}
