package upstream

import (
	"strings"
	"testing"
	"time"

	"github.com/gw-proxy/gw/parser"
)

func TestSetQueue(t *testing.T) {
	read := func(src string) (*Config, error) {
		t.Helper()
		tree, err := parser.Parse("t.conf", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		u := New(parser.Pos{}, "u")
		return u, u.SetQueue(tree[0])
	}
	u, err := read("queue 100;")
	if err != nil || u.Queue.Size != 100 || u.Queue.Timeout != 60*time.Second {
		t.Errorf("queue 100: %+v, %v", u.Queue, err)
	}
	u, err = read("queue 5 timeout=70s;")
	if err != nil || u.Queue.Size != 5 || u.Queue.Timeout != 70*time.Second {
		t.Errorf("queue 5 timeout=70s: %+v, %v", u.Queue, err)
	}
	for _, bad := range []string{"queue 0;", "queue x;", "queue 5 timeout=0;", "queue 5 wait=1s;", "queue 5 timeout=x;"} {
		if _, err := read(bad); err == nil || !strings.Contains(err.Error(), "t.conf:1:") {
			t.Errorf("%s: error %v", bad, err)
		}
	}
}
