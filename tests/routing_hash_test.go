package tests

import (
	"fmt"
	"net/http"
	"testing"
)

// hashVarConfig: %[1]s is gw, %[2]s..%[4]s are gw-demo backends. The
// upstreams hash on a map variable and on a set variable; the map comes
// after the upstream that uses it, as nginx allows.
const hashVarConfig = `
events {}
http {
    upstream by_map {
        hash $bucket;
        server %[2]s; server %[3]s; server %[4]s;
    }
    upstream by_set {
        hash $shard consistent;
        server %[2]s; server %[3]s; server %[4]s;
    }
    map $cookie_user $bucket {
        default               nobody;
        ~^(?<team>[a-z]+)-\d+$ team-$team;
    }
    server {
        listen %[1]s;
        location /map { proxy_pass http://by_map; }
        location /set {
            set $shard "shard:$bucket";
            proxy_pass http://by_set;
        }
    }
}
`

// TestRoutingHashDefinedVariables: `hash $mapvar` and `hash $setvar`. Users
// of one team (a bucket of the map) land on one backend, whatever their
// names; the teams spread over the backends.
func TestRoutingHashDefinedVariables(t *testing.T) {
	a := addr(freePort(t))
	b1, b2, b3 := startDemo(t, "b1"), startDemo(t, "b2"), startDemo(t, "b3")
	startGW(t, fmt.Sprintf(hashVarConfig, a, b1, b2, b3), a)

	backend := func(uri, user string) string {
		t.Helper()
		req := mustRequest(t, "GET", "http://"+a+uri, "")
		if user != "" {
			req.AddCookie(&http.Cookie{Name: "user", Value: user})
		}
		r := do(t, req)
		if r.status != 200 || backendOf(r) == "" {
			t.Fatalf("GET %s as %q: %d %q", uri, user, r.status, r.body)
		}
		return backendOf(r)
	}
	teams := []string{"red", "blue", "green", "gold", "pink", "gray", "teal", "plum"}
	for _, uri := range []string{"/map", "/set"} {
		t.Run(uri[1:], func(t *testing.T) {
			spread := map[string]bool{}
			for _, team := range teams {
				first := backend(uri, team+"-1")
				spread[first] = true
				for i := 2; i <= 4; i++ {
					if got := backend(uri, fmt.Sprintf("%s-%d", team, i)); got != first {
						t.Errorf("%s: %s-%d on %s, %s-1 on %s: one bucket must keep one backend", uri, team, i, got, team, first)
					}
				}
			}
			if len(spread) < 2 {
				t.Errorf("%s: %d teams all on %v: different buckets must spread", uri, len(teams), spread)
			}
			// No cookie and a name the regex does not take are the
			// default bucket: one backend.
			if x, y := backend(uri, ""), backend(uri, "Zed"); x != y {
				t.Errorf("%s: default bucket on %s and %s", uri, x, y)
			}
		})
	}
}
