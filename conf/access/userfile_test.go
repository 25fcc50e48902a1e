package access

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf/internal/conftest"
	"github.com/gw-proxy/gw/parser"
)

// writeFile writes text to a fresh file and returns its path.
func writeFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "htpasswd")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestUserFileLines follows the scan of ngx_http_auth_basic_handler.
func TestUserFileLines(t *testing.T) {
	path := writeFile(t, strings.Join([]string{
		"# a comment: the next line is empty",
		"",
		"alice:{PLAIN}first",
		"alice:{PLAIN}second",       // the first line of a user counts
		"bob:{PLAIN}pw:Bob Builder", // Apache's comment field
		"carol:{PLAIN}crlf\r",       // a CRLF file
		"\rdave:{PLAIN}hidden",      // a line that starts with CR is skipped
		"  erin:{PLAIN}spaces",      // nothing is trimmed
		"frank",                     // no colon: no user
		":{PLAIN}nobody",            // an empty user cannot be asked for
		"Grace:{PLAIN}case",         // user names are case-sensitive
		"heidi:$2y$05$EqHy76lvo6in645P.6YER.iCz4zGeB", // a bcrypt field cut short
		"ivan:{PLAIN}no newline at the end",
	}, "\n"))
	var w warnings
	f, err := LoadUserFile(path, w.env().Warn)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user, password string
		want           Result
	}{
		{"alice", "first", Match},
		{"alice", "second", Mismatch},
		{"bob", "pw", Match},
		{"bob", "pw:Bob Builder", Mismatch},
		{"carol", "crlf", Match},
		{"dave", "hidden", NoUser},
		{"erin", "spaces", NoUser},
		{"  erin", "spaces", Match},
		{"frank", "", NoUser},
		{"grace", "case", NoUser},
		{"Grace", "case", Match},
		{"heidi", "anything", Unsupported},
		{"ivan", "no newline at the end", Match},
		{"ivan", "no newline at the end\x00and more", Match}, // nginx reads a C string
		{"mallory", "x", NoUser},
	}
	for _, tt := range tests {
		if got := f.Check([]byte(tt.user), []byte(tt.password)); got != tt.want {
			t.Errorf("Check(%q, %q) = %v, want %v", tt.user, tt.password, got, tt.want)
		}
	}
	if f.Users() != 7 {
		t.Errorf("%d users, want 7", f.Users())
	}
	want := `user "heidi" has a password hash gw cannot check ("$2y$"): its requests will get 500; ` +
		`gw reads {PLAIN}, {SHA}, {SSHA}, $apr1$, $1$, $5$, $6$ and bcrypt in ` + path + ":12:1"
	if len(w) != 1 || w[0] != want {
		t.Errorf("warnings %q, want [%q]", w, want)
	}
}

// TestUserFileWarningsNeverQuoteThePassword: a field without a scheme
// may be a password written without {PLAIN}.
func TestUserFileWarningsNeverQuoteThePassword(t *testing.T) {
	path := writeFile(t, "a:hunter2\nb:$y$j9T$s.NVKmd29Spm8OzOVv6YI/$gwNxw\nc:\nd:{CRYPT}hunter3\n")
	var w warnings
	if _, err := LoadUserFile(path, w.env().Warn); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(w, "\n")
	for _, want := range []string{"(DES crypt or no scheme)", `("$y$")`, "(an empty password field)", `("{CRYPT}")`} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %s:\n%s", want, all)
		}
	}
	for _, secret := range []string{"hunter", "j9T", "gwNxw"} {
		if strings.Contains(all, secret) {
			t.Errorf("warnings quote %q:\n%s", secret, all)
		}
	}
}

// TestUserFileEveryScheme: one user per vector, as a real file mixes them.
func TestUserFileEveryScheme(t *testing.T) {
	var b strings.Builder
	for i, v := range cryptVectors {
		b.WriteString(string(rune('a'+i)) + ":" + v.field + "\n")
	}
	f, err := LoadUserFile(writeFile(t, b.String()), func(_ parser.Pos, format string, args ...any) {
		t.Errorf("unexpected warning: "+format, args...)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range cryptVectors {
		user := []byte(string(rune('a' + i)))
		if got := f.Check(user, []byte(v.password)); got != Match {
			t.Errorf("%s: %v, want Match", v.name, got)
		}
		if got := f.Check(user, []byte(v.password+"!")); got != Mismatch {
			t.Errorf("%s with a wrong password: %v, want Mismatch", v.name, got)
		}
	}
}

// TestReadUserFile: the directive's errors, at its argument.
func TestReadUserFile(t *testing.T) {
	dir := t.TempDir()
	env := Env{Path: func(name string) string { return filepath.Join(dir, name) }, Warn: (&warnings{}).env().Warn}
	if err := os.WriteFile(filepath.Join(dir, "users"), []byte("u:{PLAIN}p\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	apply, err := ReadUserFile(conftest.Directive(t, "auth_basic_user_file users;"), env)
	if err != nil {
		t.Fatal(err)
	}
	var s Settings
	apply(&s)
	if s.UserFile.Path != filepath.Join(dir, "users") || s.UserFile.Check([]byte("u"), []byte("p")) != Match {
		t.Errorf("user file %+v: want the prefixed path, read", s.UserFile)
	}

	tests := []struct{ src, want string }{
		{"auth_basic_user_file missing;", `open() "` + dir + `/missing" failed (2: No such file or directory) in t.conf:1:22`},
		{"auth_basic_user_file .;", `read() "` + dir + `" failed (21: Is a directory) in t.conf:1:22`},
		{"auth_basic_user_file $host.users;", `variables in "auth_basic_user_file" are not supported: ` +
			`gw reads the file when it loads the configuration in t.conf:1:22`},
		{"auth_basic_user_file $nosuch;", `unknown "nosuch" variable in t.conf:1:22`},
	}
	for _, tt := range tests {
		_, err := ReadUserFile(conftest.Directive(t, tt.src), env)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v, want %s", tt.src, err, tt.want)
		}
	}
}

func TestReadRealmAndSatisfy(t *testing.T) {
	s := level(t, Settings{}, `auth_basic "Closed site";`, "satisfy ANY;")
	if s.Realm.String() != "Closed site" || !s.SatisfyAny {
		t.Errorf("realm %q any %v", s.Realm, s.SatisfyAny)
	}
	off := level(t, s, "auth_basic off;", "satisfy all;")
	if off.Realm != nil || off.SatisfyAny {
		t.Errorf("auth_basic off, satisfy all: realm %q any %v", off.Realm, off.SatisfyAny)
	}
	if v := level(t, s, "auth_basic $host;"); v.Realm.IsLiteral() {
		t.Errorf("a realm with a variable is literal")
	}
	if inherited := level(t, s); inherited.Realm != s.Realm || !inherited.SatisfyAny {
		t.Errorf("a level without the directives does not inherit them")
	}
	_, err := ReadSatisfy(conftest.Directive(t, "satisfy some;"), Env{})
	if err == nil || err.Error() != `invalid value "some" in t.conf:1:9` {
		t.Errorf("satisfy some: %v", err)
	}
	_, err = ReadRealm(conftest.Directive(t, "auth_basic $nosuch;"), Env{})
	if err == nil || err.Error() != `unknown "nosuch" variable in t.conf:1:12` {
		t.Errorf("auth_basic $nosuch: %v", err)
	}
}

func TestActive(t *testing.T) {
	f := &UserFile{}
	tests := []struct {
		name string
		s    Settings
		want bool
	}{
		{"nothing", Settings{}, false},
		{"satisfy alone", Settings{SatisfyAny: true}, false},
		{"rules", Settings{Rules: []Rule{{}}}, true},
		{"a realm without a file: nginx checks nothing", level(t, Settings{}, "auth_basic x;"), false},
		{"a file without a realm", Settings{UserFile: f}, false},
		{"both", Settings{Realm: level(t, Settings{}, "auth_basic x;").Realm, UserFile: f}, true},
	}
	for _, tt := range tests {
		if got := tt.s.Active(); got != tt.want {
			t.Errorf("%s: Active() = %v, want %v", tt.name, got, tt.want)
		}
	}
}
