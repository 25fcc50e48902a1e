package vars

import (
	"slices"
	"strings"
	"testing"
)

func TestParseSplitsLiteralsAndVariables(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		vars    []string
		literal bool
	}{
		{"empty argument is an empty literal", "", nil, true},
		{"text without dollar is literal", "plain text/with:punct", nil, true},
		{"bare variable", "$remote_addr", []string{"remote_addr"}, false},
		{"braces separate the name from text", "${host}ing", []string{"host"}, false},
		{"name stops at the first non-name char", "$uri.bak", []string{"uri"}, false},
		{"names are case-insensitive and reported lowercased", "$Remote_Addr", []string{"remote_addr"}, false},
		{"prefix family", "$http_X_Real_IP", []string{"http_x_real_ip"}, false},
		{"each name reported once in order of use", "$host$uri$host", []string{"host", "uri"}, false},
		{"capture takes one digit", "$10", []string{"1"}, false},
		{"capture in braces", "${2}x", []string{"2"}, false},
		{"empty family suffix is accepted like nginx", "$arg_", []string{"arg_"}, false},
		{"all families", "$cookie_a$arg_b$sent_http_c$upstream_http_d$upstream_cookie_e",
			[]string{"cookie_a", "arg_b", "sent_http_c", "upstream_http_d", "upstream_cookie_e"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			if got := tmpl.Vars(); !slices.Equal(got, tt.vars) {
				t.Errorf("Vars() = %q, want %q", got, tt.vars)
			}
			if tmpl.IsLiteral() != tt.literal {
				t.Errorf("IsLiteral() = %v, want %v", tmpl.IsLiteral(), tt.literal)
			}
			if tmpl.String() != tt.src {
				t.Errorf("String() = %q, want %q", tmpl.String(), tt.src)
			}
			wantLit := ""
			if tt.literal {
				wantLit = tt.src
			}
			if tmpl.Literal() != wantLit {
				t.Errorf("Literal() = %q, want %q", tmpl.Literal(), wantLit)
			}
		})
	}
}

func TestParseKeepsLiteralTextAroundVariables(t *testing.T) {
	r := &Request{ServerName: "example.org", Captures: []int{0, 3, 0, 2}, CaptureSubject: []byte("abc")}
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"text on both sides", "<${server_name}>", "<example.org>"},
		{"digit after a capture is text", "$10", "ab0"},
		{"text after a braced capture", "${1}9", "ab9"},
		{"adjacent variables", "$server_name$server_name", "example.orgexample.org"},
		{"dollar-free text is unchanged", "a b\tc", "a b\tc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := eval(t, tt.src, r); got != tt.want {
				t.Errorf("%q evaluated to %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestParseErrorsUseNginxWords(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"dollar alone", "$", "invalid variable name"},
		{"dollar at the end", "abc$", "invalid variable name"},
		{"dollar before a space", "$ x", "invalid variable name"},
		{"dollar before punctuation", "$-x", "invalid variable name"},
		{"empty braces", "${}", "invalid variable name"},
		{"open brace at the end", "${", "invalid variable name"},
		{"unclosed brace", "${host", `the closing bracket in "host" variable is missing`},
		{"non-name char inside braces", "${host-x}", `the closing bracket in "host" variable is missing`},
		{"unknown name", "$foo", `unknown "foo" variable`},
		{"unknown name is reported lowercased", "x $Foo_Bar y", `unknown "foo_bar" variable`},
		{"zero is not a capture", "$0", `unknown "0" variable`},
		{"near miss of a family", "$http", `unknown "http" variable`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse(tt.src)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want error %q", tt.src, tmpl.Vars(), tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("Parse(%q) error = %q, want %q", tt.src, err, tt.want)
			}
		})
	}
}

func TestMustParsePanicsOnError(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse of an unknown variable did not panic")
		}
	}()
	MustParse("$nope")
}

func TestKnown(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"remote_addr", true},
		{"REMOTE_ADDR", true},
		{"http_x_anything", true},
		{"upstream_cookie_sid", true},
		{"7", true},
		{"0", false},
		{"", false},
		{"remote-addr", false},
		{"nonsense", false},
	}
	for _, tt := range tests {
		if got := Known(tt.name); got != tt.want {
			t.Errorf("Known(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// Every variable gw documents for nginx users (nginx's common variables,
// plus $sticky_cookie and $sticky_status) must parse.
func TestSpecVariablesAreKnown(t *testing.T) {
	spec := `$remote_addr $remote_port $server_addr $server_port $server_name $host $hostname $scheme
$request $request_method $request_uri $uri $args $is_args $query_string $arg_NAME $http_NAME
$cookie_NAME $sent_http_NAME $status $body_bytes_sent $request_time $request_length $time_local
$time_iso8601 $msec $connection $connection_requests $proxy_host $proxy_port
$proxy_add_x_forwarded_for $upstream_addr $upstream_status $upstream_response_time
$upstream_connect_time $upstream_cookie_NAME $upstream_http_NAME $sticky_cookie $sticky_status`
	for _, f := range strings.Fields(spec) {
		if _, err := Parse(f); err != nil {
			t.Errorf("Parse(%q): %v", f, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "$", "${", "${host", "$host$uri", "a$1b", "$http_x_y", "${}", "$$", "x${arg_a}y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tmpl, err := Parse(src)
		if err != nil {
			return
		}
		if tmpl.String() != src {
			t.Fatalf("String() = %q, want %q", tmpl.String(), src)
		}
		if tmpl.IsLiteral() && string(tmpl.Append(nil, nil)) != src {
			t.Fatalf("literal %q evaluated to %q", src, tmpl.Append(nil, nil))
		}
		if !tmpl.IsLiteral() && !strings.Contains(src, "$") {
			t.Fatalf("%q has variables but no dollar", src)
		}
	})
}

// A named capture is a variable only where the configuration's regexes
// have that group; its value is the group of the regex the request matched.
func TestParseCapturing(t *testing.T) {
	if _, err := Parse("$sub"); err == nil || err.Error() != `unknown "sub" variable` {
		t.Fatalf("Parse($sub) = %v, want unknown variable", err)
	}
	tpl, err := ParseCapturing("<$Sub|$1>", []string{"sub"})
	if err != nil {
		t.Fatal(err)
	}
	r := &Request{CaptureNames: []string{"", "sub"}, CaptureSubject: []byte("blah.example.com"), Captures: []int{0, 16, 0, 4}}
	if got := string(tpl.Append(nil, r)); got != "<blah|blah>" {
		t.Fatalf("got %q", got)
	}
}
