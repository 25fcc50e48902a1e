package api

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/gw-proxy/gw/conf/edit"
	"github.com/gw-proxy/gw/parser"
)

// apiError is an answer other than success: its status and message, and
// for a configuration gw -t refuses, the position it names.
type apiError struct {
	Status  int
	Message string
	Pos     *parser.Pos // where gw -t found the error, if it names a place
	Allow   string      // for a 405, the methods allowed
}

func (e *apiError) Error() string { return e.Message }

func failf(status int, format string, args ...any) *apiError {
	return &apiError{Status: status, Message: fmt.Sprintf(format, args...)}
}

// commit checks, writes and serves a transaction's files; it returns the
// new version. In order, each step refusing the commit before anything is
// written:
//   - the transaction must start from the version in force (406 otherwise,
//     as the Data Plane API answers an outdated transaction);
//   - the files on disk must still be those it started from: an edit by
//     hand that did not go through the API is not overwritten (409);
//   - the changed configuration must pass gw -t's checks, run on the new
//     text before it is written (422, with the position of the error);
//   - each changed file is written atomically, its previous text kept
//     beside it as FILE.bak, then the version is increased, then gw
//     reloads. A reload that fails (a port that cannot be bound...) puts
//     the previous files and version back: what is on disk is always what
//     is served, or about to be after a clean reload.
//
// Commits are serialised: versions increase by one per commit.
func (a *API) commit(tx *transaction) (int64, error) {
	a.commitMu.Lock()
	defer a.commitMu.Unlock()
	main := tx.base.Main
	cur, err := readVersion(main)
	if err != nil {
		return 0, failf(http.StatusInternalServerError, "%v", err)
	}
	if tx.Version != cur {
		return 0, failf(http.StatusNotAcceptable,
			"version mismatch: the transaction started from version %d, the configuration is at %d", tx.Version, cur)
	}
	disk, err := edit.Read(main, tx.base.Prefix)
	if err != nil {
		return 0, failf(http.StatusInternalServerError, "reading the configuration: %v", err)
	}
	if moved := disk.Changed(tx.base); len(moved) > 0 {
		return 0, failf(http.StatusConflict,
			"%s changed on disk since the transaction started (edited by hand?); start a new one", strings.Join(moved, ", "))
	}
	changed := tx.files.Changed(tx.base)
	if len(changed) == 0 {
		return cur, nil
	}
	overlay := make(map[string][]byte, len(changed))
	for _, p := range changed {
		overlay[p] = tx.files.Text[p]
	}
	if err := a.rt.Check(overlay); err != nil {
		e := failf(http.StatusUnprocessableEntity, "%v", err)
		var pe *parser.Error
		if errors.As(err, &pe) && pe.Pos.File != "" {
			e.Pos = &pe.Pos
		}
		return 0, e
	}
	written, err := writeFiles(changed, tx.base, tx.files)
	if err == nil {
		err = writeVersion(main, cur+1)
	}
	if err == nil {
		if err = a.rt.Reload(); err != nil {
			err = fmt.Errorf("reload failed, the change was undone: %w", err)
		}
	}
	if err != nil {
		restoreFiles(written, tx.base)
		_ = writeVersion(main, cur)
		return 0, failf(http.StatusUnprocessableEntity, "%v", err)
	}
	return cur + 1, nil
}

// writeFiles writes the changed files, each after keeping its previous text
// as FILE.bak; it returns those written, for restoreFiles.
func writeFiles(changed []string, old, new *edit.Files) ([]string, error) {
	var written []string
	for _, p := range changed {
		mode := os.FileMode(0o644)
		if fi, err := os.Stat(p); err == nil {
			mode = fi.Mode().Perm()
		}
		if err := writeAtomic(p+".bak", old.Text[p], mode); err != nil {
			return written, err
		}
		if err := writeAtomic(p, new.Text[p], mode); err != nil {
			return written, err
		}
		written = append(written, p)
	}
	return written, nil
}

// restoreFiles puts the previous text of files back after a failed commit.
func restoreFiles(paths []string, old *edit.Files) {
	for _, p := range paths {
		mode := os.FileMode(0o644)
		if fi, err := os.Stat(p); err == nil {
			mode = fi.Mode().Perm()
		}
		_ = writeAtomic(p, old.Text[p], mode)
	}
}

// errorWithPos is the error body of a refused commit: the message, and the
// position gw -t named, as fields a program can use.
type errorWithPos struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
}

// fail answers err: an *apiError with its status, anything else as 500.
func (a *API) fail(r *request, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = failf(http.StatusInternalServerError, "%v", err)
	}
	if ae.Allow != "" {
		r.ctx.Response.Header.Set("Allow", ae.Allow)
	}
	if ae.Pos == nil {
		writeError(r.ctx, ae.Status, "%s", ae.Message)
		return
	}
	writeJSON(r.ctx, ae.Status, errorWithPos{Code: ae.Status, Message: ae.Message,
		File: ae.Pos.File, Line: ae.Pos.Line, Col: ae.Pos.Col})
}
