package api

import (
	"errors"
	"time"

	"net/http"
	"strconv"
	"strings"

	"github.com/gw-proxy/gw/conf/edit"
	"github.com/gw-proxy/gw/conf/pages"
)

// serveTransactions answers /api/v1/transactions: list and open (POST
// ?version=N), and per id read (GET), commit (PUT) and discard (DELETE).
// A commit refused by gw -t's checks (422) leaves the transaction open,
// so the faulty change can be replaced and the commit tried again; one
// refused because another commit came first (406) can never succeed and
// is dropped.
func (a *API) serveTransactions(r *request) {
	switch len(r.path) {
	case 1:
		switch r.method {
		case "GET":
			writeJSON(r.ctx, http.StatusOK, a.txs.list(a.now()))
		case "POST":
			a.openTransaction(r)
		default:
			a.fail(r, &apiError{Status: http.StatusMethodNotAllowed, Allow: "GET, POST", Message: "method " + r.method + " not allowed here"})
		}
		return
	case 2:
	default:
		a.fail(r, failf(http.StatusNotFound, "no such resource: /api/v1/%s", strings.Join(r.path, "/")))
		return
	}
	id := r.path[1]
	tx := a.txs.get(id, a.now())
	if tx == nil {
		a.fail(r, failf(http.StatusNotFound, "transaction %q not found (committed, discarded or expired)", id))
		return
	}
	switch r.method {
	case "GET":
		tx.mu.Lock()
		defer tx.mu.Unlock()
		writeJSON(r.ctx, http.StatusOK, tx)
	case "PUT":
		a.commitTransaction(r, tx)
	case "DELETE":
		tx.mu.Lock()
		tx.done = true
		tx.mu.Unlock()
		a.txs.remove(id)
		a.audit(r, "discarded transaction %s (%d changes)", id, len(tx.Changes))
		r.ctx.SetStatusCode(http.StatusNoContent)
	default:
		a.fail(r, &apiError{Status: http.StatusMethodNotAllowed, Allow: "GET, PUT, DELETE", Message: "method " + r.method + " not allowed here"})
	}
}

func (a *API) openTransaction(r *request) {
	raw := string(r.ctx.QueryArgs().Peek("version"))
	v, err := strconv.ParseInt(raw, 10, 64)
	if raw == "" || err != nil {
		a.fail(r, failf(http.StatusBadRequest, "a transaction starts from a version: ?version=N"))
		return
	}
	// Read the version and the files under the commit lock, so that they
	// belong together.
	a.commitMu.Lock()
	cur, verr := readVersion(a.mainFile())
	var ferr error
	var files *edit.Files
	if verr == nil && v == cur {
		files, ferr = a.read()
	}
	a.commitMu.Unlock()
	switch {
	case verr != nil:
		a.fail(r, failf(http.StatusInternalServerError, "%v", verr))
		return
	case v != cur:
		a.fail(r, failf(http.StatusConflict, "version mismatch: the transaction would start from version %d, the configuration is at %d", v, cur))
		return
	case ferr != nil:
		a.fail(r, ferr)
		return
	}
	tx := a.txs.add(cur, files, r.user, a.timeout(r), a.now())
	a.audit(r, "opened transaction %s at version %d", tx.ID, cur)
	writeJSON(r.ctx, http.StatusCreated, tx)
}

func (a *API) commitTransaction(r *request, tx *transaction) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.done {
		a.fail(r, failf(http.StatusNotFound, "transaction %q not found (committed, discarded or expired)", tx.ID))
		return
	}
	v, err := a.commit(tx)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.Status == http.StatusNotAcceptable {
			tx.done = true
			a.txs.remove(tx.ID)
		}
		a.fail(r, err)
		return
	}
	tx.done = true
	a.txs.remove(tx.ID)
	a.audit(r, "committed transaction %s (%s): version %d -> %d", tx.ID, strings.Join(tx.Changes, "; "), tx.Version, v)
	r.ctx.Response.Header.Set("Configuration-Version", strconv.FormatInt(v, 10))
	writeJSON(r.ctx, http.StatusOK, map[string]any{"id": tx.ID, "status": "success", "_version": v})
}

// timeout is how long a transaction of r's gw_api location may stay open.
func (a *API) timeout(r *request) time.Duration {
	if r.page != nil && r.page.TransactionTimeout > 0 {
		return r.page.TransactionTimeout
	}
	return pages.DefaultTransactionTimeout
}
