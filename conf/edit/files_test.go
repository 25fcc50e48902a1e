package edit

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadCloneChanged(t *testing.T) {
	f, dir := setup(t, upstreamConf)
	if got := f.Main; got != filepath.Join(dir, "gw.conf") {
		t.Errorf("Main = %q", got)
	}
	want := map[string]string{"gw.conf": upstreamConf["gw.conf"], "upstreams/api.conf": upstreamConf["upstreams/api.conf"]}
	if got := texts(t, f, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("Text = %v, want %v", got, want)
	}
	c := f.Clone()
	if err := c.DeleteServer("api", "a"); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Changed(f), []string{filepath.Join(dir, "upstreams/api.conf")}; !reflect.DeepEqual(got, want) {
		t.Errorf("Changed = %v, want %v", got, want)
	}
	if len(f.Changed(f.Clone())) != 0 || string(f.Text[filepath.Join(dir, "upstreams/api.conf")]) != upstreamConf["upstreams/api.conf"] {
		t.Error("editing the clone changed the original")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "upstreams/api.conf")); string(b) != upstreamConf["upstreams/api.conf"] {
		t.Error("an edit wrote the disk")
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Read("gw.conf", dir); err == nil || !strings.Contains(err.Error(), "open()") {
		t.Errorf("Read of a missing file = %v, want the parser's open() error", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "gw.conf"), []byte("http {"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read("gw.conf", dir); err == nil || !strings.Contains(err.Error(), "gw.conf:1:") {
		t.Errorf("Read of a bad file = %v, want a positioned syntax error", err)
	}
}

// TestIncludedSinceRead checks that a file a glob matches on disk but that
// was not read is refused instead of being read behind the caller's back.
func TestIncludedSinceRead(t *testing.T) {
	f, dir := setup(t, upstreamConf)
	if err := os.WriteFile(filepath.Join(dir, "upstreams/late.conf"), []byte("upstream late { server x; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Upstreams(); err == nil || !strings.Contains(err.Error(), "late.conf is included but was not read") {
		t.Errorf("Upstreams = %v, want the late file refused", err)
	}
}

// TestSharedInclude checks that a file included twice is not patched,
// since the patch would change both places.
func TestSharedInclude(t *testing.T) {
	f, dir := setup(t, map[string]string{
		"gw.conf": lines("events {}", "http {",
			"    server { listen 80; include common.conf; }",
			"    server { listen 81; include common.conf; }",
			"    server { listen 82; location /own { } }", "}"),
		"common.conf": "location / { proxy_pass http://127.0.0.1:9000; }\n",
	})
	before := texts(t, f, dir)
	err := f.ReplaceLocation(0, 0, Location{Match: "/", ProxyPass: "http://127.0.0.1:9001"})
	if !errors.Is(err, ErrShared) {
		t.Errorf("ReplaceLocation = %v, want ErrShared", err)
	}
	checkTexts(t, f, dir, before, nil)
	if err := f.ReplaceServerBlock(1, ServerBlock{Listen: []string{"8081"}}); err != nil {
		t.Errorf("ReplaceServerBlock of the block itself: %v", err)
	}
	if err := f.ReplaceLocation(2, 0, Location{Match: "/own", ProxyPass: "http://x"}); err != nil {
		t.Errorf("ReplaceLocation of a location of the main file: %v", err)
	}
}
