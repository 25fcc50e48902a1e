package conf

import (
	"net/netip"

	"github.com/gw-proxy/gw/conf/names"
	"github.com/gw-proxy/gw/parser"
)

// defaultListen is where a server without listen is reachable: nginx's
// *:80 when it runs as root (nginx uses *:8000 otherwise; gw does not look
// at its user, so the configuration means the same for everybody).
var defaultListen = netip.AddrPortFrom(netip.IPv4Unspecified(), 80)

// serverBlock builds one server: a settings level below http, its block,
// then nginx's defaults for what the block left out.
func serverBlock(b *builder, d *parser.Directive) error {
	srv := &Server{Pos: d.Pos, Settings: &Settings{}}
	b.cfg.HTTP.Servers = append(b.cfg.HTTP.Servers, srv)
	b.server = srv
	pop := b.pushLevel(srv.Settings)
	defer func() { pop(); b.server = nil }()
	if err := b.walk(d.Block, ctxServer); err != nil {
		return err
	}
	if len(srv.Listens) == 0 {
		srv.Listens = []Listen{{Pos: d.Pos, Addr: defaultListen}}
	}
	if len(srv.Names) == 0 {
		// nginx's default server_name is "": $server_name is empty and
		// the server answers requests without a Host.
		srv.Names = []ServerName{{Pos: d.Pos, Kind: NameExact}}
	}
	srv.Name = names.Variable(srv.Names[0])
	for _, n := range srv.Names {
		if n.Regex != nil && n.Regex.NumSubexp() > 0 {
			srv.Capturing = true
		}
	}
	b.later(func() error { return checkLocations(srv.Locations) })
	return nil
}

// serverNameDirective adds names in the order written; the first is
// $server_name.
func serverNameDirective(b *builder, d *parser.Directive) error {
	for _, a := range d.Args {
		n, err := names.Parse(a)
		if err != nil {
			return err
		}
		b.server.Names = append(b.server.Names, n)
	}
	return nil
}
