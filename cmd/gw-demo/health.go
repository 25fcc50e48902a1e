package main

import (
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
)

// The demo's health endpoint is what gw's active checks probe: /health
// answers the status the demo was told to have (200 by default), and
// /health/set?code=503 changes it, so a test or a person trying `check`
// can make a backend fail and recover without stopping it.

// healthCode is the status /health answers.
type healthCode struct{ code atomic.Int64 }

func (h *healthCode) get() int { return int(h.code.Load()) }

// health answers a probe.
func (a *app) health(w http.ResponseWriter, _ *http.Request) {
	code := a.healthy.get()
	w.WriteHeader(code)
	fmt.Fprintf(w, "server: %s\nhealth: %d\n", a.name, code)
}

// setHealth changes what /health answers.
func (a *app) setHealth(w http.ResponseWriter, r *http.Request) {
	code, err := strconv.Atoi(r.URL.Query().Get("code"))
	if err != nil || code < 100 || code > 999 {
		http.Error(w, "want ?code=NNN", http.StatusBadRequest)
		return
	}
	a.healthy.code.Store(int64(code))
	fmt.Fprintf(w, "server: %s\nhealth: %d\n", a.name, code)
}
