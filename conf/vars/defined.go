package vars

// The per-request values of the variables a configuration defines (map,
// set). They live in Request, in slots indexed by Var.index: a slot holds
// the bounds of its value in one shared buffer, so a request that sets or
// evaluates variables appends bytes and moves two offsets, and Reset keeps
// every buffer's capacity for the next request.

// slot is one defined variable's state in a request.
type slot struct {
	start, end int32 // the value is Request.defBuf[start:end]
	state      slotState
}

type slotState uint8

const (
	slotUnknown    slotState = iota // not evaluated nor set in this request
	slotValid                       // holds the value: set, or a cached map result
	slotEvaluating                  // its evaluator runs: reading it again is a cycle
)

// maxEvalDepth bounds variables evaluated inside one another (a map whose
// source or value reads another map...), as nginx's variable depth does.
const maxEvalDepth = 100

// getDefined is the getter of a defined variable.
func getDefined(dst []byte, r *Request, p *part) []byte {
	return r.AppendVar(dst, p.def)
}

// slotOf returns v's slot, growing the slots to the configuration's count
// on first use: the Request is shared by configurations across reloads.
func (r *Request) slotOf(v *Var) *slot {
	if v.index >= len(r.slots) {
		n := v.index + 1
		if n <= cap(r.slots) {
			r.slots = r.slots[:n]
		} else {
			r.slots = append(r.slots[:cap(r.slots)], make([]slot, n-cap(r.slots))...)
		}
	}
	return &r.slots[v.index]
}

// AppendVar appends v's value in this request to dst: what the last set
// wrote, else its map's result (computed on the first read and kept unless
// the map is volatile), else "". A variable read while it is being
// computed (a map whose value reads itself) is "", where nginx logs a
// cycle and fails the request.
func (r *Request) AppendVar(dst []byte, v *Var) []byte {
	s := r.slotOf(v)
	switch s.state {
	case slotValid:
		return append(dst, r.defBuf[s.start:s.end]...)
	case slotEvaluating:
		return dst
	}
	if v.eval == nil {
		if r.Warner != nil {
			r.Warner.UninitializedVariable(v.Name())
		}
		return dst
	}
	if r.depth >= maxEvalDepth {
		return dst
	}
	s.state = slotEvaluating
	buf := r.pushScratch()
	buf = v.eval.Append(buf, r)
	dst = append(dst, buf...)
	if v.volatile {
		r.slotOf(v).state = slotUnknown
	} else {
		r.store(v, buf)
	}
	r.popScratch(buf)
	return dst
}

// SetVar evaluates t and makes it v's value for the rest of the request:
// nginx's set. t may read v itself (set $a "${a}x").
func (r *Request) SetVar(v *Var, t *Template) {
	buf := r.pushScratch()
	buf = t.Append(buf, r)
	r.store(v, buf)
	r.popScratch(buf)
}

// store copies value into the shared buffer as v's value.
func (r *Request) store(v *Var, value []byte) {
	start := len(r.defBuf)
	r.defBuf = append(r.defBuf, value...)
	*r.slotOf(v) = slot{start: int32(start), end: int32(len(r.defBuf)), state: slotValid}
}

// pushScratch returns an empty buffer of the next evaluation depth: a
// variable evaluated while another is (a map reading a map) writes into
// its own.
func (r *Request) pushScratch() []byte {
	if r.depth == len(r.scratches) {
		r.scratches = append(r.scratches, make([]byte, 0, 64))
	}
	buf := r.scratches[r.depth][:0]
	r.depth++
	return buf
}

// popScratch gives back the buffer pushScratch returned, keeping what it
// grew to for the next request.
func (r *Request) popScratch(buf []byte) {
	r.depth--
	r.scratches[r.depth] = buf[:0]
}

// Scratch returns an empty buffer for an evaluator (a map builds its key
// in one) and Release gives it back; the pair nests like evaluations do.
func (r *Request) Scratch() []byte { return r.pushScratch() }

// Release gives back a buffer Scratch returned.
func (r *Request) Release(buf []byte) { r.popScratch(buf) }

// resetDefined clears the slots for the next request, keeping capacity.
func (r *Request) resetDefined() {
	clear(r.slots)
	r.slots = r.slots[:0]
	r.defBuf = r.defBuf[:0]
}
