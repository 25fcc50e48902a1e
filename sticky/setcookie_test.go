package sticky

import (
	"testing"
	"time"
)

func TestAppendSetCookie(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(c *Config)
		peer  int
		first int64
		want  string
	}{
		{"bare default", nil, 1, 0, "route=b; Path=/"},
		{"custom name and path", func(c *Config) { c.Cookie, c.Path = "uid", "/app" }, 0, 0, "uid=a; Path=/app"},
		{"domain before path", func(c *Config) { c.Domain = ".example.com" }, 2, 0, "route=c; Domain=.example.com; Path=/"},
		{"maxage adds Max-Age and Expires", func(c *Config) { c.MaxAge = time.Minute }, 1, 0,
			"route=b; Path=/; Max-Age=60; Expires=Tue, 14-Nov-23 22:14:20 GMT"},
		{"maxidle value and no expiry", func(c *Config) { c.MaxIdle = time.Minute }, 1, testNow - 10000,
			"route=b|1700000000|1699990000; Path=/"},
		{"maxlife suppresses maxage", func(c *Config) { c.MaxLife, c.MaxAge = time.Hour, time.Hour }, 1, testNow,
			"route=b|1700000000|1700000000; Path=/"},
		{"every attribute in the spec's order", func(c *Config) {
			c.Domain, c.Path, c.MaxAge = "d.io", "/p", time.Minute
			c.HTTPOnly, c.Secure, c.SameSite = true, true, "Strict"
		}, 0, 0, "route=a; Domain=d.io; Path=/p; Max-Age=60; Expires=Tue, 14-Nov-23 22:14:20 GMT; HttpOnly; Secure; SameSite=Strict"},
		{"httponly only", func(c *Config) { c.HTTPOnly = true }, 0, 0, "route=a; Path=/; HttpOnly"},
		{"secure only", func(c *Config) { c.Secure = true }, 0, 0, "route=a; Path=/; Secure"},
		{"samesite lax", func(c *Config) { c.SameSite = "Lax" }, 0, 0, "route=a; Path=/; SameSite=Lax"},
		{"samesite none", func(c *Config) { c.SameSite = "None" }, 0, 0, "route=a; Path=/; SameSite=None"},
		// MAC computed independently with Python (see timed_test.go).
		{"signed timed value", func(c *Config) { c.MaxIdle, c.Secret = time.Minute, "s3cret" }, 0, testNow - 10000,
			"route=a|1700000000|1699990000|3fb4bbfcbf579cad48ebaee68fbd7acd; Path=/"},
		{"secret without timestamps signs nothing", func(c *Config) { c.Secret = "s3cret" }, 0, 0, "route=a; Path=/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustPolicy(t, cfgWith(tt.edit))
			got := p.AppendSetCookie([]byte("x"), tt.peer, testNow, tt.first)
			if string(got) != "x"+tt.want {
				t.Errorf("AppendSetCookie =\n %q\nwant\n %q", got[1:], tt.want)
			}
		})
	}
}

func TestSignedCookieRoundTrip(t *testing.T) {
	p := mustPolicy(t, cfgWith(func(c *Config) { c.MaxIdle, c.MaxLife, c.Secret = time.Minute, time.Hour, "k" }))
	sc := p.AppendSetCookie(nil, 2, testNow, testNow-50)
	_, vs, ve, _ := setCookieValue(sc)
	got := p.Read(lines("route="+string(sc[vs:ve])), testNow+30, nil)
	want := Client{State: ClientValid, Peer: 2, FirstSeen: testNow - 50}
	if got != want {
		t.Errorf("Read(AppendSetCookie) = %+v, want %+v", got, want)
	}
}

func TestAppendCookieDate(t *testing.T) {
	tests := []struct {
		name string
		unix int64
		want string
	}{
		{"epoch", 0, "Thu, 01-Jan-70 00:00:00 GMT"},
		{"leap day 2000", 951827696, "Tue, 29-Feb-00 12:34:56 GMT"},
		{"nginx's last two-digit year", 2145916799, "Thu, 31-Dec-37 23:59:59 GMT"},
		{"last year RFC 6265 reads back", 3155759999, "Tue, 31-Dec-69 23:59:59 GMT"},
		{"2070 gets four digits", 3155760000, "Wed, 01-Jan-2070 00:00:00 GMT"},
		{"before epoch gets four digits", -1, "Wed, 31-Dec-1969 23:59:59 GMT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(appendCookieDate(nil, tt.unix)); got != tt.want {
				t.Errorf("appendCookieDate(%d) = %q, want %q", tt.unix, got, tt.want)
			}
		})
	}
}

func TestAppendClearCookie(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"default", nil, "route=; Path=/; Max-Age=0"},
		{"domain and path as configured", func(c *Config) { c.Cookie, c.Domain, c.Path = "uid", ".example.com", "/app" },
			"uid=; Domain=.example.com; Path=/app; Max-Age=0"},
		{"no flags, no expiry of its own", func(c *Config) {
			c.MaxAge, c.HTTPOnly, c.Secure, c.SameSite = time.Minute, true, true, "None"
		}, "route=; Path=/; Max-Age=0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustPolicy(t, cfgWith(tt.edit))
			got := p.AppendClearCookie([]byte("x"))
			if string(got) != "x"+tt.want {
				t.Errorf("AppendClearCookie =\n %q\nwant\n %q", got[1:], tt.want)
			}
		})
	}
}
