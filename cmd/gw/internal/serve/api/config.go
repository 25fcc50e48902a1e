package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/gw-proxy/gw/conf/edit"
)

// serveConfig answers /api/v1/configuration/... (the configuration as
// resources: upstreams and their servers, server blocks and their
// locations, and its version) and /api/v1/transactions/....
//
// A read sees the files on disk, or a transaction's copy with
// ?transaction_id=. A write names what it was based on: ?version=N (it is
// then checked, written and served at once, as a transaction of one
// change; a stale N gets 409) or ?transaction_id= (it joins the
// transaction, and nothing is checked, written or served before the
// commit). A write with neither gets 400: silently overwriting whatever
// another operator just committed is what versions are for.
func (a *API) serveConfig(r *request) {
	if r.path[0] == "transactions" {
		a.serveTransactions(r)
		return
	}
	res := r.path[1:]
	if len(res) == 0 {
		if !r.allow("GET", "HEAD") {
			return
		}
		v, err := readVersion(a.mainFile())
		if err != nil {
			a.fail(r, failf(http.StatusInternalServerError, "%v", err))
			return
		}
		writeJSON(r.ctx, http.StatusOK, configIndex{Version: v, File: a.mainFile(), Resources: []string{
			Prefix + "configuration/version", Prefix + "configuration/upstreams", Prefix + "configuration/servers"}})
		return
	}
	if len(res) == 1 && res[0] == "version" {
		if !r.allow("GET") {
			return
		}
		v, err := readVersion(a.mainFile())
		if err != nil {
			a.fail(r, failf(http.StatusInternalServerError, "%v", err))
			return
		}
		writeJSON(r.ctx, http.StatusOK, map[string]int64{"version": v})
		return
	}
	op, perr := route(res, r.method)
	if perr != nil {
		a.fail(r, perr)
		return
	}
	var body []byte
	if op.write && r.method != "DELETE" {
		var ok bool
		if body, ok = jsonBody(r); !ok {
			return
		}
	}
	tx, implicit, err := a.txFor(r, op.write)
	if err != nil {
		a.fail(r, err)
		return
	}
	if tx != nil {
		tx.mu.Lock()
		defer tx.mu.Unlock()
		if tx.done {
			a.fail(r, failf(http.StatusNotFound, "transaction %q not found (committed, discarded or expired)", tx.ID))
			return
		}
	}
	files := tx.filesOrNil()
	if files == nil {
		if files, err = a.read(); err != nil {
			a.fail(r, err)
			return
		}
	}
	out, change, err := op.run(files, body)
	if err != nil {
		a.fail(r, mapEditError(err))
		return
	}
	version := tx.versionOr(0)
	if op.write {
		if implicit {
			v, err := a.commit(tx)
			if err != nil {
				var ae *apiError
				if errors.As(err, &ae) && ae.Status == http.StatusNotAcceptable {
					ae.Status = http.StatusConflict // another write came first: a plain version mismatch
				}
				a.fail(r, err)
				return
			}
			a.audit(r, "%s: version %d -> %d", change, tx.Version, v)
			version = v
		} else {
			tx.Changes = append(tx.Changes, change)
			a.audit(r, "%s in transaction %s", change, tx.ID)
		}
	}
	if version == 0 {
		version, _ = readVersion(a.mainFile())
	}
	r.ctx.Response.Header.Set("Configuration-Version", strconv.FormatInt(version, 10))
	switch {
	case out == nil:
		r.ctx.SetStatusCode(http.StatusNoContent)
	case r.method == "POST":
		writeJSON(r.ctx, http.StatusCreated, out)
	default:
		writeJSON(r.ctx, http.StatusOK, out)
	}
}

// txFor returns the transaction a request works in: the one it names, a
// fresh one-change transaction for a write with ?version= (implicit), or
// none for a plain read.
func (a *API) txFor(r *request, write bool) (tx *transaction, implicit bool, err error) {
	args := r.ctx.QueryArgs()
	if id := string(args.Peek("transaction_id")); id != "" {
		tx = a.txs.get(id, a.now())
		if tx == nil {
			return nil, false, failf(http.StatusNotFound, "transaction %q not found (committed, discarded or expired)", id)
		}
		return tx, false, nil
	}
	if !write {
		return nil, false, nil
	}
	raw := string(args.Peek("version"))
	if raw == "" {
		return nil, false, failf(http.StatusBadRequest, "a change needs ?version=N (the version it is based on) or ?transaction_id=ID")
	}
	v, perr := strconv.ParseInt(raw, 10, 64)
	if perr != nil || v < 1 {
		return nil, false, failf(http.StatusBadRequest, "version %q: not a version", raw)
	}
	cur, err := readVersion(a.mainFile())
	if err != nil {
		return nil, false, failf(http.StatusInternalServerError, "%v", err)
	}
	if v != cur {
		return nil, false, failf(http.StatusConflict, "version mismatch: the change is based on version %d, the configuration is at %d", v, cur)
	}
	files, err := a.read()
	if err != nil {
		return nil, false, err
	}
	return &transaction{ID: "", Version: cur, base: files, files: files.Clone()}, true, nil
}

// filesOrNil is the files a request works on within tx, nil without one.
func (tx *transaction) filesOrNil() *edit.Files {
	if tx == nil {
		return nil
	}
	return tx.files
}

// versionOr is the version tx started from, or v without a transaction.
func (tx *transaction) versionOr(v int64) int64 {
	if tx == nil {
		return v
	}
	return tx.Version
}

// read reads the configuration files as they are on disk now.
func (a *API) read() (*edit.Files, error) {
	cfg := a.rt.Config()
	f, err := edit.Read(cfg.File, cfg.Prefix)
	if err != nil {
		return nil, failf(http.StatusInternalServerError, "reading the configuration: %v", err)
	}
	return f, nil
}

func (a *API) mainFile() string { return a.rt.Config().File }

// mapEditError turns conf/edit's errors into answers.
func mapEditError(err error) error {
	var inv *edit.Invalid
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, edit.ErrNotFound):
		return failf(http.StatusNotFound, "%v", err)
	case errors.Is(err, edit.ErrExists), errors.Is(err, edit.ErrShared):
		return failf(http.StatusConflict, "%v", err)
	case errors.As(err, &inv):
		return failf(http.StatusBadRequest, "%v", err)
	}
	return failf(http.StatusInternalServerError, "%v", err)
}

// jsonBody is the body of a write, checked to be JSON (415 for another
// type, 400 for none or bad JSON); the op decodes it into its resource.
func jsonBody(r *request) ([]byte, bool) {
	var raw json.RawMessage
	if !readJSON(r, &raw) {
		return nil, false
	}
	return raw, true
}

// configIndex is GET /api/v1/configuration: where the configuration is,
// its version, and its resources.
type configIndex struct {
	Version   int64    `json:"version"`
	File      string   `json:"file"`
	Resources []string `json:"resources"`
}
