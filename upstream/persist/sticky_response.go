package persist

import (
	"slices"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/sticky"
	"github.com/gw-proxy/gw/upstream"
	"github.com/gw-proxy/gw/upstream/resphead"
)

// Respond writes the response cookie on the upstream response that goes
// to the client: the sticky package decides from the status, the method,
// the peer that answered and the backend's Set-Cookie lines; this applies
// the decision to the header, records the response letter of
// $sticky_status, and counts a session started on p when the cookie binds
// a visitor who was not bound to it (a moved one when its cookie named a
// server that could not take it). Bypassed requests are left alone
// entirely: bypass means persistence does not touch the request.
func (sp *stickyPersistence) Respond(s *Request, p *upstream.Peer, h *resphead.Head) {
	st := stickyOf(s)
	if !st.chosen || st.bypassed {
		return
	}
	st.setCookie = st.setCookie[:0]
	for _, v := range h.Cookies() {
		st.setCookie = append(st.setCookie, v)
	}
	reply := sticky.Reply{
		Status: h.Status(), Post: s.Ctx.IsPost(), Peer: p.Index(),
		Now: s.Now.Unix(), Client: st.client,
	}
	var ch sticky.Change
	ch, st.buf = sp.pol.Respond(st.buf[:0], reply, st.setCookie)
	switch ch.Edit {
	case sticky.EditAppend:
		// After the backend's own lines, its same-named one included
		// (option=direct keeps it): the proxy copies every line
		// (copyHeader).
		h.Add("Set-Cookie", ch.Value)
	case sticky.EditReplace, sticky.EditDelete:
		st.editSetCookies(sp.pol, h, ch)
	}
	if ch.Private {
		st.makePrivate(h)
	}
	if started(ch.Action, st.client, p) {
		p.State().CountSession()
		if st.client.Fallback() {
			p.State().CountMoved() // its cookie named a server that could not take it
		}
	}
	st.setLetters(s.R, ch.Action)
}

// started reports whether a response cookie written with action a starts
// a session on p: it names p (inserted or rewritten) for a client whose
// cookie did not bind it to p already.
func started(a sticky.Action, c sticky.Client, p *upstream.Peer) bool {
	if a != sticky.CookieInserted && a != sticky.CookieRewritten {
		return false
	}
	return !c.Sticky() || c.Peer != p.Index()
}

// editSetCookies rewrites the backend's Set-Cookie lines for an
// EditReplace or EditDelete: line ch.Index becomes ch.Value or goes, and
// with ch.RemoveOthers every later line naming the sticky cookie goes too.
// The kept lines are copied out, every Set-Cookie deleted, and the kept
// ones added back in order, after the other lines.
func (st *stickyState) editSetCookies(pol *sticky.Policy, h *resphead.Head, ch sticky.Change) {
	lines := st.setCookie
	total := len(ch.Value)
	for _, l := range lines {
		total += len(l)
	}
	// One growth at most, so the copies below share one array; ch.Value,
	// in the old one if it moves, stays readable.
	st.buf = slices.Grow(st.buf, total)
	kept := lines[:0]
	for i, l := range lines {
		switch {
		case i == ch.Index && ch.Edit == sticky.EditReplace:
			l = ch.Value
		case i == ch.Index:
			continue
		case i > ch.Index && ch.RemoveOthers && pol.Names(l):
			continue
		}
		start := len(st.buf)
		st.buf = append(st.buf, l...)
		kept = append(kept, st.buf[start:])
	}
	h.Del("set-cookie")
	for _, v := range kept {
		h.Add("Set-Cookie", v)
	}
	st.setCookie = kept
}

// makePrivate is nocache (HAProxy's): a response that carries an inserted
// cookie must not be stored by a shared cache and replayed to other
// clients, so Cache-Control gets "private", merged into what the backend
// sent (sticky.AppendPrivate drops "public"). Upstream header names keep
// their case, so every spelling of Cache-Control is looked for. One line
// is edited in place, keeping the header order; several are merged into
// one.
func (st *stickyState) makePrivate(h *resphead.Head) {
	names := st.names[:0]
	start := len(st.buf)
	for k, v := range h.All() {
		if !vars.LowerEqual(k, "cache-control") {
			continue
		}
		if len(names) > 0 {
			st.buf = append(st.buf, ',', ' ')
		}
		st.buf = append(st.buf, v...)
		names = append(names, k)
	}
	st.names = names
	merged := st.buf[start:]
	vstart := len(st.buf)
	st.buf = sticky.AppendPrivate(st.buf, merged)
	value := st.buf[vstart:]
	switch len(names) {
	case 0:
		h.Add("Cache-Control", value)
	case 1:
		h.Replace("cache-control", value)
	default:
		h.Del("cache-control")
		h.Add("Cache-Control", value)
	}
}
