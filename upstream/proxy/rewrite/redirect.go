package rewrite

import (
	"bytes"
	"regexp"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/conf/vars"
)

// Redirect is one proxy_redirect, compiled: the Location and Refresh
// headers of a response are rewritten by the first rule that matches, as
// ngx_http_proxy_rewrite_redirect does.
type Redirect struct {
	from     []byte         // a text prefix, compared case-sensitively
	fromVars *vars.Template // or such a prefix with variables, evaluated per response
	regex    *regexp.Regexp // or a regex matched against the whole value
	to       *vars.Template
	lit      []byte // the replacement when it is fixed (the default rule)
}

// NewRedirects compiles st.ProxyRedirects. `proxy_redirect default`
// is nginx's: with a URI part, the proxy_pass URL is replaced by the
// location's name; without one, URL + "/" by "/".
func NewRedirects(loc *conf.Location, st *conf.Settings, pp *conf.ProxyPass) []Redirect {
	var rules []Redirect
	for _, pr := range st.ProxyRedirects {
		if !pr.Default {
			rules = append(rules, Redirect{from: []byte(pr.From), fromVars: pr.FromVars, regex: pr.Regex, to: pr.To})
			continue
		}
		if pp.Vars != nil {
			// nginx's default rule needs a fixed URL: conf refuses an
			// explicit one, and the inherited one does nothing.
			continue
		}
		rule := Redirect{from: []byte(pp.URL + "/"), lit: []byte("/")}
		if pp.URI != "" && loc != nil {
			rule = Redirect{from: []byte(pp.URL), lit: []byte(loc.Pattern)}
		}
		rules = append(rules, rule)
	}
	return rules
}

// ApplyRedirect returns value with the first matching rule applied,
// appending into dst, or value itself when no rule matches. refresh says the
// header is Refresh, whose URL follows "url=".
func ApplyRedirect(dst []byte, rules []Redirect, value []byte, refresh bool, r *vars.Request) ([]byte, bool) {
	prefix := 0
	if refresh {
		i := indexFold(value, "url=")
		if i < 0 {
			return value, false
		}
		prefix = i + len("url=")
	}
	target := value[prefix:]
	for i := range rules {
		rule := &rules[i]
		if rule.regex != nil {
			m := rule.regex.FindSubmatchIndex(target)
			if m == nil {
				continue
			}
			dst = append(dst[:0], value[:prefix]...)
			return appendWithCaptures(dst, rule.to, r, m, target), true
		}
		from := rule.from
		if rule.fromVars != nil {
			// Evaluated into dst, which is rebuilt below only on a
			// match, and then only its length is still needed.
			dst = rule.fromVars.Append(dst[:0], r)
			from = dst
		}
		if !bytes.HasPrefix(target, from) {
			continue
		}
		n := len(from)
		dst = append(dst[:0], value[:prefix]...)
		if rule.lit != nil {
			dst = append(dst, rule.lit...)
		} else {
			dst = rule.to.Append(dst, r)
		}
		return append(dst, target[n:]...), true
	}
	return value, false
}

// appendWithCaptures evaluates to with the regex's captures as $1..$9,
// leaving the request's own captures (from the location) as they were.
func appendWithCaptures(dst []byte, to *vars.Template, r *vars.Request, m []int, subject []byte) []byte {
	saved, savedSubject := r.Captures, r.CaptureSubject
	r.Captures, r.CaptureSubject = m, subject
	dst = to.Append(dst, r)
	r.Captures, r.CaptureSubject = saved, savedSubject
	return dst
}

// indexFold finds the lower-case ASCII needle in s, case-insensitively.
func indexFold(s []byte, needle string) int {
	for i := 0; i+len(needle) <= len(s); i++ {
		if vars.LowerEqual(s[i:i+len(needle)], needle) {
			return i
		}
	}
	return -1
}
