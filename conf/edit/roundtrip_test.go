package edit

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/parser"
)

// roundTripValues are awkward values for every written string: quoting,
// escapes, variables, braces, semicolons, hashes.
var roundTripValues = []string{
	"plain", "a b", "a;b", "#x", "x#y", "}x", `"q`, `it's`, `\d+\.php$`, "a\tb", "${host}x", "{}", "é", `a\`,
}

// TestRoundTrip writes models carrying awkward values into a configuration
// with comments and reads them back: the model must come back the same
// (arguments written the way reading shows them), and writing it again
// must change nothing.
func TestRoundTrip(t *testing.T) {
	for _, v := range roundTripValues {
		t.Run(v, func(t *testing.T) {
			f, _ := setup(t, siteConf)
			one := 1
			u := Upstream{Name: "rt", Balancer: "hash " + parserWord(v) + " consistent", Sticky: true,
				SessionSticky: parserWord("cookie=" + v), Keepalive: 3, Check: parserWord(v) + " x",
				Servers: []Server{
					{Address: "a.example:80", Weight: 2, MaxConns: 3, MaxFails: &one, FailTimeout: v, Backup: true, Down: true, Drain: true,
						Params: []string{"id=" + v, "slow_start=" + v}},
					{Address: "a.example:80"},
				}}
			if err := f.AddUpstream(u); err != nil {
				t.Fatal(err)
			}
			got, err := f.Upstream("rt")
			if err != nil {
				t.Fatal(err)
			}
			checkSameUpstream(t, got, u)
			orig := f.Clone()
			if err := f.ReplaceUpstream("rt", got); err != nil || len(f.Changed(orig)) != 0 {
				t.Errorf("writing what was read changed %v (%v)", f.Changed(orig), err)
			}

			l := Location{Match: "~* " + parserWord("^/"+v), ProxyPass: "http://x/" + v, SessionStickyHeader: parserWord("upstream=" + v)}
			i, err := f.AddLocation(1, l)
			if err != nil {
				t.Fatal(err)
			}
			locs, err := f.Locations(1)
			if err != nil {
				t.Fatal(err)
			}
			l.Index = i
			l.Match, l.SessionStickyHeader = norm(t, l.Match), norm(t, l.SessionStickyHeader)
			if !reflect.DeepEqual(locs[i], l) {
				t.Errorf("location read back %+v, want %+v", locs[i], l)
			}

			b := ServerBlock{Listen: []string{"80 " + parserWord(v)}, ServerName: []string{v, "x"}}
			if err := f.ReplaceServerBlock(1, b); err != nil {
				t.Fatal(err)
			}
			sb, err := f.ServerBlock(1)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{norm(t, b.Listen[0])}; !reflect.DeepEqual(sb.Listen, want) || !reflect.DeepEqual(sb.ServerName, b.ServerName) {
				t.Errorf("server block read back %+v, want listen %v and server_name %v", sb, want, b.ServerName)
			}
		})
	}
}

// parserWord is parser.Word, for building strings of arguments.
func parserWord(v string) string { return parser.Word(v) }

// TestEditChecksWithGW checks an edited configuration the way the runtime
// API will: conf.Load over the edited texts, without writing them.
func TestEditChecksWithGW(t *testing.T) {
	f, dir := setup(t, upstreamConf)
	if err := f.ReplaceServerBlock(0, ServerBlock{Listen: []string{"127.0.0.1:8082"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.AddServer("app", Server{Address: "127.0.0.1:9002", Weight: 2}); err != nil {
		t.Fatal(err)
	}
	load := func() error {
		_, err := conf.Load(conf.LoadOptions{Prefix: dir, File: "gw.conf", Overlay: f.Text})
		return err
	}
	if err := load(); err != nil {
		t.Fatalf("edited configuration fails gw's checks: %v", err)
	}
	// What this package lets through, gw -t refuses, at the written line.
	if _, err := f.AddServer("app", Server{Address: "127.0.0.1:9003", Params: []string{"weight=0"}}); err != nil {
		t.Fatal(err)
	}
	err := load()
	var perr *parser.Error
	if err == nil || !errors.As(err, &perr) {
		t.Fatalf("Load = %v, want the bad weight refused", err)
	}
	if want := `invalid parameter "weight=0" in ` + filepath.Join(dir, "gw.conf") + ":10:"; len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
		t.Errorf("Load = %v, want %s...", err, want)
	}
}
