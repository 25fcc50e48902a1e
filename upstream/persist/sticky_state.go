package persist

import (
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/sticky"
)

// stickyState is what session_sticky remembers of one request between the
// hook's calls: its slot in the Request, which the pooled exchange keeps,
// so the slices keep their capacity from one request to the next and the
// hot path does not allocate.
type stickyState struct {
	chosen   bool // Choose ran
	bypassed bool // session_sticky_bypass applied
	client   sticky.Client
	letter   byte // the client-cookie letter of $sticky_status

	haveLines bool
	lines     [][]byte // the client's Cookie values, in order
	setCookie [][]byte // the backend's Set-Cookie values, in order
	names     [][]byte // spellings of a header name, while editing it

	clean []byte // the cleaned Cookie value, until the request is built
	buf   []byte // scratch: bypass values, Set-Cookie and Cache-Control values
}

// stickyKind is session_sticky's slot in every Request.
var stickyKind = NewKind()

func newStickyState() Slot { return new(stickyState) }

// stickyOf returns session_sticky's memory of r.
func stickyOf(r *Request) *stickyState {
	return r.Slot(stickyKind, newStickyState).(*stickyState)
}

// Reset clears st for the next request, keeping the buffers and dropping
// the references into the last request's headers.
func (st *stickyState) Reset() {
	clear(st.lines)
	clear(st.setCookie)
	clear(st.names)
	*st = stickyState{
		lines: st.lines[:0], setCookie: st.setCookie[:0], names: st.names[:0],
		clean: st.clean[:0], buf: st.buf[:0],
	}
}

// cookieLines returns the values of the client's Cookie header lines as
// received, whatever the case of their name (HTTP/2 gateways send
// "cookie"), read once per request.
func (st *stickyState) cookieLines(ctx *fasthttp.RequestCtx) [][]byte {
	if !st.haveLines {
		st.haveLines = true
		vars.EachRequestHeader(&ctx.Request.Header, func(name, value []byte) {
			if vars.LowerEqual(name, "cookie") {
				st.lines = append(st.lines, value)
			}
		})
	}
	return st.lines
}

// setLetters writes $sticky_cookie (the client-cookie letter) and
// $sticky_status, two letters in the manner of HAProxy's termination
// state cookie flags, so operators read them the same way: the client's
// cookie, then what gw did with the response cookie. The JSON access log
// shows $sticky_status as its "sticky" field.
func (st *stickyState) setLetters(r *vars.Request, a sticky.Action) {
	r.StickyCookie = append(r.StickyCookie[:0], st.letter)
	r.StickyStatus = append(r.StickyStatus[:0], st.letter, a.Letter())
}
