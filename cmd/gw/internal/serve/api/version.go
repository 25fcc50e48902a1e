package api

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// versionFile is where the configuration's version is kept: beside the
// main file, named after it (gw.conf → gw.conf.version), so that it
// survives restarts and travels with the file. A missing file is version 1,
// the version of a configuration nobody has changed through the API yet
// (the Data Plane API starts at 1 too).
func versionFile(main string) string { return main + ".version" }

// readVersion returns the configuration's version.
func readVersion(main string) (int64, error) {
	b, err := os.ReadFile(versionFile(main))
	if errors.Is(err, os.ErrNotExist) {
		return 1, nil
	}
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || v < 1 {
		return 0, fmt.Errorf("%s: not a configuration version: %q", versionFile(main), b)
	}
	return v, nil
}

// writeVersion stores v, atomically.
func writeVersion(main string, v int64) error {
	return writeAtomic(versionFile(main), []byte(strconv.FormatInt(v, 10)+"\n"), 0o644)
}

// writeAtomic replaces path with data so that a reader (gw itself, on a
// reload, or an operator's editor) sees the old file or the new one, never
// a part: the data goes to a temporary file in the same directory, is
// synced, and is renamed over path.
func writeAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, mode)
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		_ = os.Remove(name)
	}
	return err
}
