package rewrite

import (
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// Outcome is what a step tells the interpreter.
type Outcome uint8

// The outcomes.
const (
	Next     Outcome = iota // go on with the next step
	Stop                    // the phase ends here (break)
	Answer                  // the phase ends with an answer (return): see Script.Run
	Last                    // rewrite ... last: the location is searched again for the new URI
	Redirect                // rewrite that redirects: the answer is in the Request (RedirectCode, RedirectURL)
)

// Step is one directive of a Script. A step that answers (return, or an
// if whose block returned) gives Answer and the Return to answer with.
type Step interface {
	Run(r *vars.Request) (Outcome, *Return)
}

// Script is one level's rewrite directives in the order written.
type Script struct {
	Steps []Step
}

// Add appends a step.
func (s *Script) Add(st Step) { s.Steps = append(s.Steps, st) }

// Run runs the steps in order until one stops the phase, and returns how
// it ended: Next when every step ran, Stop after break, Answer with the
// Return that ended it. A nil Script does nothing, so a configuration
// without rewrite directives costs one comparison per phase.
func (s *Script) Run(r *vars.Request) (Outcome, *Return) {
	if s == nil {
		return Next, nil
	}
	for _, st := range s.Steps {
		if o, ret := st.Run(r); o != Next {
			return o, ret
		}
	}
	return Next, nil
}

// Return is `return CODE [TEXT|URL]` or `return URL`. Written at a
// level's top it is that level's answer (conf.Settings.Return); inside
// an if block it is a step that ends the script with it.
type Return struct {
	Pos  parser.Pos
	Code int
	Text *vars.Template // body text, or redirect URL for 301/302/303/307/308; nil when absent
}

// Run ends the script with the return.
func (ret *Return) Run(*vars.Request) (Outcome, *Return) { return Answer, ret }

// Break is `break;`: the rest of the level's script is skipped.
type Break struct{}

// Run stops the script. After a rewrite that changed the URI, the URI
// stays in this location, which it may no longer match: nginx's break
// then clears r->valid_location, and so does gw (vars.Request.LocationLost).
func (Break) Run(r *vars.Request) (Outcome, *Return) {
	if r.URIChanged {
		r.URIChanged, r.LocationLost = false, true
	}
	return Stop, nil
}
