package persist

import (
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/vars"
)

// Request is one request as persistence sees it. The proxy's pooled
// exchange owns it and Resets it between requests, keeping the slots, so
// an implementation carries what Choose learnt to Respond without
// allocating.
type Request struct {
	Ctx   *fasthttp.RequestCtx // the client's request
	R     *vars.Request        // its variables; $sticky_cookie and $sticky_status go here
	Scope *Scope               // the location's; never nil while in use
	// Now is the one instant of the request's persistence decisions
	// (cookie expiry, availability, the timestamps written back): the
	// time the first try starts.
	Now time.Time

	slots []Slot // by Kind; nil until an implementation asks
}

// Slot is one implementation's memory of one request. It stays in the
// pooled Request from one request to the next, keeping its buffers; Reset
// clears it for the next request and must drop every reference into the
// last one's headers.
type Slot interface{ Reset() }

// Kind names an implementation's slot in every Request.
type Kind int

var kinds atomic.Int32

// NewKind returns a Kind of its own for an implementation. Call it once
// per implementation, from a package-level variable.
func NewKind() Kind { return Kind(kinds.Add(1) - 1) }

// Slot returns r's slot of kind k, made by newSlot the first time this
// pooled Request serves kind k. An exchange that serves upstreams with
// different implementations keeps one slot for each, so alternating
// between them does not allocate.
func (r *Request) Slot(k Kind, newSlot func() Slot) Slot {
	if int(k) >= len(r.slots) {
		r.slots = append(r.slots, make([]Slot, int(k)+1-len(r.slots))...)
	}
	s := r.slots[k]
	if s == nil {
		s = newSlot()
		r.slots[k] = s
	}
	return s
}

// Reset clears r for the next request, keeping its slots' buffers.
func (r *Request) Reset() {
	r.Ctx, r.R, r.Scope, r.Now = nil, nil, nil, time.Time{}
	for _, s := range r.slots {
		if s != nil {
			s.Reset()
		}
	}
}
