package location

import (
	"fmt"
	"testing"

	"github.com/gw-proxy/gw/conf"
)

// benchMatch runs one sub-benchmark per path and checks the winner first, so
// a benchmark never measures a wrong answer.
func benchMatch(b *testing.B, m *Matcher, cases [][3]string) {
	for _, c := range cases {
		path, want := []byte(c[1]), c[2]
		b.Run(c[0], func(b *testing.B) {
			if got := name(m.Match(path)); got != want {
				b.Fatalf("Match(%q) = %q, want %q", path, got, want)
			}
			b.ReportAllocs()
			for b.Loop() {
				m.Match(path)
			}
		})
	}
}

// BenchmarkMatch10 is a typical server: ten locations of every kind.
func BenchmarkMatch10(b *testing.B) {
	m := mustCompile(b, server(
		loc("/"), loc("= /"), loc("/api/"), loc("/api/v1/"), loc("^~ /static/"),
		loc("/admin/"), loc("= /health"), loc("~* \\.(png|jpg|css|js)$"),
		loc("~ ^/user/\\d+$"), loc("@fallback"),
	))
	benchMatch(b, m, [][3]string{
		{"exact", "/health", "= /health"},
		{"prefix-then-2-regexes", "/api/v1/orders/42", "/api/v1/"},
		{"stop-prefix", "/static/app.css", "^~ /static/"},
		{"case-insensitive-regex", "/img/logo.PNG", "~* \\.(png|jpg|css|js)$"},
	})
}

// BenchmarkMatch1000 has 1,000 prefix locations (every tenth one `^~`) and
// 50 regexes. A plain prefix hit still tests all 50 regexes, as nginx does;
// a `^~` hit skips them; the last case falls through to the last regex.
func BenchmarkMatch1000(b *testing.B) {
	var locs []*conf.Location
	for i := range 1000 {
		spec := fmt.Sprintf("/svc%03d/", i)
		if i%10 == 9 {
			spec = "^~ " + spec
		}
		locs = append(locs, loc(spec))
	}
	for i := range 50 {
		if i%2 == 0 {
			locs = append(locs, loc(fmt.Sprintf("~ ^/r%02d/.*\\.php$", i)))
		} else {
			locs = append(locs, loc(fmt.Sprintf("~ \\.ext%02d$", i)))
		}
	}
	m := mustCompile(b, server(locs...))
	benchMatch(b, m, [][3]string{
		{"late-stop-prefix", "/svc999/a/b/c.html", "^~ /svc999/"},
		{"late-prefix-then-50-regexes", "/svc998/a/b/c.html", "/svc998/"},
		{"falls-through-to-last-regex", "/other/a/b/c.ext49", "~ \\.ext49$"},
	})
}

// BenchmarkSelect picks a server among many names on one address.
func BenchmarkSelect(b *testing.B) {
	servers := namesConfig()
	for i := range 1000 {
		servers = append(servers, vhost(fmt.Sprint(i), []string{"80"}, fmt.Sprintf("host%d.example.net", i)))
	}
	r := mustRouter(b, servers...)
	for _, c := range [][3]string{
		{"exact", "host999.example.net", "999"},
		{"exact-upper-case-with-port", "Host999.Example.NET:8080", "999"},
		{"head-wildcard", "deep.sub.a.example.com", "star-longer"},
		{"tail-wildcard", "www.example.co.uk", "tail"},
		{"default-after-all-regexes", "api12.example.org.uk", "default"},
	} {
		host, want := []byte(c[1]), c[2]
		b.Run(c[0], func(b *testing.B) {
			if got := id(r.Select(0, wildcardIP, host)); got != want {
				b.Fatalf("Select(%q) = %q, want %q", host, got, want)
			}
			b.ReportAllocs()
			for b.Loop() {
				r.Select(0, wildcardIP, host)
			}
		})
	}
}

// BenchmarkMatchWrkScenario mirrors bench/'s many-locations scenario: 1,000
// prefixes, then 25 `^/rxNNNN/.+\.php$` and 25 case-insensitive
// `\.xNN(gif|jpe?g|png)$` regexes, none of which matches the late prefix
// hit, so all 50 are tested.
func BenchmarkMatchWrkScenario(b *testing.B) {
	var locs []*conf.Location
	for i := 0; i < 1000; i++ {
		locs = append(locs, loc(fmt.Sprintf("/l%04d/", i)))
	}
	for i := 0; i < 50; i++ {
		if i%2 == 0 {
			locs = append(locs, loc(fmt.Sprintf("~ ^/rx%04d/.+\\.php$", i)))
		} else {
			locs = append(locs, loc(fmt.Sprintf("~* \\.x%02d(gif|jpe?g|png)$", i)))
		}
	}
	m := mustCompile(b, server(locs...))
	path := []byte("/l0999/index.html")
	if got := name(m.Match(path)); got != "/l0999/" {
		b.Fatalf("matched %q", got)
	}
	b.ReportAllocs()
	for b.Loop() {
		m.Match(path)
	}
}
