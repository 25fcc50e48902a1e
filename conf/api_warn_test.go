package conf

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/parser"
)

// TestOpenAPIWarning: gw -t warns, at the gw_api directive, about a
// runtime API location nothing guards; basic authentication or a deny
// rule, written there or inherited, silences it, and auth_basic off or an
// allow-only list does not.
func TestOpenAPIWarning(t *testing.T) {
	for _, tc := range []struct {
		name, http string
		warnAt     string // line:col of the warning, "" for none
	}{
		{"nothing", "server { listen 80;\nlocation /api/ { gw_api; } }", "4:18"},
		{"allow only", "server { listen 80;\nlocation /api/ { allow 127.0.0.1; gw_api; } }", "4:35"},
		{"auth_basic off below a realm", "auth_basic Ops; auth_basic_user_file users;\nserver { listen 80;\n" +
			"location /api/ { auth_basic off; gw_api; } }", "5:34"},
		{"a realm without a user file", "server { listen 80;\nlocation /api/ { auth_basic Ops; gw_api; } }", "4:34"},
		{"nested and named locations are looked at", "server { listen 80;\nlocation / { location /api/ { gw_api; } }\n" +
			"location @api { gw_api; } }", "4:31 5:17"},
		{"basic authentication here", "server { listen 80;\nlocation /api/ { auth_basic Ops; auth_basic_user_file users; gw_api; } }", ""},
		{"basic authentication inherited", "auth_basic Ops; auth_basic_user_file users;\nserver { listen 80;\n" +
			"location /api/ { gw_api; } }", ""},
		{"a deny rule here", "server { listen 80;\nlocation /api/ { allow 127.0.0.1; deny all; gw_api; } }", ""},
		{"a deny rule inherited", "server { listen 80; allow 10.0.0.0/8; deny all;\nlocation /api/ { gw_api; } }", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "users"), []byte("ops:{PLAIN}secret\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			tree, err := parser.Parse("t.conf", []byte("events {}\nhttp {\n"+tc.http+"\n}\n"))
			if err != nil {
				t.Fatal(err)
			}
			c, err := Build(tree, dir)
			if err != nil {
				t.Fatal(err)
			}
			var at []string
			for _, w := range c.Warnings {
				if strings.HasPrefix(w.Msg, "gw_api in location ") {
					at = append(at, strconv.Itoa(w.Pos.Line)+":"+strconv.Itoa(w.Pos.Col))
				}
			}
			if got := strings.Join(at, " "); got != tc.warnAt {
				t.Errorf("warnings at %q, want %q (%v)", got, tc.warnAt, c.Warnings)
			}
		})
	}
}
