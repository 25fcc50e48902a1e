package rewrite

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// Rewrite is `rewrite regex replacement [last|break|redirect|permanent];`
// with ngx_http_rewrite's rules: when regex matches the URI, the
// replacement (with $1..$9 and named captures of regex) becomes the URI,
// its arguments followed by the original ones unless it ends with "?". A
// replacement starting with http://, https:// or $scheme, or the flags
// redirect and permanent, answer with a redirect (302, 301 for
// permanent) instead.
type Rewrite struct {
	Pos     parser.Pos
	re      *regexp.Regexp
	repl    *vars.Template
	addArgs bool // the replacement did not end with "?"
	hasArgs bool // the replacement has a "?" of its own
	code    int  // 301 or 302 for a redirect, else 0
	outcome Outcome
}

var _ Step = (*Rewrite)(nil)

// Run rewrites the URI when the regex matches it.
func (rw *Rewrite) Run(r *vars.Request) (Outcome, *Return) {
	uri := r.Ctx.URI()
	path := uri.Path()
	loc := rw.re.FindSubmatchIndex(path)
	if l := r.RewriteLog; l != nil {
		logMatch(l, rw.re, path, loc != nil)
	}
	if loc == nil {
		return Next, nil
	}
	subject := bytes.Clone(path)
	r.CaptureNames, r.CaptureSubject, r.Captures = rw.re.SubexpNames(), subject, loc
	out := rw.repl.AppendReplacement(nil, r, quotedPath(r.Ctx.Request.Header.RequestURI()), rw.code != 0)
	if args := uri.QueryString(); rw.addArgs && len(args) > 0 {
		if rw.hasArgs {
			out = append(out, '&')
		} else {
			out = append(out, '?')
		}
		out = append(out, args...)
	}
	if rw.code != 0 {
		r.RedirectCode, r.RedirectURL = rw.code, out
		if l := r.RewriteLog; l != nil {
			l.RewriteNotice(`rewritten redirect: "` + string(out) + `"`)
		}
		return Redirect, nil
	}
	newPath, newArgs, _ := bytes.Cut(out, []byte{'?'})
	if l := r.RewriteLog; l != nil {
		l.RewriteNotice(`rewritten data: "` + string(newPath) + `", args: "` + string(newArgs) + `"`)
	}
	newArgs = bytes.Clone(newArgs)
	uri.SetPathBytes(newPath)
	uri.SetQueryStringBytes(newArgs)
	r.Rewritten = true
	if rw.outcome == Stop {
		// rewrite ... break: the new URI is served here, as nginx's
		// break_cycle clears r->valid_location and r->uri_changed.
		r.URIChanged, r.LocationLost = false, true
	} else {
		r.URIChanged = true // last, or no flag: search the location again
	}
	return rw.outcome, nil
}

// quotedPath reports whether the path of the client's request URI held a
// percent-escape or a '+' (nginx's quoted_uri and plus_in_uri), which
// makes the captures copied into arguments escaped again.
func quotedPath(raw []byte) bool {
	if i := bytes.IndexByte(raw, '?'); i >= 0 {
		raw = raw[:i]
	}
	return bytes.IndexByte(raw, '%') >= 0 || bytes.IndexByte(raw, '+') >= 0
}

// logMatch is rewrite_log's line for a regex of rewrite or if, in
// nginx's words.
func logMatch(l vars.RewriteLogger, re *regexp.Regexp, subject []byte, matched bool) {
	verb := `" matches "`
	if !matched {
		verb = `" does not match "`
	}
	l.RewriteNotice(`"` + strings.TrimPrefix(re.String(), "(?i)") + verb + string(subject) + `"`)
}

// ParseRewrite reads `rewrite regex replacement [flag];` (two or three
// arguments, checked by conf's table), with nginx's errors: the regex's,
// the template's, `invalid parameter "x"` for an unknown flag.
func ParseRewrite(d *parser.Directive, sc *vars.Scope) (*Rewrite, error) {
	re, err := value.Regex(d.Args[0], d.Args[0].Value, false)
	if err != nil {
		return nil, err
	}
	rw := &Rewrite{Pos: d.Pos, re: re, outcome: Next}
	src := d.Args[1].Value
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "$scheme") {
		rw.code = 302
	}
	if len(d.Args) == 3 {
		switch f := d.Args[2]; f.Value {
		case "last":
			rw.outcome = Last
		case "break":
			rw.outcome = Stop
		case "redirect":
			rw.code = 302
		case "permanent":
			rw.code = 301
		default:
			return nil, parser.Errorf(f.Pos, "invalid parameter %q", f.Value)
		}
	}
	if strings.HasSuffix(src, "?") {
		src = src[:len(src)-1]
	} else {
		rw.addArgs = true
	}
	rw.hasArgs = strings.Contains(src, "?")
	t, err := sc.Parse(src)
	if err != nil {
		return nil, parser.Errorf(d.Args[1].Pos, "%s", err.Error())
	}
	rw.repl = t
	return rw, nil
}

// declareRewriteGroups adds the named groups of a rewrite's regex.
func declareRewriteGroups(d *parser.Directive, sc *vars.Scope) {
	if len(d.Args) == 0 {
		return
	}
	if re, err := regexp.Compile(d.Args[0].Value); err == nil {
		sc.AddCaptures(re.SubexpNames()...)
	}
}
