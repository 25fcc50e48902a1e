// Package tests holds gw's black-box tests: they build the real gw and
// gw-demo binaries, start them on loopback ports and drive them over HTTP.
// Nothing of the module is imported: the binaries are all these tests see.
package tests

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Paths of the binaries built once for the whole run.
var (
	gwBin   string
	demoBin string
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gw-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	gwBin = filepath.Join(dir, "gw")
	demoBin = filepath.Join(dir, "gw-demo")
	builds := map[string]string{gwBin: "../cmd/gw", demoBin: "../cmd/gw-demo"}
	// GW_TEST_BIN runs the suite against another gw binary, for instance
	// one built from an older commit to see a test fail before its fix.
	if bin := os.Getenv("GW_TEST_BIN"); bin != "" {
		gwBin = bin
		delete(builds, filepath.Join(dir, "gw"))
	}
	for bin, pkg := range builds {
		cmd := exec.Command("go", "build", "-o", bin, pkg)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n", pkg, err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
