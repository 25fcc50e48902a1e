package serve

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/gw-proxy/gw/conf/logs"
	"github.com/gw-proxy/gw/upstream/transport"
)

// nginxLevels maps error_log levels to zerolog levels. nginx's crit, alert
// and emerg have no zerolog twin below Fatal (which exits), so they share
// Error: gw logs nothing at those levels except fatal start-up errors,
// which are also printed to stderr.
var nginxLevels = map[logs.Level]zerolog.Level{
	logs.LevelDebug:  zerolog.DebugLevel,
	logs.LevelInfo:   zerolog.InfoLevel,
	logs.LevelNotice: zerolog.InfoLevel,
	logs.LevelWarn:   zerolog.WarnLevel,
	logs.LevelError:  zerolog.ErrorLevel,
	logs.LevelCrit:   zerolog.ErrorLevel,
	logs.LevelAlert:  zerolog.ErrorLevel,
	logs.LevelEmerg:  zerolog.ErrorLevel,
}

// stderrLog is the error_log (and -e) name of the standard error stream.
const stderrLog = logs.Stderr

// logFile is an io.Writer over a file that can be reopened in place (USR1,
// logrotate) while other goroutines write to it.
type logFile struct {
	path string // stderrLog for the standard error stream
	mu   sync.Mutex
	f    *os.File
	sys  *syslogSender // for a syslog: target, instead of f
}

func openLogFile(path string) (*logFile, error) {
	if path == "" {
		path = stderrLog
	}
	l := &logFile{path: path}
	if strings.HasPrefix(path, logs.SyslogPrefix) {
		sys, err := newSyslogSender(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %s", path, transport.ErrnoText(err))
		}
		l.sys = sys
		return l, nil
	}
	return l, l.Reopen()
}

// Reopen opens the path again (after logrotate renamed it) and closes the
// old descriptor once the new one is in place, so no line is lost.
func (l *logFile) Reopen() error {
	if l.sys != nil {
		return l.sys.dial() // a unix socket's server may have restarted
	}
	if l.path == stderrLog {
		l.mu.Lock()
		l.f = os.Stderr
		l.mu.Unlock()
		return nil
	}
	// The directory is created when missing, as for the pid file.
	if err := os.MkdirAll(filepath.Dir(l.path), 0o755); err != nil {
		return fmt.Errorf("mkdir() %q failed (%s)", filepath.Dir(l.path), transport.ErrnoText(err))
	}
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("open() %q failed (%s)", l.path, transport.ErrnoText(err))
	}
	l.mu.Lock()
	old := l.f
	l.f = f
	l.mu.Unlock()
	if old != nil && old != os.Stderr {
		old.Close()
	}
	return nil
}

func (l *logFile) Write(p []byte) (int, error) {
	if l.sys != nil {
		return l.sys.send(l.sys.cfg.Severity, p)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Write(p)
}

// WriteLevel is zerolog's LevelWriter: an error-log line sent to syslog
// carries its own level as severity, as nginx's do.
func (l *logFile) WriteLevel(level zerolog.Level, p []byte) (int, error) {
	if l.sys != nil {
		sev, ok := zerologSeverity[level]
		if !ok {
			sev = l.sys.cfg.Severity
		}
		return l.sys.send(sev, p)
	}
	return l.Write(p)
}

// Close closes the file (never stderr).
func (l *logFile) Close() error {
	if l.sys != nil {
		return l.sys.close()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil && l.f != os.Stderr {
		return l.f.Close()
	}
	return nil
}

// newLogger builds gw's error logger: zerolog JSON lines with a time field.
func newLogger(w io.Writer, level logs.Level) zerolog.Logger {
	lvl, ok := nginxLevels[level]
	if !ok {
		lvl = zerolog.ErrorLevel // nginx's default error_log level
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger()
}

// zerolog's time format is a package variable that every logger reads
// while it writes: it is set once, before any logger exists, never while
// a reload builds a logger beside running ones.
func init() { zerolog.TimeFieldFormat = time.RFC3339Nano }
