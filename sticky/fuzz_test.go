package sticky

import (
	"strings"
	"testing"
	"time"

	stickyconf "github.com/gw-proxy/gw/conf/sticky"
)

// refSegments is an independent, strings-based model of how request Cookie
// lines split into pairs: split each line on ";" and ",", trim spaces and
// tabs, drop empties.
func refSegments(ls []string) []string {
	var out []string
	for _, l := range ls {
		for _, f := range strings.FieldsFunc(l, func(r rune) bool { return r == ';' || r == ',' }) {
			if f = strings.Trim(f, " \t"); f != "" {
				out = append(out, f)
			}
		}
	}
	return out
}

// refPair splits a segment like splitPair, with package strings.
func refPair(seg string) (name, value string, ok bool) {
	name, value, ok = strings.Cut(seg, "=")
	return strings.Trim(name, " \t"), strings.Trim(value, " \t"), ok
}

// refClean is the expected Clean output for the model.
func refClean(segs []string, name string, prefix bool) (out []string, changed bool) {
	for _, seg := range segs {
		n, v, ok := refPair(seg)
		switch {
		case !ok:
			out = append(out, seg)
		case n != name:
			out = append(out, n+"="+v)
		case !prefix:
			changed = true
		default:
			q := len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"'
			inner := v
			if q {
				inner = v[1 : len(v)-1]
			}
			if _, rest, found := strings.Cut(inner, "~"); found {
				changed, inner = true, rest
			}
			if q {
				inner = `"` + inner + `"`
			}
			out = append(out, n+"="+inner)
		}
	}
	return out, changed
}

func FuzzReadCookie(f *testing.F) {
	for _, s := range []string{
		"", "route=a", "a=1; route=b", "route_x=a; route=b", "myroute=a", ";route=c,", `route="b"`,
		"route=", "route", "route=a|1700000000|1700000000", "route=b~x", `route="c~y"`, "route=a~",
		"route=a|99999999999999999999|1", "x=ä; route=ä", " , ; ", "route=zz;route=b",
	} {
		f.Add(s, "b=2")
	}
	insert := mustPolicy(f, stickyconf.DefaultConfig())
	indirect := mustPolicy(f, cfgWith(func(c *Config) {
		c.Indirect, c.MaxIdle, c.MaxLife, c.Secret = true, time.Minute, time.Hour, "k"
	}))
	prefix := mustPolicy(f, cfgWith(func(c *Config) { c.Mode = ModePrefix }))
	usable := func(peer int) bool { return peer != 1 }
	f.Fuzz(func(t *testing.T, l1, l2 string) {
		ls := []string{l1, l2}
		hdr := lines(ls...)
		segs := refSegments(ls)
		for _, p := range []*Policy{insert, indirect, prefix} {
			checkClient(t, p, p.Read(hdr, testNow, usable), usable)
		}
		checkInsertRead(t, insert, hdr, segs)
		checkClean(t, indirect, hdr, segs, false)
		checkClean(t, prefix, hdr, segs, true)
	})
}

// checkClient holds Read's result to the Client contract.
func checkClient(t *testing.T, p *Policy, c Client, usable func(int) bool) {
	switch c.State {
	case ClientValid, ClientDown:
		if c.Peer < 0 || c.Peer >= p.SIDs().Len() || usable(c.Peer) != (c.State == ClientValid) {
			t.Fatalf("Read = %+v: peer out of range or usability mismatch", c)
		}
	default:
		if c.Peer != -1 || c.FirstSeen != 0 {
			t.Fatalf("Read = %+v: a non-routing state carries a peer", c)
		}
	}
	if c.Unknown && c.State != ClientInvalid {
		t.Fatalf("Read = %+v: unknown outside state I", c)
	}
}

// checkInsertRead compares untimed insert reading with the model: the
// first sticky pair whose (unquoted) value is a known sid routes; else a
// non-empty unknown sid is reported as unknown, else any sticky pair as
// illegal.
func checkInsertRead(t *testing.T, p *Policy, hdr [][]byte, segs []string) {
	want := Client{State: ClientNone, Peer: -1}
	for _, seg := range segs {
		n, v, ok := refPair(seg)
		if !ok || n != "route" {
			continue
		}
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		if i := indexOf(testSIDs, v); i >= 0 {
			want = Client{State: ClientValid, Peer: i}
			break
		}
		want.State = ClientInvalid
		want.Unknown = want.Unknown || v != ""
	}
	if got := p.Read(hdr, testNow, nil); got != want {
		t.Fatalf("Read(%q) = %+v, model says %+v", hdr, got, want)
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// checkClean compares Clean with the model, and checks that the cleaned
// header is a fixed point in indirect mode (never contains the sticky pair).
func checkClean(t *testing.T, p *Policy, hdr [][]byte, segs []string, prefix bool) {
	out, act := p.Clean(nil, hdr)
	want, changed := refClean(segs, p.Config().Cookie, prefix)
	switch {
	case !changed && act != CleanKeep:
		t.Fatalf("Clean(%q) = %d %q, model says keep", hdr, act, out)
	case changed && len(want) == 0 && act != CleanRemove:
		t.Fatalf("Clean(%q) = %d %q, model says remove", hdr, act, out)
	case changed && len(want) > 0 && (act != CleanReplace || string(out) != strings.Join(want, "; ")):
		t.Fatalf("Clean(%q) = %d %q, model says %q", hdr, act, out, strings.Join(want, "; "))
	}
	if act == CleanReplace && !prefix {
		if again, act2 := p.Clean(nil, [][]byte{out}); act2 != CleanKeep {
			t.Fatalf("cleaned %q still has the sticky pair: %d %q", out, act2, again)
		}
	}
}

func FuzzRewriteSetCookie(f *testing.F) {
	for _, s := range []string{
		"SID=x", "SID=x; Path=/; HttpOnly", " SID = x ; Path=/", "SID=", `SID="abc"; Secure`, `SID="`,
		"SIDX=1", "SID; Path=/x=y", "SID=a~b; Expires=Wed, 01-Jan-2070 00:00:00 GMT", "sid=1", "=;=",
	} {
		f.Add(s)
	}
	rewrite := mustPolicy(f, cfgWith(func(c *Config) { c.Mode, c.Cookie = ModeRewrite, "SID" }))
	prefix := mustPolicy(f, cfgWith(func(c *Config) { c.Mode, c.Cookie = ModePrefix, "SID" }))
	insert := mustPolicy(f, cfgWith(func(c *Config) { c.Cookie, c.Indirect = "SID", true }))
	f.Fuzz(func(t *testing.T, line string) {
		n1, ok1 := setCookieName([]byte(line))
		n2, _, _, ok2 := setCookieValue([]byte(line))
		if ok1 != ok2 || string(n1) != string(n2) {
			t.Fatalf("setCookieName(%q) = %q, %v; setCookieValue's name is %q, %v", line, n1, ok1, n2, ok2)
		}
		for _, p := range []*Policy{rewrite, prefix} {
			checkRewrite(t, p, line)
		}
		ch, buf := insert.Respond(nil, Reply{Status: 200, Peer: 0, Now: testNow, Client: noCookie}, lines("a=1", line))
		if (ch.Edit == EditReplace) != insert.Names([]byte(line)) || string(ch.Value) != string(buf) {
			t.Fatalf("indirect insert over %q: %+v", line, ch)
		}
	})
}

// checkRewrite: a rewritten header keeps its name and attributes byte for
// byte and carries the sid (rewrite) or "SID~" + old value (prefix).
func checkRewrite(t *testing.T, p *Policy, line string) {
	out, ok := p.AppendRewrite([]byte("#"), []byte(line), 1)
	if ok != p.Names([]byte(line)) {
		t.Fatalf("AppendRewrite(%q) ok = %v, Names = %v", line, ok, !ok)
	}
	if !ok {
		if string(out) != "#" {
			t.Fatalf("AppendRewrite(%q) wrote %q without rewriting", line, out)
		}
		return
	}
	out = out[1:]
	inPair, inAttrs, _ := strings.Cut(line, ";")
	outPair, outAttrs, _ := strings.Cut(string(out), ";")
	if inAttrs != outAttrs {
		t.Fatalf("attributes changed: %q -> %q", line, out)
	}
	inName, inVal, _ := refPair(inPair)
	outName, outVal, _ := refPair(outPair)
	if inName != "SID" || outName != "SID" {
		t.Fatalf("name changed: %q -> %q", line, out)
	}
	want := "b"
	if p.Config().Mode == ModePrefix {
		want = "b~" + string(unquote([]byte(inVal)))
		outVal = string(unquote([]byte(outVal)))
	}
	if outVal != want {
		t.Fatalf("value of %q -> %q is %q, want %q", line, out, outVal, want)
	}
}

func FuzzAppendPrivate(f *testing.F) {
	for _, s := range []string{"", "public", `no-cache="a, b", public`, `x="\"", PUBLIC`, "private=\"set-cookie\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := string(AppendPrivate(nil, []byte(in)))
		if !strings.HasSuffix(out, "private") {
			t.Fatalf("AppendPrivate(%q) = %q, does not end with private", in, out)
		}
		privates := 0
		for rest := []byte(out); len(rest) > 0; {
			d, r, ok := nextDirective(rest)
			rest = r
			if !ok || directiveIs(d, "public") {
				t.Fatalf("AppendPrivate(%q) = %q keeps a malformed or public directive %q", in, out, d)
			}
			if directiveIs(d, "private") {
				privates++
			}
		}
		if privates != 1 {
			t.Fatalf("AppendPrivate(%q) = %q has %d private directives", in, out, privates)
		}
		if again := string(AppendPrivate(nil, []byte(out))); again != out {
			t.Fatalf("AppendPrivate not idempotent: %q -> %q -> %q", in, out, again)
		}
	})
}
