// Package sticky implements session_sticky, Tengine-compatible cookie
// session persistence with HAProxy's additions, as pure functions over
// header bytes. It follows Tengine's module wherever that is sound, so a
// site moving from Tengine keeps its users' live sessions, and differs
// only where Tengine has a known defect; the comment at each such place
// says what Tengine does. It knows neither fasthttp nor the conf package:
// conf translates its parsed directive into a Config, the upstream package
// calls a compiled Policy with raw header values and applies what it
// returns.
//
// It owns: the parameters and their validation (Config, Validate), server
// identifiers (SID, SIDTable), reading the request cookie (Policy.Read),
// cleaning the request Cookie header (Policy.Clean), and the response
// cookie: deciding, building and rewriting Set-Cookie (Policy.Respond,
// AppendSetCookie, AppendRewrite, AppendPrivate). It does not own server
// availability, balancing, fallback or retries: those stay in upstream,
// which passes availability in as a callback.
//
// Per request, the proxy does:
//
//	c := pol.Read(cookieLines, now, usable)   // before choosing a peer
//	switch {
//	case c.Sticky():                          peer = c.Peer
//	case c.Fallback() && !cfg.Fallback:       502, nothing proxied
//	default:                                  peer = balancer's pick (new session)
//	}
//	if cleaning on { buf, act = pol.Clean(buf[:0], cookieLines) } // then Keep/Replace/Remove
//	... forward, get the response ...
//	ch, buf := pol.Respond(buf[:0], sticky.Reply{Status, Post, Peer, Now, Client: c}, setCookies)
//	// apply ch.Edit to the Set-Cookie headers; ch.Private: merge Cache-Control
//	// log c.State.Letter(), ch.Action.Letter()
//
// Nothing on that path allocates when the caller's buffers have room; the
// tests hold it to zero with testing.AllocsPerRun.
package sticky
