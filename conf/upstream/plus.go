package upstream

import (
	"strings"
	"time"

	"github.com/gw-proxy/gw/conf/sticky"
	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// nginx Plus's `sticky` directive, so that nginx Plus configurations load:
//
//	sticky cookie NAME [expires=TIME|max] [domain=D] [httponly] [samesite=strict|lax|none] [secure] [path=P];
//	sticky route $VARIABLE ...;
//	sticky learn create=$VARIABLE lookup=$VARIABLE zone=NAME:SIZE [timeout=TIME] [header] [sync];
//
// sticky cookie is a spelling of session_sticky's cookie insertion (the
// same engine, conf/sticky.Config); route and learn are Route and Learn.

// Learn is `sticky learn`: sessions the backend creates, learned from the
// response and found again from the request.
type Learn struct {
	Pos parser.Pos
	// Create and Lookup are the create= and lookup= values, in order: the
	// first non-empty one is the session id.
	Create, Lookup []*vars.Template
	Zone           string        // the zone's name, unique among the upstreams
	Size           int64         // the zone's size in bytes
	Timeout        time.Duration // a session unused this long is forgotten; nginx Plus's 10m
	// Header: learn when the response header arrives. gw always does (it
	// has the header before any byte of the body goes out); the flag is
	// kept for nginx Plus configurations.
	Header bool
	// Sync is nginx Plus's zone_sync replication: accepted, and nothing
	// more; gw shares a table through sticky_store.
	Sync bool
}

// sessionsPerMegabyte is how many sessions a zone holds per megabyte: the
// figure nginx Plus documents for 64-bit platforms, so that a zone of the
// same size holds as many sessions in gw.
const sessionsPerMegabyte = 4000

// defaultLearnTimeout is nginx Plus's default for timeout=.
const defaultLearnTimeout = 10 * time.Minute

// Capacity returns how many sessions the zone holds.
func (l *Learn) Capacity() int { return int(max(l.Size*sessionsPerMegabyte>>20, 1)) }

// Store is sticky_store: the Redis that shares an upstream's learned
// sessions with the other gw of a fleet.
type Store struct {
	Pos     parser.Pos
	URL     string        // redis://[user:pass@]host:port/db (rediss:// with TLS)
	Prefix  string        // of the keys; "gw:sticky:" by default
	Timeout time.Duration // the longest wait for one call; 100ms by default
}

// SetStore reads `sticky_store URL [prefix=P] [timeout=TIME]`.
func (u *Config) SetStore(d *parser.Directive) error {
	st := &Store{Pos: d.Pos, URL: d.Args[0].Value, Prefix: "gw:sticky:", Timeout: 100 * time.Millisecond}
	if !strings.HasPrefix(st.URL, "redis://") && !strings.HasPrefix(st.URL, "rediss://") {
		return parser.Errorf(d.Args[0].Pos, "invalid parameter %q", st.URL)
	}
	for _, a := range d.Args[1:] {
		k, v, _ := strings.Cut(a.Value, "=")
		ok := true
		switch k {
		case "prefix":
			st.Prefix = v
		case "timeout":
			st.Timeout, ok = value.Time(v)
			ok = ok && st.Timeout > 0
		default:
			ok = false
		}
		if !ok {
			return parser.Errorf(a.Pos, "invalid parameter %q", a.Value)
		}
	}
	u.Store = st
	return nil
}

// Route is `sticky route`: the request names its server.
type Route struct {
	Pos parser.Pos
	// Vars are the variables, in order: the first non-empty value is
	// compared with the servers' route= (or, for a server without one,
	// the MD5 of its address, as nginx Plus).
	Vars []*vars.Template
}

// SetStickyPlus reads nginx Plus's sticky directive. One sticky or
// session_sticky per upstream: a second is nginx's duplicate error.
func (u *Config) SetStickyPlus(d *parser.Directive, template value.Templater) error {
	if u.Sticky != nil || u.Learn != nil || u.Route != nil {
		return parser.Errorf(d.Pos, "%q directive is duplicate", d.Name)
	}
	if template == nil {
		template = value.Template
	}
	switch d.Args[0].Value {
	case "cookie":
		return u.readStickyCookie(d)
	case "route":
		return u.readStickyRoute(d, template)
	case "learn":
		return u.readStickyLearn(d, template)
	}
	return parser.Errorf(d.Args[0].Pos, "invalid parameter %q", d.Args[0].Value)
}

// readStickyCookie reads `sticky cookie` into a session_sticky
// configuration: cookie insertion, option=direct (the backend sees the
// cookie, as under nginx Plus), fallback on, the server's route= as its
// value where it has one (Config.RouteValues), else the MD5 of its
// address, nginx Plus's value and Tengine's.
func (u *Config) readStickyCookie(d *parser.Directive) error {
	if len(d.Args) < 2 {
		return parser.Errorf(d.Pos, "invalid number of arguments in %q directive", d.Name)
	}
	s := sticky.DefaultConfig()
	s.Pos, s.Cookie, s.Path, s.RouteValues = d.Pos, d.Args[1].Value, "", true
	if !isCookieValue(s.Cookie) || strings.Contains(s.Cookie, "=") {
		return parser.Errorf(d.Args[1].Pos, "invalid parameter %q", s.Cookie)
	}
	for _, a := range d.Args[2:] {
		k, v, _ := strings.Cut(a.Value, "=")
		ok := true
		switch k {
		case "expires":
			if v == "max" {
				s.MaxAge = sticky.ExpiresMax
			} else {
				s.MaxAge, ok = value.Seconds(v)
				ok = ok && s.MaxAge > 0
			}
		case "domain":
			s.Domain, ok = v, isCookieValue(v)
		case "path":
			s.Path, ok = v, isCookieValue(v)
		case "samesite":
			switch strings.ToLower(v) {
			case "strict":
				s.SameSite = "Strict"
			case "lax":
				s.SameSite = "Lax"
			case "none":
				s.SameSite = "None"
			default:
				ok = false // [gw] a $variable is not taken
			}
		case "httponly":
			s.HTTPOnly, ok = true, a.Value == k
		case "secure":
			s.Secure, ok = true, a.Value == k
		default:
			ok = false
		}
		if !ok {
			return parser.Errorf(a.Pos, "invalid parameter %q", a.Value)
		}
	}
	u.Sticky = &s
	return nil
}

// readStickyRoute reads `sticky route $VARIABLE ...`.
func (u *Config) readStickyRoute(d *parser.Directive, template value.Templater) error {
	if len(d.Args) < 2 {
		return parser.Errorf(d.Pos, "invalid number of arguments in %q directive", d.Name)
	}
	r := &Route{Pos: d.Pos}
	for _, a := range d.Args[1:] {
		t, err := template(a)
		if err != nil {
			return err
		}
		r.Vars = append(r.Vars, t)
	}
	u.Route = r
	return nil
}

// readStickyLearn reads `sticky learn`.
func (u *Config) readStickyLearn(d *parser.Directive, template value.Templater) error {
	l := &Learn{Pos: d.Pos, Timeout: defaultLearnTimeout}
	for _, a := range d.Args[1:] {
		k, v, _ := strings.Cut(a.Value, "=")
		var err error
		ok := true
		switch k {
		case "create", "lookup":
			var t *vars.Template
			at := parser.Arg{Pos: a.Pos, Value: v}
			at.Pos.Col += len(k) + 1
			if t, err = template(at); err != nil {
				return err
			}
			if k == "create" {
				l.Create = append(l.Create, t)
			} else {
				l.Lookup = append(l.Lookup, t)
			}
		case "zone":
			name, size, found := strings.Cut(v, ":")
			l.Zone = name
			l.Size, ok = value.Size(size)
			ok = ok && found && name != ""
			if ok && l.Size < 8<<12 {
				return parser.Errorf(a.Pos, "zone %q is too small in %q directive", name, d.Name)
			}
		case "timeout":
			l.Timeout, ok = value.Seconds(v)
			ok = ok && l.Timeout > 0
		case "header":
			l.Header, ok = true, a.Value == k
		case "sync":
			l.Sync, ok = true, a.Value == k
		default:
			ok = false
		}
		if !ok {
			return parser.Errorf(a.Pos, "invalid parameter %q", a.Value)
		}
	}
	switch {
	case len(l.Create) == 0:
		return parser.Errorf(d.Pos, "\"create\" parameter is missing in %q directive", d.Name)
	case len(l.Lookup) == 0:
		return parser.Errorf(d.Pos, "\"lookup\" parameter is missing in %q directive", d.Name)
	case l.Zone == "":
		return parser.Errorf(d.Pos, "\"zone\" parameter is missing in %q directive", d.Name)
	}
	u.Learn = l
	return nil
}
