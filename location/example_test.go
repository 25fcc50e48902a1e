package location_test

import (
	"fmt"
	"net/netip"
	"regexp"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/location"
)

// The three rules that surprise nginx users most: `=` wins outright, a
// regex beats the longest prefix, and `^~` keeps the regexes out.
func ExampleMatcher_Match() {
	srv := &conf.Server{Locations: []*conf.Location{
		{Modifier: conf.ModPrefix, Pattern: "/"},
		{Modifier: conf.ModExact, Pattern: "/"},
		{Modifier: conf.ModPrefixStop, Pattern: "/static/"},
		{Modifier: conf.ModRegexCI, Pattern: `\.png$`, Regex: regexp.MustCompile(`(?i)\.png$`)},
	}}
	m, err := location.Compile(srv)
	if err != nil {
		panic(err)
	}
	for _, p := range []string{"/", "/index.html", "/img/a.PNG", "/static/a.png"} {
		l := m.Match([]byte(p))
		fmt.Printf("%-14s -> location %v %s\n", p, l.Modifier, l.Pattern)
	}
	// Output:
	// /              -> location = /
	// /index.html    -> location  /
	// /img/a.PNG     -> location ~* \.png$
	// /static/a.png  -> location ^~ /static/
}

func ExampleRouter_Select() {
	addr := netip.MustParseAddrPort("0.0.0.0:80")
	a := &conf.Server{Listens: []conf.Listen{{Addr: addr}}, Names: []conf.ServerName{{Name: "a.test"}}}
	b := &conf.Server{Listens: []conf.Listen{{Addr: addr, DefaultServer: true}}, Names: []conf.ServerName{{Name: "*.b.test", Kind: conf.NameWildPrefix}}}
	r, err := location.NewRouter([]*conf.Server{a, b})
	if err != nil {
		panic(err)
	}
	local := netip.MustParseAddr("192.0.2.1") // from the accepted connection
	fmt.Println(r.Sockets()[0].Addr)
	fmt.Println(r.Select(0, local, []byte("A.Test:80")) == a)
	fmt.Println(r.Select(0, local, []byte("www.b.test")) == b)
	fmt.Println(r.Select(0, local, []byte("unknown")) == b)
	// Output:
	// 0.0.0.0:80
	// true
	// true
	// true
}
