package vars

import (
	"encoding/base64"
	"testing"
)

// TestAppendBasic follows ngx_http_auth_basic_user and ngx_decode_base64.
func TestAppendBasic(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	tests := []struct {
		name       string
		value      string
		user, pass string
		ok         bool
	}{
		{"user and password", "Basic " + b64([]byte("bob:secret")), "bob", "secret", true},
		{"the scheme in any case", "bAsIc " + b64([]byte("bob:secret")), "bob", "secret", true},
		{"spaces after the scheme", "Basic    " + b64([]byte("bob:secret")), "bob", "secret", true},
		{"padding is optional", "Basic " + base64.RawStdEncoding.EncodeToString([]byte("bob:pw")), "bob", "pw", true},
		{"what follows = is not read", "Basic " + b64([]byte("bob:p")) + "!!", "bob", "p", true},
		{"the password runs past further colons", "Basic " + b64([]byte("bob:a:b")), "bob", "a:b", true},
		{"an empty password", "Basic " + b64([]byte("bob:")), "bob", "", true},
		{"no colon", "Basic " + b64([]byte("bob")), "", "", false},
		{"an empty user", "Basic " + b64([]byte(":pw")), "", "", false},
		{"another scheme", "Bearer " + b64([]byte("bob:pw")), "", "", false},
		{"the scheme without a space", "Basic" + b64([]byte("bob:pw")), "", "", false},
		{"nothing after the scheme", "Basic ", "", "", false},
		{"a byte outside the alphabet", "Basic Ym9i*nB3", "", "", false},
		{"a lone last character", "Basic Ym9iOnB3Z", "", "", false},
		{"URL-safe base64 is not base64", "Basic " + base64.URLEncoding.EncodeToString([]byte("\xfb\xff:pw")), "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("keep")
			out, n, ok := appendBasic(dst, []byte(tt.value))
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				if string(out) != "keep" {
					t.Errorf("dst changed to %q on failure", out)
				}
				return
			}
			cred := out[len("keep"):]
			if user, pass := string(cred[:n]), string(cred[n+1:]); user != tt.user || pass != tt.pass {
				t.Errorf("user %q password %q, want %q %q", user, pass, tt.user, tt.pass)
			}
		})
	}
}

// TestRemoteUser: $remote_user is the user of any Basic credentials, and
// nothing of the password reaches the value.
func TestRemoteUser(t *testing.T) {
	tests := []struct{ name, header, want string }{
		{"Basic credentials", "Authorization: Basic Ym9iOnNlY3JldA==\n", "bob"},
		{"the header name in any case", "authorization: Basic Ym9iOnNlY3JldA==\n", "bob"},
		{"the first of two lines", "Authorization: Basic YTp4\nAuthorization: Basic Ym9iOnNlY3JldA==\n", "a"},
		{"no credentials", "", ""},
		{"malformed credentials", "Authorization: Basic !!!\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Request{Ctx: newCtx(t, "GET / HTTP/1.1\nHost: h\n"+tt.header+"\n")}
			if got := eval(t, "$remote_user", r); got != tt.want {
				t.Errorf("$remote_user = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRemoteUserAllocatesNothing(t *testing.T) {
	r := &Request{Ctx: newCtx(t, "GET / HTTP/1.1\nHost: h\nAuthorization: Basic Ym9iOnNlY3JldA==\n\n")}
	tmpl := MustParse("$remote_user")
	dst := make([]byte, 0, 256)
	if n := testing.AllocsPerRun(200, func() { dst = tmpl.Append(dst[:0], r) }); n != 0 {
		t.Errorf("$remote_user allocated %v times per run, want 0", n)
	}
	if string(dst) != "bob" || string(dst[:cap(dst)][3:10]) != "\x00\x00\x00\x00\x00\x00\x00" {
		t.Errorf("dst %q, spare room %q: want the user and a wiped password", dst, dst[:cap(dst)][:12])
	}
}
