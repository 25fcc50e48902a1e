package vars

import (
	"encoding/json"
	"testing"
)

// escapedRequest carries the bytes each escape mode treats specially in two
// variables that can hold any byte (fasthttp rejects control bytes in
// request headers, so a header cannot carry them here).
func escapedRequest(t *testing.T) *Request {
	return &Request{
		Ctx:          newCtx(t, "GET / HTTP/1.1\nHost: h\n\n"),
		StickyCookie: []byte("say \"hi\" \\ \x01\x7f caf\xc3\xa9"),
		StickyStatus: []byte("a\tb\x1fc"),
	}
}

func TestAppendEscaped(t *testing.T) {
	r := escapedRequest(t)
	tests := []struct {
		name string
		mode Escape
		src  string
		want string
	}{
		{"default escapes quote, backslash, control and high bytes", EscapeDefault,
			"$sticky_cookie", `say \x22hi\x22 \x5C \x01\x7F caf\xC3\xA9`},
		{"default leaves literal text alone", EscapeDefault, `"$request_method" \ "`, `"GET" \ "`},
		{"default writes a dash for a missing value", EscapeDefault, "[$http_referer]", "[-]"},
		{"default writes nothing for an empty-but-set value", EscapeDefault, "[$https]", "[]"},
		{"default writes a dash when there was no upstream", EscapeDefault, "[$upstream_addr]", "[-]"},
		{"json escapes what JSON needs and keeps UTF-8", EscapeJSON,
			"$sticky_cookie", `say \"hi\" \\ \u0001` + "\x7f caf\xc3\xa9"},
		{"json short escapes and \\u00HH", EscapeJSON, "$sticky_status", `a\tb\u001Fc`},
		{"json writes nothing for a missing value", EscapeJSON, `{"r":"$http_referer"}`, `{"r":""}`},
		{"none writes values as they are", EscapeNone, "$sticky_status", "a\tb\x1fc"},
		{"none writes nothing for a missing value", EscapeNone, "[$http_referer]", "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(MustParse(tt.src).AppendEscaped(nil, r, tt.mode))
			if got != tt.want {
				t.Errorf("%s (%v) = %q, want %q", tt.src, tt.mode, got, tt.want)
			}
		})
	}
}

// A json log line built from hostile header values must still be JSON.
func TestJSONEscapedLineIsValidJSON(t *testing.T) {
	r := escapedRequest(t)
	line := MustParse(`{"odd":"$sticky_cookie","ctl":"$sticky_status","ref":"$http_referer"}`).AppendEscaped(nil, r, EscapeJSON)
	var v map[string]string
	if err := json.Unmarshal(line, &v); err != nil {
		t.Fatalf("line %q is not JSON: %v", line, err)
	}
	if v["ctl"] != "a\tb\x1fc" {
		t.Errorf("ctl decoded to %q, want the original bytes", v["ctl"])
	}
}

func TestAppendEscapedWithoutRequest(t *testing.T) {
	got := string(MustParse(`$remote_addr "$http_x"`).AppendEscaped(nil, nil, EscapeDefault))
	if got != `- "-"` {
		t.Errorf("got %q, want dashes for every variable", got)
	}
}

func TestParseEscape(t *testing.T) {
	tests := []struct {
		in      string
		want    Escape
		wantErr string
	}{
		{"default", EscapeDefault, ""},
		{"json", EscapeJSON, ""},
		{"none", EscapeNone, ""},
		{"JSON", 0, `unknown log format escaping "JSON"`},
		{"", 0, `unknown log format escaping ""`},
	}
	for _, tt := range tests {
		got, err := ParseEscape(tt.in)
		switch {
		case tt.wantErr != "":
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseEscape(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
		case err != nil || got != tt.want:
			t.Errorf("ParseEscape(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		case got.String() != tt.in:
			t.Errorf("%v.String() = %q, want %q", got, got.String(), tt.in)
		}
	}
}
