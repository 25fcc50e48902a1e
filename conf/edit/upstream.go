package edit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gw-proxy/gw/parser"
)

// Upstream is an `upstream NAME { }` block of the http block: the
// directives this package manages in it. Its other directives
// (keepalive_timeout, queue, check_http_send...) are kept as written.
type Upstream struct {
	Name string `json:"name"`
	// Balancer is the balancer directive, name and arguments: "" (round
	// robin), "least_conn", "ip_hash", "random", "random two",
	// "hash $key", "hash $key consistent".
	Balancer string `json:"balancer,omitempty"`
	// Sticky tells whether the block has session_sticky, whose arguments
	// are SessionSticky: a bare `session_sticky;` is Sticky true with no
	// arguments. Writing SessionSticky with arguments implies Sticky.
	Sticky        bool     `json:"sticky,omitempty"`
	SessionSticky string   `json:"session_sticky,omitempty"`
	Keepalive     int      `json:"keepalive,omitempty"` // 0: no keepalive line
	Check         string   `json:"check,omitempty"`     // the check directive's arguments; "" none
	Servers       []Server `json:"servers"`
}

// balancers are the directives that choose an upstream's balancer.
var balancers = map[string]bool{"least_conn": true, "ip_hash": true, "hash": true, "random": true}

// upstreamOf is an upstream block with the directives the model manages.
type upstreamOf struct {
	dir                         *parser.Directive
	balancer, sticky, keepalive []*parser.Directive
	check, servers              []*parser.Directive
}

// upstreams returns the upstream blocks of the http block, in order.
func (d *doc) upstreams() []*upstreamOf {
	var out []*upstreamOf
	for _, dir := range d.httpBlock() {
		if dir.Name != "upstream" || !dir.IsBlock() || len(dir.Args) == 0 {
			continue
		}
		u := &upstreamOf{dir: dir}
		for _, c := range dir.Block {
			switch {
			case balancers[c.Name]:
				u.balancer = append(u.balancer, c)
			case c.Name == "session_sticky":
				u.sticky = append(u.sticky, c)
			case c.Name == "keepalive":
				u.keepalive = append(u.keepalive, c)
			case c.Name == "check":
				u.check = append(u.check, c)
			case c.Name == "server" && !c.IsBlock():
				u.servers = append(u.servers, c)
			}
		}
		out = append(out, u)
	}
	return out
}

// findUpstream returns the upstream called name (nginx compares names
// case-insensitively).
func (d *doc) findUpstream(name string) (*upstreamOf, error) {
	for _, u := range d.upstreams() {
		if strings.EqualFold(u.dir.Args[0].Value, name) {
			return u, nil
		}
	}
	return nil, fmt.Errorf("upstream %q %w", name, ErrNotFound)
}

// model reads the upstream; a kind written twice (which gw -t refuses)
// shows its first.
func (u *upstreamOf) model() Upstream {
	m := Upstream{Name: u.dir.Args[0].Value, Servers: []Server{}}
	if len(u.balancer) > 0 {
		b := u.balancer[0]
		m.Balancer = parser.Word(b.Name)
		if len(b.Args) > 0 {
			m.Balancer += " " + joinArgs(b.Args)
		}
	}
	if len(u.sticky) > 0 {
		m.Sticky, m.SessionSticky = true, joinArgs(u.sticky[0].Args)
	}
	if len(u.keepalive) > 0 {
		m.Keepalive = keepaliveOf(u.keepalive[0])
	}
	if len(u.check) > 0 {
		m.Check = joinArgs(u.check[0].Args)
	}
	for _, s := range u.servers {
		m.Servers = append(m.Servers, readServer(s))
	}
	nameServers(m.Servers)
	return m
}

// keepaliveOf reads keepalive's number; a value that is not one reads as 0.
func keepaliveOf(d *parser.Directive) int {
	if len(d.Args) != 1 {
		return 0
	}
	n, err := strconv.Atoi(d.Args[0].Value)
	if err != nil {
		return 0
	}
	return n
}

// upstreamItems are the directives u should have, kind by kind, in the
// order a new block writes them.
type upstreamItems struct {
	balancer, servers, sticky, keepalive, check []item
}

// items checks u and returns its directives.
func (u *Upstream) items() (*upstreamItems, error) {
	if err := wordOK("name", u.Name); err != nil {
		return nil, err
	}
	if strings.Contains(u.Name, "/") {
		return nil, invalid("name", `must not contain "/"`)
	}
	var it upstreamItems
	if u.Balancer != "" {
		w, err := splitArgs("balancer", u.Balancer)
		if err != nil {
			return nil, err
		}
		if len(w) == 0 || !balancers[w[0]] {
			return nil, invalid("balancer", "must start with least_conn, ip_hash, hash or random")
		}
		it.balancer = []item{{key: key(w...), text: line(w[0], w[1:]...)}}
	}
	sticky, err := splitArgs("session_sticky", u.SessionSticky)
	if err != nil {
		return nil, err
	}
	if u.Sticky || len(sticky) > 0 {
		it.sticky = []item{{key: key(sticky...), text: line("session_sticky", sticky...)}}
	}
	if u.Keepalive < 0 {
		return nil, invalid("keepalive", "must not be negative")
	}
	if u.Keepalive > 0 {
		n := strconv.Itoa(u.Keepalive)
		it.keepalive = []item{{key: n, text: line("keepalive", n)}}
	}
	check, err := splitArgs("check", u.Check)
	if err != nil {
		return nil, err
	}
	if len(check) > 0 { // check takes arguments: blanks mean none
		it.check = []item{{key: key(check...), text: line("check", check...)}}
	}
	for i := range u.Servers {
		if err := u.Servers[i].check(fmt.Sprintf("servers[%d].", i)); err != nil {
			return nil, err
		}
		it.servers = append(it.servers, u.Servers[i].item())
	}
	return &it, nil
}

// text writes a new upstream block.
func (it *upstreamItems) text(name string) string {
	var lines []string
	for _, kind := range [][]item{it.balancer, it.servers, it.sticky, it.keepalive, it.check} {
		for _, i := range kind {
			lines = append(lines, i.text)
		}
	}
	return block(head("upstream", name), lines)
}

// writeUpstream makes block u say it: each managed kind synced in the order a new
// block writes them, so that a kind the block lacks goes after the kinds
// before it.
func (p *patch) writeUpstream(u *upstreamOf, it *upstreamItems) {
	cur := &cursor{block: u.dir}
	p.sync(u.balancer, balancerKeys(u.balancer), it.balancer, cur)
	p.sync(u.servers, serverKeys(u.servers), it.servers, cur)
	p.sync(u.sticky, argKeys(u.sticky), it.sticky, cur)
	p.sync(u.keepalive, keepaliveKeys(u.keepalive), it.keepalive, cur)
	p.sync(u.check, argKeys(u.check), it.check, cur)
}

// The comparison keys of written directives, computed as items computes
// them for the model they read as.

func argKeys(ds []*parser.Directive) []string {
	keys := make([]string, len(ds))
	for i, d := range ds {
		keys[i] = key(values(d.Args)...)
	}
	return keys
}

func balancerKeys(ds []*parser.Directive) []string {
	keys := make([]string, len(ds))
	for i, d := range ds {
		keys[i] = key(append([]string{d.Name}, values(d.Args)...)...)
	}
	return keys
}

func keepaliveKeys(ds []*parser.Directive) []string {
	keys := make([]string, len(ds))
	for i, d := range ds {
		keys[i] = strconv.Itoa(keepaliveOf(d))
	}
	return keys
}

func serverKeys(ds []*parser.Directive) []string {
	keys := make([]string, len(ds))
	for i, d := range ds {
		s := readServer(d)
		keys[i] = s.item().key
	}
	return keys
}
