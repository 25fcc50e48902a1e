package serve

import "testing"

// TestSafeURI checks X-Accel-Redirect's URI rules against the cases of
// nginx's ngx_http_parse_unsafe_uri.
func TestSafeURI(t *testing.T) {
	for _, c := range []struct {
		in, path, args string
		ok             bool
	}{
		{"/index.html", "/index.html", "", true},
		{"/foo?bar", "/foo", "bar", true},
		{"/foo%20bar?a=%20", "/foo bar", "a=%20", true},
		{"/a/..b/c.", "/a/..b/c.", "", true},
		{"", "", "", false},
		{"?a", "", "", false},
		{"..", "", "", false},
		{"../foo", "", "", false},
		{"/foo/..", "", "", false},
		{"/foo/../bar", "", "", false},
		{"/foo/.%2e", "", "", false},
		{"/foo/%2e%2E/bar", "", "", false},
		{"/nul%00", "", "", false},
	} {
		path, args, ok := safeURI([]byte(c.in))
		if ok != c.ok || string(path) != c.path || string(args) != c.args {
			t.Errorf("safeURI(%q) = %q, %q, %v; want %q, %q, %v", c.in, path, args, ok, c.path, c.args, c.ok)
		}
	}
}
