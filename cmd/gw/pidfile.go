package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/upstream/transport"
)

// writePid writes the pid file (cfg.PidFile: the configured one, or conf's
// default logs/gw.pid under the prefix, so that `gw -s` works without a pid
// directive), creating its directory when missing [gw: nginx fails
// instead; a fresh checkout has no logs/ and nobody wants to learn that the
// hard way].
func writePid(cfg *conf.Config) (string, error) {
	path := cfg.PidFile
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("mkdir() %q failed (%s)", filepath.Dir(path), transport.ErrnoText(err))
	}
	data := []byte(strconv.Itoa(os.Getpid()) + "\n")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return "", fmt.Errorf("open() %q failed (%s)", path, transport.ErrnoText(err))
	}
	return path, nil
}

// removePid removes the pid file on exit, but only if it is still ours: a
// second gw started by mistake must not delete the first one's file.
func removePid(path string) {
	b, err := os.ReadFile(path)
	if err == nil && string(b) == strconv.Itoa(os.Getpid())+"\n" {
		_ = os.Remove(path)
	}
}
