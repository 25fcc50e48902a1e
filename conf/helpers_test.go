package conf

import (
	"strconv"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/parser"
)

// errorCase is a configuration's http block and the error it must build
// with. The block marks with » the position the error must name; want is
// nginx's message without its position, "" when the block must build.
type errorCase struct {
	name string
	http string
	want string
}

// runErrorCases builds "events {} http { CASE }" for every case as t.conf
// and compares the error, position included.
func runErrorCases(t *testing.T, cases []errorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := "events {}\nhttp {\n" + tc.http + "\n}\n"
			at := strings.Index(src, "»")
			src = strings.Replace(src, "»", "", 1)
			tree, err := parser.Parse("t.conf", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Build(tree, t.TempDir())
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Build: %v", err)
				}
				return
			}
			if at < 0 {
				t.Fatal("the case marks no position with »")
			}
			line := strings.Count(src[:at], "\n") + 1
			col := at - strings.LastIndex(src[:at], "\n")
			want := tc.want + " in t.conf:" + strconv.Itoa(line) + ":" + strconv.Itoa(col)
			if err == nil || err.Error() != want {
				t.Errorf("Build error %v\nwant %s", err, want)
			}
		})
	}
}
