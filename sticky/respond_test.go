package sticky

import (
	"reflect"
	"testing"
	"time"

	stickyconf "github.com/gw-proxy/gw/conf/sticky"
)

var (
	noCookie  = Client{State: ClientNone, Peer: -1}
	validB    = Client{State: ClientValid, Peer: 1}
	validBTS  = Client{State: ClientValid, Peer: 1, FirstSeen: testNow - 500}
	downA     = Client{State: ClientDown, Peer: 0}
	invalidCk = Client{State: ClientInvalid, Peer: -1}
)

func TestRespondInsert(t *testing.T) {
	indirect := func(c *Config) { c.Indirect = true }
	timed := func(c *Config) { c.MaxIdle = time.Minute }
	tests := []struct {
		name    string
		edit    func(c *Config)
		status  int
		post    bool
		client  Client
		backend []string
		want    Change
		value   string
	}{
		{"new session inserts", nil, 200, false, noCookie, nil,
			Change{Action: CookieInserted, Edit: EditAppend, Index: -1}, "route=b; Path=/"},
		{"valid cookie for the same peer: nothing", nil, 200, false, validB, nil,
			Change{Index: -1}, ""},
		{"valid cookie but another peer answered: re-route inserts", nil, 200, false, Client{State: ClientValid, Peer: 2}, nil,
			Change{Action: CookieInserted, Edit: EditAppend, Index: -1}, "route=b; Path=/"},
		{"down peer re-routed inserts", nil, 200, false, downA, nil,
			Change{Action: CookieInserted, Edit: EditAppend, Index: -1}, "route=b; Path=/"},
		{"invalid cookie inserts", nil, 302, false, invalidCk, nil,
			Change{Action: CookieInserted, Edit: EditAppend, Index: -1}, "route=b; Path=/"},
		{"status 399 still inserts", nil, 399, false, noCookie, nil,
			Change{Action: CookieInserted, Edit: EditAppend, Index: -1}, "route=b; Path=/"},
		{"status 400: nothing", nil, 400, false, noCookie, []string{"route=x"},
			Change{Index: -1}, ""},
		{"status 503: nothing", indirect, 503, false, validB, []string{"route=x"},
			Change{Index: -1}, ""},
		{"direct appends after the backend's cookie", nil, 200, false, noCookie, []string{"a=1", "route=x"},
			Change{Action: CookieInserted, Edit: EditAppend, Index: 1}, "route=b; Path=/"},
		{"direct, no insert: backend's cookie kept", nil, 200, false, validB, []string{"route=x"},
			Change{Action: CookiePreserved, Index: 0}, ""},
		{"indirect replaces the backend's cookie", indirect, 200, false, noCookie, []string{"a=1", "route=x; Path=/z"},
			Change{Action: CookieInserted, Edit: EditReplace, Index: 1}, "route=b; Path=/"},
		{"indirect replaces the first and drops later ones", indirect, 200, false, noCookie, []string{"route=x", "a=1", "route=y"},
			Change{Action: CookieInserted, Edit: EditReplace, Index: 0, RemoveOthers: true}, "route=b; Path=/"},
		{"indirect, no insert: backend's cookie deleted", indirect, 200, false, validB, []string{"route=x"},
			Change{Action: CookieDeleted, Edit: EditDelete, Index: 0}, ""},
		{"indirect, no insert, two backend cookies", indirect, 200, false, validB, []string{"route=x", "route=y"},
			Change{Action: CookieDeleted, Edit: EditDelete, Index: 0, RemoveOthers: true}, ""},
		{"indirect, similar name is not ours", indirect, 200, false, validB, []string{"myroute=x", "route_x=y", "Route=z"},
			Change{Index: -1}, ""},
		{"preserve: backend's cookie wins", func(c *Config) { c.Preserve = true }, 200, false, noCookie, []string{"route=x"},
			Change{Action: CookiePreserved, Index: 0}, ""},
		{"preserve without backend cookie inserts", func(c *Config) { c.Preserve = true }, 200, false, noCookie, []string{"routex=1"},
			Change{Action: CookieInserted, Edit: EditAppend, Index: -1}, "route=b; Path=/"},
		{"preserve beats indirect", func(c *Config) { c.Preserve, c.Indirect = true, true }, 200, false, noCookie, []string{"route=x"},
			Change{Action: CookiePreserved, Index: 0}, ""},
		{"postonly: GET gets nothing", func(c *Config) { c.PostOnly = true }, 200, false, noCookie, nil,
			Change{Index: -1}, ""},
		{"postonly: POST inserts", func(c *Config) { c.PostOnly = true }, 200, true, noCookie, nil,
			Change{Action: CookieInserted, Edit: EditAppend, Index: -1}, "route=b; Path=/"},
		{"postonly indirect GET deletes backend's cookie", func(c *Config) { c.PostOnly, c.Indirect = true, true }, 200, false, noCookie, []string{"route=x"},
			Change{Action: CookieDeleted, Edit: EditDelete, Index: 0}, ""},
		{"timed: valid cookie refreshed keeping firstseen", timed, 200, false, validBTS, nil,
			Change{Action: CookieRefreshed, Edit: EditAppend, Index: -1}, "route=b|1700000000|1699999500; Path=/"},
		{"timed: new session starts firstseen now", timed, 200, false, noCookie, nil,
			Change{Action: CookieInserted, Edit: EditAppend, Index: -1}, "route=b|1700000000|1700000000; Path=/"},
		{"timed: re-route starts firstseen now", timed, 200, false, Client{State: ClientValid, Peer: 0, FirstSeen: 5}, nil,
			Change{Action: CookieInserted, Edit: EditAppend, Index: -1}, "route=b|1700000000|1700000000; Path=/"},
		{"timed postonly GET: no refresh", func(c *Config) { timed(c); c.PostOnly = true }, 200, false, validBTS, nil,
			Change{Index: -1}, ""},
		{"nocache marks inserts private", func(c *Config) { c.NoCache = true }, 200, false, noCookie, nil,
			Change{Action: CookieInserted, Edit: EditAppend, Index: -1, Private: true}, "route=b; Path=/"},
		{"nocache marks refreshes private", func(c *Config) { timed(c); c.NoCache = true }, 200, false, validBTS, nil,
			Change{Action: CookieRefreshed, Edit: EditAppend, Index: -1, Private: true}, "route=b|1700000000|1699999500; Path=/"},
		{"nocache without insert is not private", func(c *Config) { c.NoCache = true }, 200, false, validB, nil,
			Change{Index: -1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustPolicy(t, cfgWith(tt.edit))
			r := Reply{Status: tt.status, Post: tt.post, Peer: 1, Now: testNow, Client: tt.client}
			got, dst := p.Respond([]byte("keep"), r, lines(tt.backend...))
			checkChange(t, got, dst, tt.want, tt.value)
		})
	}
}

// checkChange compares a Change, its Value by content, and that dst kept
// its prefix and holds Value.
func checkChange(t *testing.T, got Change, dst []byte, want Change, value string) {
	t.Helper()
	if string(got.Value) != value {
		t.Errorf("Value = %q, want %q", got.Value, value)
	}
	if string(dst) != "keep"+value {
		t.Errorf("dst = %q, want %q", dst, "keep"+value)
	}
	got.Value, want.Value = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Change = %+v, want %+v", got, want)
	}
}

func TestRespondBackendCookieModes(t *testing.T) {
	rewrite := func(c *Config) { c.Mode, c.Cookie = ModeRewrite, "SERVERID" }
	prefix := func(c *Config) { c.Mode, c.Cookie, c.NoCache = ModePrefix, "JSESSIONID", true }
	tests := []struct {
		name    string
		edit    func(c *Config)
		status  int
		backend []string
		want    Change
		value   string
	}{
		{"rewrite replaces the value, keeps attributes", rewrite, 200, []string{"SERVERID=x; Path=/; HttpOnly"},
			Change{Action: CookieRewritten, Edit: EditReplace, Index: 0}, "SERVERID=b; Path=/; HttpOnly"},
		{"rewrite: first named header only", rewrite, 200, []string{"a=1", "SERVERID=x", "SERVERID=y"},
			Change{Action: CookieRewritten, Edit: EditReplace, Index: 1}, "SERVERID=b"},
		{"rewrite: no header, nothing sent", rewrite, 200, []string{"a=1"},
			Change{Index: -1}, ""},
		{"rewrite: containing name is not ours", rewrite, 200, []string{"XSERVERID=1", "SERVERID_2=1"},
			Change{Index: -1}, ""},
		{"rewrite: status 404 untouched", rewrite, 404, []string{"SERVERID=x"},
			Change{Index: -1}, ""},
		{"prefix puts sid in front, never private", prefix, 200, []string{"JSESSIONID=abc; Path=/; Secure"},
			Change{Action: CookieRewritten, Edit: EditReplace, Index: 0}, "JSESSIONID=b~abc; Path=/; Secure"},
		{"prefix: no header, nothing sent", prefix, 200, nil,
			Change{Index: -1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustPolicy(t, cfgWith(tt.edit))
			r := Reply{Status: tt.status, Peer: 1, Now: testNow, Client: noCookie}
			got, dst := p.Respond([]byte("keep"), r, lines(tt.backend...))
			checkChange(t, got, dst, tt.want, tt.value)
		})
	}
}

func TestRespondBadPeer(t *testing.T) {
	p := mustPolicy(t, stickyconf.DefaultConfig())
	for _, peer := range []int{-1, 3, 100} {
		got, dst := p.Respond(nil, Reply{Status: 200, Peer: peer, Client: noCookie}, nil)
		if got.Action != CookieNothing || got.Edit != EditNone || len(dst) != 0 {
			t.Errorf("peer %d: Respond = %+v, %q; want nothing", peer, got, dst)
		}
	}
}
