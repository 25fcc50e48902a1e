package vars

import "slices"

// Template is a parsed argument: literal text and variables, each variable
// already bound to the function that evaluates it. A Template is immutable
// and safe for concurrent use; the per-request state lives in Request.
type Template struct {
	src   string
	parts []part
	vars  int // how many parts are variables
}

// getter appends one variable's value for r to dst. p carries what Parse
// precomputed for it (header name, capture number).
type getter func(dst []byte, r *Request, p *part) []byte

// part is a run of literal text (get == nil) or one variable.
type part struct {
	lit  string
	name string // lowercased variable name, without "$"
	get  getter
	opts opts
	// key is the lowercased suffix of a prefix variable ($http_x_real_ip ->
	// "x_real_ip"), compared byte by byte with header, cookie and argument
	// names so that evaluating it needs no conversion.
	key []byte
	// canon is the header name in fasthttp's canonical form ("X-Real-Ip"),
	// for requests that carry no raw header block.
	canon string
	n     int  // capture number for $1..$9
	def   *Var // a variable the configuration defines (map, set)
}

// opts describe a variable to Append and AppendEscaped.
type opts uint8

const (
	// needsCtx: the getter reads Request.Ctx and yields "" when it is nil.
	needsCtx opts = 1 << iota
	// keepEmpty: an empty value is a value (nginx's "null value", as for
	// $is_args without arguments), logged as nothing rather than "-".
	keepEmpty
)

// String returns the source text the template was parsed from.
func (t *Template) String() string {
	if t == nil {
		return ""
	}
	return t.src
}

// IsLiteral reports whether the template holds no variables, so that its
// value is the same for every request and may be computed once.
func (t *Template) IsLiteral() bool {
	return t == nil || t.vars == 0
}

// Literal returns the text of a template without variables, and "" for a
// template with variables.
func (t *Template) Literal() string {
	if t == nil || t.vars > 0 {
		return ""
	}
	return t.src
}

// Vars returns the lowercased names (without "$") of the variables the
// template uses, each once, in order of first use; captures are "1".."9".
func (t *Template) Vars() []string {
	if t == nil {
		return nil
	}
	var names []string
	for i := range t.parts {
		p := &t.parts[i]
		if p.get == nil || slices.Contains(names, p.name) {
			continue
		}
		names = append(names, p.name)
	}
	return names
}

// Append evaluates the template for r and appends the result to dst. It
// does no name lookup; with a warmed-up Request and enough room in dst it
// allocates nothing for literal, header, cookie, argument, address and
// counter variables. A nil r stands for a request without a connection:
// variables that need one are "", the others (time, $pid, ...) evaluate.
func (t *Template) Append(dst []byte, r *Request) []byte {
	if t == nil {
		return dst
	}
	if r == nil {
		r = new(Request)
	}
	for i := range t.parts {
		p := &t.parts[i]
		switch {
		case p.get == nil:
			dst = append(dst, p.lit...)
		case p.skip(r):
		default:
			dst = p.get(dst, r, p)
		}
	}
	return dst
}

// skip reports whether the variable needs a connection r does not have.
func (p *part) skip(r *Request) bool {
	return p.opts&needsCtx != 0 && r.Ctx == nil
}
