package serve

import (
	"sync"

	"github.com/rs/zerolog"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/vars"
)

// The access log's JSON field names, fixed in one place so that log
// pipelines can rely on them.
const (
	fieldClient       = "client"
	fieldMethod       = "method"
	fieldURI          = "uri"
	fieldProto        = "proto"
	fieldHost         = "host"
	fieldStatus       = "status"
	fieldBytes        = "bytes"
	fieldRequestTime  = "request_time"
	fieldUpstreamAddr = "upstream_addr"
	fieldUpstreamStat = "upstream_status"
	fieldUpstreamTime = "upstream_time"
	fieldSticky       = "sticky"
)

// Templates for the JSON fields that nginx's variables already compute the
// way an operator expects (joined retries, "-" for none).
var (
	jsonUpstreamAddr = vars.MustParse("$upstream_addr")
	jsonUpstreamStat = vars.MustParse("$upstream_status")
	jsonUpstreamTime = vars.MustParse("$upstream_response_time")
	jsonRequestTime  = vars.MustParse("$request_time")
	jsonClient       = vars.MustParse("$remote_addr")
	jsonBytes        = vars.MustParse("$body_bytes_sent")
)

// accessWriter is one open access-log file and the zerolog logger that
// writes gw's JSON lines to it, built once rather than per line.
type accessWriter struct {
	file *logFile
	json zerolog.Logger
	refs int // runtimes using the file (under accessLogs.mu)
}

// accessLogs are the open access-log files, shared by every location that
// names the same path and kept across reloads that keep the path (and
// reopened on USR1); a file is closed when the last runtime naming it
// stops.
type accessLogs struct {
	mu    sync.Mutex
	files map[string]*accessWriter
}

// open returns the writer for path, opening it once, and counts one more
// user of it.
func (a *accessLogs) open(path string) (*accessWriter, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if w, ok := a.files[path]; ok {
		w.refs++
		return w, nil
	}
	f, err := openLogFile(path)
	if err != nil {
		return nil, err
	}
	if a.files == nil {
		a.files = map[string]*accessWriter{}
	}
	w := &accessWriter{file: f, json: zerolog.New(f), refs: 1}
	a.files[path] = w
	return w, nil
}

// release gives back a runtime's writers; a file nobody uses any more is
// closed.
func (a *accessLogs) release(byPath map[string]*accessWriter) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for path, w := range byPath {
		if w.refs--; w.refs == 0 {
			delete(a.files, path)
			w.file.Close()
		}
	}
}

// reopen reopens every file (USR1).
func (a *accessLogs) reopen() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, w := range a.files {
		if err := w.file.Reopen(); err != nil {
			return err
		}
	}
	return nil
}

// writers opens the file of every access_log in cfg, so a path that cannot
// be opened fails start-up or reload instead of the first request, and
// returns them by path for a runtime: a map that is never written again,
// read per request without a lock.
func (a *accessLogs) writers(cfg *conf.Config) (map[string]*accessWriter, error) {
	byPath := map[string]*accessWriter{}
	var err error
	eachSettings(cfg, func(st *conf.Settings) {
		for _, l := range st.AccessLogs {
			if _, done := byPath[l.Path]; done || err != nil {
				continue
			}
			var w *accessWriter
			if w, err = a.open(l.Path); err == nil {
				byPath[l.Path] = w
			}
		}
	})
	if err != nil {
		a.release(byPath)
		return nil, err
	}
	return byPath, nil
}

// logAccess writes one line per configured access_log of the settings that
// answered the request. Without a log_format the line is gw's JSON,
// written by zerolog with the field names above, where nginx would write
// its combined format: log pipelines then get named fields without a
// format to parse. With a log_format, the format's text with its escaping,
// as nginx writes it.
func (x *exchange) logAccess() {
	for i := range x.st.AccessLogs {
		l := &x.st.AccessLogs[i]
		if l.If != nil {
			x.buf = l.If.Append(x.buf[:0], &x.vars)
			if len(x.buf) == 0 || (len(x.buf) == 1 && x.buf[0] == '0') {
				continue
			}
		}
		w := x.rt.logs[l.Path]
		if w == nil {
			continue // none under benchmarks that build a runtime by hand
		}
		if l.Format == nil {
			x.logJSON(w)
			continue
		}
		x.buf = l.Format.Format.AppendEscaped(x.buf[:0], &x.vars, l.Format.Escape)
		x.buf = append(x.buf, '\n')
		_, _ = w.file.Write(x.buf)
	}
}

// eval evaluates t into the exchange's scratch buffer.
func (x *exchange) eval(t *vars.Template) []byte {
	x.buf = t.Append(x.buf[:0], &x.vars)
	return x.buf
}

// logJSON writes the default JSON line through zerolog. zerolog copies each
// value into its event buffer at once, so one scratch buffer serves every
// field.
func (x *exchange) logJSON(w *accessWriter) {
	req := &x.ctx.Request
	ev := w.json.Log().Timestamp()
	ev.Bytes(fieldClient, x.eval(jsonClient))
	ev.Bytes(fieldMethod, req.Header.Method())
	ev.Bytes(fieldURI, req.Header.RequestURI())
	ev.Bytes(fieldProto, req.Header.Protocol())
	ev.Bytes(fieldHost, req.Header.Host())
	ev.Int(fieldStatus, x.ctx.Response.StatusCode())
	ev.RawJSON(fieldBytes, x.eval(jsonBytes))
	ev.RawJSON(fieldRequestTime, x.eval(jsonRequestTime))
	if len(x.vars.Upstream) > 0 {
		ev.Bytes(fieldUpstreamAddr, x.eval(jsonUpstreamAddr))
		ev.Bytes(fieldUpstreamStat, x.eval(jsonUpstreamStat))
		ev.Bytes(fieldUpstreamTime, x.eval(jsonUpstreamTime))
	}
	if len(x.vars.StickyStatus) > 0 {
		ev.Bytes(fieldSticky, x.vars.StickyStatus)
	}
	ev.Send()
}
