package access

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf/internal/conftest"
	"github.com/gw-proxy/gw/parser"
)

// warnings collects what a reader reports through Env.Warn.
type warnings []string

func (w *warnings) env() Env {
	return Env{
		Path: func(name string) string { return name },
		Warn: func(pos parser.Pos, format string, args ...any) {
			*w = append(*w, fmt.Sprintf(format, args...)+" in "+pos.String())
		},
	}
}

// level applies directives, one a line, to a copy of parent as conf's
// merge does, and fails the test on an error.
func level(t *testing.T, parent Settings, lines ...string) Settings {
	t.Helper()
	s := parent
	s.StartLevel()
	var w warnings
	for _, line := range lines {
		d := conftest.Directive(t, line)
		read := map[string]Reader{"allow": ReadRule, "deny": ReadRule, "auth_basic": ReadRealm,
			"auth_basic_user_file": ReadUserFile, "satisfy": ReadSatisfy}[d.Name]
		apply, err := read(d, w.env())
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		apply(&s)
	}
	return s
}

func TestReadRule(t *testing.T) {
	tests := []struct {
		arg    string
		family Family
		prefix string // "" for all and unix:
		warn   bool
	}{
		{"all", All, "", false},
		{"unix:", Unix, "", false},
		{"192.0.2.1", IPv4, "192.0.2.1/32", false},
		{"192.0.2.0/24", IPv4, "192.0.2.0/24", false},
		{"192.0.2.1/24", IPv4, "192.0.2.0/24", true},
		{"0.0.0.0/0", IPv4, "0.0.0.0/0", false},
		{"10.1.2.3/0", IPv4, "0.0.0.0/0", true},
		{"010.0.0.1", IPv4, "10.0.0.1/32", false}, // ngx_inet_addr reads decimal
		{"255.255.255.255", IPv4, "255.255.255.255/32", false},
		{"2001:db8::1", IPv6, "2001:db8::1/128", false},
		{"2001:db8::/32", IPv6, "2001:db8::/32", false},
		{"2001:db8::1/32", IPv6, "2001:db8::/32", true},
		{"::/0", IPv6, "::/0", false},
		{"::ffff:192.0.2.1", IPv6, "::ffff:192.0.2.1/128", false},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			var w warnings
			apply, err := ReadRule(conftest.Directive(t, "deny "+tt.arg+";"), w.env())
			if err != nil {
				t.Fatal(err)
			}
			var s Settings
			apply(&s)
			r := s.Rules[0]
			if !r.Deny || r.Family != tt.family {
				t.Errorf("rule %+v, want a deny of family %v", r, tt.family)
			}
			if tt.prefix != "" && r.Prefix.String() != tt.prefix {
				t.Errorf("prefix %v, want %s", r.Prefix, tt.prefix)
			}
			if tt.warn != (len(w) == 1) {
				t.Errorf("warnings %q, want one: %v", w, tt.warn)
			}
			if tt.warn && w[0] != "low address bits of "+tt.arg+" are meaningless in t.conf:1:6" {
				t.Errorf("warning %q", w[0])
			}
		})
	}
}

// TestReadRuleInvalid: nginx's `invalid parameter` for what ngx_ptocidr
// refuses, at the argument.
func TestReadRuleInvalid(t *testing.T) {
	for _, arg := range []string{
		"ALL", "unix", "unix:/run/x.sock", "localhost", "192.0.2", "192.0.2.1.5", "192.0.2.256", "192.0.2.1/33",
		"192.0.2.1/", "192.0.2.1/-1", "192.0.2.1/8x", "2001:db8::1/129", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "::g",
	} {
		t.Run(arg, func(t *testing.T) {
			var w warnings
			_, err := ReadRule(conftest.Directive(t, "allow "+arg+";"), w.env())
			want := fmt.Sprintf("invalid parameter %q in t.conf:1:7", arg)
			if err == nil || err.Error() != want {
				t.Errorf("error %v, want %s", err, want)
			}
		})
	}
}

// TestCheckOrderAndFamilies follows ngx_http_access_handler: the first
// matching rule of the client's family decides; a family without rules,
// or without a match, leaves the decision to authentication.
func TestCheckOrderAndFamilies(t *testing.T) {
	tests := []struct {
		name  string
		rules []string
		addrs map[string]Verdict
	}{
		{"first match wins", []string{"allow 192.0.2.1", "deny 192.0.2.0/24", "allow all"}, map[string]Verdict{
			"192.0.2.1": Allowed, "192.0.2.2": Denied, "198.51.100.1": Allowed, "2001:db8::1": Allowed,
		}},
		{"deny before allow", []string{"deny 192.0.2.1", "allow 192.0.2.0/24", "deny all"}, map[string]Verdict{
			"192.0.2.1": Denied, "192.0.2.9": Allowed, "198.51.100.1": Denied,
		}},
		{"no match is no verdict", []string{"deny 192.0.2.0/24"}, map[string]Verdict{
			"192.0.2.200": Denied, "198.51.100.1": NoRule,
		}},
		{"IPv4 rules say nothing of IPv6 clients", []string{"allow 127.0.0.1", "deny 0.0.0.0/0"}, map[string]Verdict{
			"127.0.0.1": Allowed, "10.0.0.1": Denied, "::1": NoRule,
		}},
		{"IPv6 CIDR", []string{"allow 2001:db8::/32", "deny ::/0"}, map[string]Verdict{
			"2001:db8:1::5": Allowed, "2001:db9::1": Denied, "192.0.2.1": NoRule,
		}},
		{"a mapped client is IPv4 when IPv4 rules exist", []string{"deny 192.0.2.1", "allow ::/0"}, map[string]Verdict{
			"::ffff:192.0.2.1": Denied, "::ffff:192.0.2.2": NoRule, "2001:db8::1": Allowed,
		}},
		{"a mapped client is IPv6 when no IPv4 rule exists", []string{"deny ::ffff:0:0/96", "allow ::/0"}, map[string]Verdict{
			"::ffff:192.0.2.1": Denied, "192.0.2.1": NoRule,
		}},
		{"all covers IPv4 for mapped clients", []string{"allow ::ffff:192.0.2.1", "deny all"}, map[string]Verdict{
			"::ffff:192.0.2.1": Denied, // checked as IPv4, where only "all" is
		}},
		{"unix: matches no IP client", []string{"deny unix:"}, map[string]Verdict{
			"127.0.0.1": NoRule, "::1": NoRule, "": Denied,
		}},
		{"a client without an IP address meets all", []string{"allow 127.0.0.1", "deny all"}, map[string]Verdict{
			"": Denied,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []string
			for _, r := range tt.rules {
				lines = append(lines, r+";")
			}
			s := level(t, Settings{}, lines...)
			for a, want := range tt.addrs {
				var addr netip.Addr
				if a != "" {
					addr = netip.MustParseAddr(a)
				}
				if got := s.Check(addr); got != want {
					t.Errorf("Check(%q) = %v, want %v", a, got, want)
				}
			}
		})
	}
}

func TestCheckAllocatesNothing(t *testing.T) {
	s := level(t, Settings{}, "allow 192.0.2.0/24;", "allow 2001:db8::/32;", "deny all;")
	addrs := []netip.Addr{netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("::ffff:10.0.0.1"), netip.MustParseAddr("2001:db8::1")}
	if n := testing.AllocsPerRun(100, func() {
		for _, a := range addrs {
			s.Check(a)
		}
	}); n != 0 {
		t.Errorf("Check allocated %v times per run", n)
	}
}

// TestRulesInheritance is ngx_http_access_merge_loc_conf: a level with
// rules of its own replaces its parent's, however they are mixed.
func TestRulesInheritance(t *testing.T) {
	http := level(t, Settings{}, "allow 10.0.0.0/8;", "deny all;")
	server := level(t, http)
	loc := level(t, server, "deny 10.0.0.1;", "allow 10.0.0.0/8;", "deny all;")
	nested := level(t, loc, "satisfy any;")
	show := func(s Settings) string {
		var b []string
		for _, r := range s.Rules {
			b = append(b, fmt.Sprint(r.Deny, r.Family, r.Prefix))
		}
		return strings.Join(b, ", ")
	}
	if show(server) != show(http) || len(server.Rules) != 2 {
		t.Errorf("a server without rules has %q, want the http level's %q", show(server), show(http))
	}
	if len(loc.Rules) != 3 || loc.Rules[0].Prefix.String() != "10.0.0.1/32" {
		t.Errorf("a location with rules has %q, want its own three", show(loc))
	}
	if show(nested) != show(loc) {
		t.Errorf("a nested location without rules has %q, want its parent's", show(nested))
	}
	if len(http.Rules) != 2 || http.Rules[1].Family != All {
		t.Errorf("the http level changed: %q", show(http))
	}
	// Applying a child's rules never writes into its parent's array.
	again := level(t, loc, "allow all;")
	if len(loc.Rules) != 3 || len(again.Rules) != 1 {
		t.Errorf("after a child's rules: parent %q, child %q", show(loc), show(again))
	}
}
