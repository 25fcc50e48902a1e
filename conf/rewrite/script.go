package rewrite

import "github.com/gw-proxy/gw/conf/vars"

// Outcome is what a step tells the interpreter.
type Outcome uint8

// The outcomes. Only Next exists while set is the only step; return,
// break and rewrite's flags will add theirs.
const (
	Next Outcome = iota // go on with the next step
	Stop                // the phase ends here (break, return)
)

// Step is one directive of a Script.
type Step interface {
	Run(r *vars.Request) Outcome
}

// Script is one level's rewrite directives in the order written.
type Script struct {
	Steps []Step
}

// Add appends a step.
func (s *Script) Add(st Step) { s.Steps = append(s.Steps, st) }

// Run runs the steps in order until one stops the phase, and returns how
// it ended. A nil Script does nothing, so a configuration without rewrite
// directives costs one comparison per phase.
func (s *Script) Run(r *vars.Request) Outcome {
	if s == nil {
		return Next
	}
	for _, st := range s.Steps {
		if o := st.Run(r); o != Next {
			return o
		}
	}
	return Next
}
