package rewrite

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// condKind is the form of an if condition.
type condKind uint8

const (
	condVar   condKind = iota // ($var): true unless "" or "0"
	condEqual                 // ($var = value), ($var != value)
	condRegex                 // ($var ~ re), ~*, !~, !~*
)

// If is `if (condition) { ... }`: when the condition holds, its block's
// steps run, and a break or return there ends the level's script too, as
// in nginx, where the block is compiled into the level's codes.
type If struct {
	Pos      parser.Pos
	kind     condKind
	negative bool           // != and !~
	subject  *vars.Template // the variable tested
	value    *vars.Template // the string of = and !=
	re       *regexp.Regexp
	groups   bool // re has groups: a match sets $1..$9 and named captures
	Block    Script
	// Branch is the configuration the request switches to when the
	// condition holds (an if in a location, see vars.Request.Branch);
	// nil for an if at server level, whose configuration nginx replaces
	// with the location's anyway.
	Branch any
}

var _ Step = (*If)(nil)

// Run tests the condition and runs the block when it holds.
func (c *If) Run(r *vars.Request) (Outcome, *Return) {
	if !c.test(r) {
		return Next, nil
	}
	if c.Branch != nil {
		r.Branch = c.Branch
	}
	return c.Block.Run(r)
}

// test evaluates the condition. A matching regex leaves its groups in r
// for the rest of the request, as nginx's captures stay until the next
// regex matches.
func (c *If) test(r *vars.Request) bool {
	buf := r.Scratch()
	buf = c.subject.Append(buf, r)
	var ok bool
	switch c.kind {
	case condVar:
		ok = len(buf) > 0 && !(len(buf) == 1 && buf[0] == '0')
	case condEqual:
		v := r.Scratch()
		v = c.value.Append(v, r)
		ok = bytes.Equal(buf, v) != c.negative
		r.Release(v)
	case condRegex:
		matched := false
		if c.groups {
			if loc := c.re.FindSubmatchIndex(buf); loc != nil {
				r.CaptureNames, r.CaptureSubject, r.Captures = c.re.SubexpNames(), bytes.Clone(buf), loc
				matched = true
			}
		} else {
			matched = c.re.Match(buf)
		}
		if l := r.RewriteLog; l != nil {
			logMatch(l, c.re, buf, matched)
		}
		ok = matched != c.negative
	}
	r.Release(buf)
	return ok
}

// ParseIf reads the condition of `if (condition) {` (at least one
// argument, checked by conf's table) with ngx_http_rewrite_if_condition's
// rules and words: `invalid condition "x"`, `unexpected "x" in
// condition`. The block is the caller's to fill. File tests (-f, -d, -e,
// -x and their negations) are refused: gw serves no files.
func ParseIf(d *parser.Directive, sc *vars.Scope) (*If, error) {
	args := make([]parser.Arg, len(d.Args))
	copy(args, d.Args)
	last := len(args) - 1
	if !strings.HasPrefix(args[0].Value, "(") {
		return nil, parser.Errorf(args[0].Pos, "invalid condition %q", args[0].Value)
	}
	cur := 0
	if len(args[0].Value) == 1 {
		cur = 1
	} else {
		args[0].Value = args[0].Value[1:]
	}
	if !strings.HasSuffix(args[last].Value, ")") {
		return nil, parser.Errorf(args[last].Pos, "invalid condition %q", args[last].Value)
	}
	if len(args[last].Value) == 1 {
		last--
	} else {
		args[last].Value = args[last].Value[:len(args[last].Value)-1]
	}
	if cur > last || cur >= len(args) {
		return nil, parser.Errorf(d.Pos, "invalid condition %q", ")")
	}
	p := args[cur].Value
	c := &If{Pos: d.Pos}
	switch {
	case len(p) > 1 && p[0] == '$':
		if cur != last && cur+2 != last {
			return nil, parser.Errorf(args[cur].Pos, "invalid condition %q", p)
		}
		t, err := sc.Parse(p)
		if err != nil {
			return nil, parser.Errorf(args[cur].Pos, "%s", err.Error())
		}
		c.subject = t
		if cur == last {
			c.kind = condVar
			return c, nil
		}
		op, operand := args[cur+1], args[last]
		switch op.Value {
		case "=", "!=":
			v, err := sc.Parse(operand.Value)
			if err != nil {
				return nil, parser.Errorf(operand.Pos, "%s", err.Error())
			}
			c.kind, c.value, c.negative = condEqual, v, op.Value == "!="
			return c, nil
		case "~", "~*", "!~", "!~*":
			re, err := value.Regex(operand, operand.Value, strings.HasSuffix(op.Value, "*"))
			if err != nil {
				return nil, err
			}
			c.kind, c.re, c.negative = condRegex, re, op.Value[0] == '!'
			c.groups = re.NumSubexp() > 0
			return c, nil
		}
		return nil, parser.Errorf(op.Pos, "unexpected %q in condition", op.Value)
	case (len(p) == 2 && p[0] == '-') || (len(p) == 3 && p[0] == '!' && p[1] == '-'):
		if cur+1 != last {
			return nil, parser.Errorf(args[cur].Pos, "invalid condition %q", p)
		}
		switch p[len(p)-1] {
		case 'f', 'd', 'e', 'x':
			return nil, parser.Errorf(args[cur].Pos, "the file test %q in condition is not supported: gw serves no files", p)
		}
		return nil, parser.Errorf(args[cur].Pos, "invalid condition %q", p)
	}
	return nil, parser.Errorf(args[cur].Pos, "invalid condition %q", p)
}

// declareIfGroups adds the named groups of an if's regex, before the
// walk, so that a template may name them.
func declareIfGroups(d *parser.Directive, sc *vars.Scope) {
	for _, a := range d.Args[min(1, len(d.Args)):] {
		if re, err := regexp.Compile(strings.TrimSuffix(a.Value, ")")); err == nil {
			sc.AddCaptures(re.SubexpNames()...)
		}
	}
}
