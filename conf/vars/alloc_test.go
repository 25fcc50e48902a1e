package vars

import (
	"testing"
	"time"
)

// The hot path: a warmed-up Request and a dst with room must cost nothing.
func TestAppendAllocatesNothing(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"literal, header, cookie, argument and client address",
			`$remote_addr "$http_user_agent" sid=$cookie_session x=$arg_x`},
		{"request line and URI", "$request $request_uri $uri $args$is_args $host $request_length"},
		{"connection", "$remote_port $server_addr:$server_port $connection $connection_requests $scheme"},
		{"joined headers", "$http_x_forwarded_for | $proxy_add_x_forwarded_for | $http_cookie"},
		{"response and upstream", "$status $body_bytes_sent $sent_http_x_cache $upstream_addr $upstream_status $upstream_response_time"},
		{"upstream sizes", "$upstream_response_length $upstream_bytes_received $upstream_bytes_sent"},
		{"request id after first use", "$request_id"},
	}
	r := allocRequest(t)
	dst := make([]byte, 0, 4096)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl := MustParse(tt.src)
			tmpl.Append(dst[:0], r) // warm up fasthttp's lazily parsed URI
			if n := testing.AllocsPerRun(200, func() { dst = tmpl.Append(dst[:0], r) }); n != 0 {
				t.Errorf("Append(%q) allocated %v times per run, want 0", tt.src, n)
			}
			if n := testing.AllocsPerRun(200, func() { dst = tmpl.AppendEscaped(dst[:0], r, EscapeDefault) }); n != 0 {
				t.Errorf("AppendEscaped(%q) allocated %v times per run, want 0", tt.src, n)
			}
		})
	}
}

func allocRequest(tb testing.TB) *Request {
	ctx := newCtx(tb, sample)
	ctx.Response.Header.Set("X-Cache", "HIT")
	r := &Request{Ctx: ctx, ServerName: "example.org", Start: time.Now()}
	failed := r.AddUpstreamTry("10.0.0.1:80")
	failed.Status, failed.ResponseTime = 502, time.Millisecond
	r.StartUpstream() // an error_page's second proxying: " : " between the groups
	try := r.AddUpstreamTry("10.0.0.2:80")
	try.Status, try.ResponseTime = 200, 3*time.Millisecond
	return r
}

// combined is nginx's predefined "combined" log format.
const combined = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`

func BenchmarkAppendHeaderCookieArg(b *testing.B) {
	tmpl := MustParse(`$remote_addr "$http_user_agent" sid=$cookie_session x=$arg_x`)
	r := allocRequest(b)
	dst := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		dst = tmpl.Append(dst[:0], r)
	}
}

func BenchmarkAppendEscapedCombined(b *testing.B) {
	tmpl := MustParse(combined)
	r := allocRequest(b)
	dst := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		dst = tmpl.AppendEscaped(dst[:0], r, EscapeDefault)
	}
}

func BenchmarkAppendEscapedJSON(b *testing.B) {
	tmpl := MustParse(`{"time":"$time_iso8601","addr":"$remote_addr","req":"$request","status":$status,` +
		`"ua":"$http_user_agent","up":"$upstream_addr","rt":$request_time,"id":"$request_id"}`)
	r := allocRequest(b)
	dst := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		dst = tmpl.AppendEscaped(dst[:0], r, EscapeJSON)
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(combined); err != nil {
			b.Fatal(err)
		}
	}
}
