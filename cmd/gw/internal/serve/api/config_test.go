package api

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gw-proxy/gw/conf"
)

// fileFake is a fakeRuntime whose configuration is a file, for the
// configuration half: its reload can be made to fail.
type fileFake struct {
	*fakeRuntime
	reloadErr error
}

func (f *fileFake) Reload() error {
	f.reloads++
	return f.reloadErr
}

const fileConf = `events {}
http {
    upstream app { server 10.0.0.1:80; }   # kept
    server {
        listen 127.0.0.1:8080;
        location / { proxy_pass http://app; }
    }
}
`

func newFileFake(t *testing.T) (*fileFake, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "gw.conf")
	if err := os.WriteFile(path, []byte(fileConf), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := conf.Load(conf.LoadOptions{Prefix: dir, File: path})
	if err != nil {
		t.Fatal(err)
	}
	return &fileFake{fakeRuntime: &fakeRuntime{cfg: cfg}}, path
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return string(b)
}

// TestCommitUndoneWhenReloadFails: a change gw -t accepts but the reload
// refuses (a port that cannot be bound...) puts the file and the version
// back, so what is on disk is what is served.
func TestCommitUndoneWhenReloadFails(t *testing.T) {
	f, path := newFileFake(t)
	f.reloadErr = errors.New(`bind() to 127.0.0.1:80 failed (13: Permission denied)`)
	a := New(f)
	status, _, body := call(a, "POST", "/api/v1/configuration/upstreams/app/servers?version=1", "", `{"address":"10.0.0.2:80"}`)
	if status != 422 || !strings.Contains(body, "reload failed, the change was undone: bind()") {
		t.Fatalf("a commit whose reload fails: %d %s", status, body)
	}
	if readText(t, path) != fileConf {
		t.Errorf("the file was not put back:\n%s", readText(t, path))
	}
	if v := readText(t, versionFile(path)); v != "1\n" {
		t.Errorf("the version file says %q, want 1", v)
	}

	f.reloadErr = nil
	status, _, body = call(a, "POST", "/api/v1/configuration/upstreams/app/servers?version=1", "", `{"address":"10.0.0.2:80"}`)
	if status != 201 || !strings.Contains(readText(t, path), "server 10.0.0.1:80; server 10.0.0.2:80; }   # kept") {
		t.Fatalf("the same change once the reload works: %d %s\n%s", status, body, readText(t, path))
	}
	if readText(t, versionFile(path)) != "2\n" || readText(t, path+".bak") != fileConf || f.reloads != 2 {
		t.Errorf("version %q, backup kept %v, reloads %d", readText(t, versionFile(path)),
			readText(t, path+".bak") == fileConf, f.reloads)
	}
}

// TestCommitRefusesHandEdits: a file edited on disk after a transaction
// started is not overwritten by its commit.
func TestCommitRefusesHandEdits(t *testing.T) {
	f, path := newFileFake(t)
	a := New(f)
	_, _, body := call(a, "POST", "/api/v1/transactions?version=1", "", "")
	var tx struct{ ID string }
	if err := json.Unmarshal([]byte(body), &tx); err != nil || tx.ID == "" {
		t.Fatalf("opening a transaction: %s", body)
	}
	if status, _, body := call(a, "DELETE", "/api/v1/configuration/upstreams/app/servers/10.0.0.1:80?transaction_id="+tx.ID, "", ""); status != 204 {
		t.Fatalf("deleting in the transaction: %d %s", status, body)
	}
	edited := strings.Replace(fileConf, "# kept", "# edited by hand", 1)
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	status, _, body := call(a, "PUT", "/api/v1/transactions/"+tx.ID, "", "")
	if status != 409 || !strings.Contains(body, "changed on disk") {
		t.Fatalf("commit over a hand edit: %d %s", status, body)
	}
	if readText(t, path) != edited || f.reloads != 0 {
		t.Errorf("the hand edit was overwritten or gw reloaded (%d)", f.reloads)
	}
}

// TestTransactionsExpire: a transaction neither committed nor discarded
// within gw_api's transaction_timeout is forgotten.
func TestTransactionsExpire(t *testing.T) {
	f, _ := newFileFake(t)
	a := New(f)
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	a.now = func() time.Time { return now }
	_, _, body := call(a, "POST", "/api/v1/transactions?version=1", "", "")
	var tx struct{ ID string }
	_ = json.Unmarshal([]byte(body), &tx)
	if status, _, _ := call(a, "GET", "/api/v1/transactions/"+tx.ID, "", ""); status != 200 {
		t.Fatalf("a fresh transaction: %d", status)
	}
	now = now.Add(10 * time.Minute)
	if status, _, body := call(a, "GET", "/api/v1/transactions/"+tx.ID, "", ""); status != 404 {
		t.Fatalf("after the timeout: %d %s", status, body)
	}
	if status, _, body := call(a, "POST", "/api/v1/transactions?version=2", "", ""); status != 409 {
		t.Fatalf("a transaction from a version that is not the current one: %d %s", status, body)
	}
}
