package api

import (
	"crypto/rand"
	"encoding/hex"
	"sort"
	"sync"
	"time"

	"github.com/gw-proxy/gw/conf/edit"
)

// transaction is a group of configuration changes committed at once, the
// Data Plane API's transaction: it starts from the files at one version,
// collects changes in its own copy of them (so transactions never see each
// other's changes), and is committed or discarded as a whole.
type transaction struct {
	ID      string    `json:"id"`
	Version int64     `json:"_version"` // the version it was started from
	Status  string    `json:"status"`   // in_progress; a committed or discarded transaction is forgotten
	User    string    `json:"user,omitempty"`
	Started time.Time `json:"started"`
	Expires time.Time `json:"expires"`
	Changes []string  `json:"changes"` // what was changed, in order, as the audit log says it

	base  *edit.Files // the files as read when it started
	files *edit.Files // base with the changes applied

	// mu serialises the requests working on the transaction; done is set
	// under it once the transaction is committed or discarded, so that a
	// change that waited for the lock is not applied to a forgotten copy.
	mu   sync.Mutex
	done bool
}

// transactions holds the open transactions of one API. A transaction that
// is neither committed nor discarded within the timeout is dropped, so a
// crashed client cannot keep a copy of the configuration alive forever.
type transactions struct {
	mu   sync.Mutex
	open map[string]*transaction
}

// newTransactionID returns a random id, unguessable so that one client
// cannot commit or read another's work by counting.
func newTransactionID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// add opens a transaction on files read at version v.
func (ts *transactions) add(v int64, files *edit.Files, user string, timeout time.Duration, now time.Time) *transaction {
	tx := &transaction{ID: newTransactionID(), Version: v, Status: "in_progress", User: user,
		Started: now, Expires: now.Add(timeout), Changes: []string{}, base: files, files: files.Clone()}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.expireLocked(now)
	if ts.open == nil {
		ts.open = map[string]*transaction{}
	}
	ts.open[tx.ID] = tx
	return tx
}

// get returns the open transaction id, nil when there is none (never was,
// committed, discarded or expired).
func (ts *transactions) get(id string, now time.Time) *transaction {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.expireLocked(now)
	return ts.open[id]
}

// remove forgets a transaction (committed or discarded).
func (ts *transactions) remove(id string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	delete(ts.open, id)
}

// list returns the open transactions, oldest first.
func (ts *transactions) list(now time.Time) []*transaction {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.expireLocked(now)
	out := make([]*transaction, 0, len(ts.open))
	for _, tx := range ts.open {
		out = append(out, tx)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Started.Before(out[j].Started) })
	return out
}

func (ts *transactions) expireLocked(now time.Time) {
	for id, tx := range ts.open {
		if !now.Before(tx.Expires) {
			delete(ts.open, id)
		}
	}
}
