package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

// sessionCookie is the application's own session cookie, named as PHP names
// it: gw must carry it untouched while adding its own persistence cookie.
const sessionCookie = "PHPSESSID"

// app is the demo application: a name and a table of visit counters.
type app struct {
	name string
	mux  *http.ServeMux

	healthy healthCode // what /health answers

	mu       sync.Mutex
	sessions map[string]int
}

func newApp(name string) *app {
	a := &app{name: name, sessions: map[string]int{}, mux: http.NewServeMux()}
	a.healthy.code.Store(http.StatusOK)
	a.mux.HandleFunc("/health", a.health)
	a.mux.HandleFunc("/health/set", a.setHealth)
	a.mux.HandleFunc("/echo", a.echo)
	a.mux.HandleFunc("/slow", a.slow)
	a.mux.HandleFunc("/status", a.status)
	a.mux.HandleFunc("/set-cookie", a.setCookie)
	a.mux.HandleFunc("/bytes", a.bytesHandler)
	a.mux.HandleFunc("/upload", a.upload)
	a.mux.HandleFunc("/ws", a.websocket)
	a.mux.HandleFunc("/", a.page)
	return a
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Backend", a.name)
	a.mux.ServeHTTP(w, r)
}

// page is the classic demo page: who answered, which session, which visit.
func (a *app) page(w http.ResponseWriter, r *http.Request) {
	id, visits := a.visit(w, r)
	// The session id in a header too, as APIs without cookies send it
	// (sticky learn create=$upstream_http_x_session).
	w.Header().Set("X-Session", id)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "server: %s\nsession: %s\nvisits: %d\nuri: %s\n", a.name, id, visits, r.RequestURI)
}

// visit counts one visit of the caller's session, creating the session (and
// its cookie) when the request carries none this server knows.
func (a *app) visit(w http.ResponseWriter, r *http.Request) (string, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, err := r.Cookie(sessionCookie); err == nil {
		if n, ok := a.sessions[c.Value]; ok {
			a.sessions[c.Value] = n + 1
			return c.Value, n + 1
		}
	}
	if id := r.Header.Get("X-Session"); id != "" {
		if n, ok := a.sessions[id]; ok {
			a.sessions[id] = n + 1
			return id, n + 1
		}
	}
	id := newSessionID()
	a.sessions[id] = 1
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/"})
	return id, 1
}

func newSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// echo shows the request as the backend received it, so tests can check what
// gw forwarded (headers, cookies, URI byte for byte).
func (a *app) echo(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "server: %s\nmethod: %s\nuri: %s\nproto: %s\nhost: %s\n", a.name, r.Method, r.RequestURI, r.Proto, r.Host)
	names := make([]string, 0, len(r.Header))
	for k := range r.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range r.Header[k] {
			fmt.Fprintf(w, "header %s: %s\n", k, v)
		}
	}
}

func (a *app) slow(w http.ResponseWriter, r *http.Request) {
	ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
	select {
	case <-time.After(time.Duration(ms) * time.Millisecond):
	case <-r.Context().Done():
		return
	}
	fmt.Fprintf(w, "server: %s\nslept: %dms\n", a.name, ms)
}

func (a *app) status(w http.ResponseWriter, r *http.Request) {
	code, err := strconv.Atoi(r.URL.Query().Get("code"))
	if err != nil || code < 100 || code > 999 {
		code = http.StatusBadRequest
	}
	w.WriteHeader(code)
	fmt.Fprintf(w, "server: %s\nstatus: %d\n", a.name, code)
}

// setCookie lets a test make the backend send a Set-Cookie of its own (for
// session_sticky's rewrite, prefix and preserve behaviour).
func (a *app) setCookie(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v := q.Get("name") + "=" + q.Get("value")
	if attrs := q.Get("attrs"); attrs != "" {
		v += "; " + attrs
	}
	w.Header().Add("Set-Cookie", v)
	fmt.Fprintf(w, "server: %s\nset-cookie: %s\n", a.name, v)
}
