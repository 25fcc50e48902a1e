package logs

import (
	"fmt"
	"net"
	"strings"
)

// SyslogPrefix starts an error_log or access_log target that logs to a
// syslog server instead of a file: nginx's
// `syslog:server=ADDRESS[,facility=F][,severity=S][,tag=T][,nohostname]`.
const SyslogPrefix = "syslog:"

// Syslog is a parsed syslog target.
type Syslog struct {
	Network    string // "udp", or "unixgram" for server=unix:/path
	Addr       string // "ip:port" (514 by default) or the socket's path
	Facility   int    // RFC 3164's code; local7 by default
	Severity   int    // of access_log lines; error_log lines carry their own
	Tag        string // "gw" by default
	NoHostname bool
}

// syslogFacilities are nginx's facility names, in RFC 3164's order.
var syslogFacilities = []string{"kern", "user", "mail", "daemon", "auth", "intern", "lpr", "news",
	"uucp", "clock", "authpriv", "ftp", "ntp", "audit", "alert", "cron",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"}

// SyslogSeverity is the RFC 3164 severity of an error_log level.
func SyslogSeverity(l Level) int {
	switch l {
	case LevelEmerg:
		return 0
	case LevelAlert:
		return 1
	case LevelCrit:
		return 2
	case LevelError:
		return 3
	case LevelWarn:
		return 4
	case LevelNotice:
		return 5
	case LevelDebug:
		return 7
	}
	return 6 // info
}

// ParseSyslog reads a target that starts with SyslogPrefix, with nginx's
// defaults (facility local7, severity info, tag "gw" where nginx's is
// "nginx") and nginx's words for what it refuses.
func ParseSyslog(target string) (*Syslog, error) {
	s := &Syslog{Facility: 23, Severity: 6, Tag: "gw"}
	rest, _ := strings.CutPrefix(target, SyslogPrefix)
	for _, p := range strings.Split(rest, ",") {
		name, v, _ := strings.Cut(p, "=")
		switch name {
		case "server":
			if path, ok := strings.CutPrefix(v, "unix:"); ok {
				s.Network, s.Addr = "unixgram", path
				continue
			}
			s.Network, s.Addr = "udp", v
			if _, _, err := net.SplitHostPort(v); err != nil {
				s.Addr = net.JoinHostPort(strings.Trim(v, "[]"), "514")
			}
		case "facility":
			i := indexOf(syslogFacilities, v)
			if i < 0 {
				return nil, fmt.Errorf("unknown syslog facility %q", v)
			}
			s.Facility = i
		case "severity":
			if !isLevel(Level(v)) {
				return nil, fmt.Errorf("unknown syslog severity %q", v)
			}
			s.Severity = SyslogSeverity(Level(v))
		case "tag":
			if v == "" || len(v) > 32 || strings.IndexFunc(v, notTagRune) >= 0 {
				return nil, fmt.Errorf("syslog \"tag\" only allows alphanumeric characters and underscore, up to 32")
			}
			s.Tag = v
		case "nohostname":
			s.NoHostname = true
		default:
			return nil, fmt.Errorf("unknown syslog parameter %q", p)
		}
	}
	if s.Addr == "" {
		return nil, fmt.Errorf("no syslog server specified")
	}
	return s, nil
}

func notTagRune(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func isLevel(l Level) bool { return indexOf(levelNames(), string(l)) >= 0 }

func levelNames() []string {
	out := make([]string, len(levels))
	for i, l := range levels {
		out[i] = string(l)
	}
	return out
}
