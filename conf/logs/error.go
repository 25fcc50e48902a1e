package logs

import (
	"slices"
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// ErrorLog is where gw writes its own log lines and from which level on.
type ErrorLog struct {
	Path  string // absolute path, or Stderr
	Level Level
}

// Stderr is the log path that names the standard error stream, for
// error_log, access_log and -e.
const Stderr = "stderr"

// Level is an error_log level, as nginx spells it.
type Level string

// nginx's error_log levels, least severe first.
const (
	LevelDebug  Level = "debug"
	LevelInfo   Level = "info"
	LevelNotice Level = "notice"
	LevelWarn   Level = "warn"
	LevelError  Level = "error"
	LevelCrit   Level = "crit"
	LevelAlert  Level = "alert"
	LevelEmerg  Level = "emerg"
)

// DefaultLevel is error_log's level when none is written, nginx's.
const DefaultLevel = LevelError

// levels are nginx's error_log levels, least severe first.
var levels = []Level{LevelDebug, LevelInfo, LevelNotice, LevelWarn, LevelError, LevelCrit, LevelAlert, LevelEmerg}

// ParseError reads `error_log FILE|stderr|syslog:... [LEVEL]`; path
// resolves a file name against the prefix. nginx's memory: target (a
// debugging buffer) is refused: gw has none, and taking it for a file name
// would hide that.
func ParseError(d *parser.Directive, path func(string) string) (ErrorLog, error) {
	file := d.Args[0].Value
	if strings.HasPrefix(file, "memory:") {
		return ErrorLog{}, parser.Errorf(d.Args[0].Pos, "invalid parameter %q", file)
	}
	if strings.HasPrefix(file, SyslogPrefix) {
		if _, err := ParseSyslog(file); err != nil {
			return ErrorLog{}, parser.Errorf(d.Args[0].Pos, "%v", err)
		}
	} else if file != Stderr {
		file = path(file)
	}
	el := ErrorLog{Path: file, Level: DefaultLevel}
	if len(d.Args) == 2 {
		lv := Level(d.Args[1].Value)
		if !slices.Contains(levels, lv) {
			return ErrorLog{}, parser.Errorf(d.Args[1].Pos, "invalid log level %q", lv)
		}
		el.Level = lv
	}
	return el, nil
}
