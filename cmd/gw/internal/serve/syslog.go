package serve

import (
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/gw-proxy/gw/conf/logs"
)

// syslogSender sends log lines to a syslog server as nginx does: one
// datagram per line, RFC 3164's header `<PRI>Mmm dd hh:mm:ss HOST TAG: `
// before the line, over UDP or a unix datagram socket. A lost datagram is
// lost, as with nginx: logging never waits for a syslog server.
type syslogSender struct {
	cfg  *logs.Syslog
	host string

	mu   sync.Mutex
	conn net.Conn
	buf  []byte
}

// zerologSeverity maps the error log's levels to syslog severities.
var zerologSeverity = map[zerolog.Level]int{
	zerolog.DebugLevel: 7, zerolog.InfoLevel: 6, zerolog.WarnLevel: 4,
	zerolog.ErrorLevel: 3, zerolog.FatalLevel: 2, zerolog.PanicLevel: 0,
}

func newSyslogSender(target string) (*syslogSender, error) {
	cfg, err := logs.ParseSyslog(target)
	if err != nil {
		return nil, err
	}
	s := &syslogSender{cfg: cfg}
	if !cfg.NoHostname {
		s.host, _ = os.Hostname()
	}
	return s, s.dial()
}

// dial opens the socket; for UDP this only fixes the destination.
func (s *syslogSender) dial() error {
	c, err := net.Dial(s.cfg.Network, s.cfg.Addr)
	if err != nil {
		return err
	}
	s.mu.Lock()
	old := s.conn
	s.conn = c
	s.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}

// send writes line (its trailing newline dropped) at severity.
func (s *syslogSender) send(severity int, line []byte) (int, error) {
	n := len(line)
	if n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := append(s.buf[:0], '<')
	b = strconv.AppendInt(b, int64(s.cfg.Facility*8+severity), 10)
	b = append(b, '>')
	b = time.Now().AppendFormat(b, time.Stamp)
	b = append(b, ' ')
	if s.host != "" {
		b = append(b, s.host...)
		b = append(b, ' ')
	}
	b = append(b, s.cfg.Tag...)
	b = append(b, ": "...)
	b = append(b, line...)
	s.buf = b
	_, _ = s.conn.Write(b)
	return n, nil
}

func (s *syslogSender) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn.Close()
}
