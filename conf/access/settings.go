package access

import (
	"strings"

	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// Settings are the access-control directives in effect at one level
// (http, server or location). conf copies a level's parent into it,
// calls StartLevel, then applies the level's own directives in file order,
// which is nginx's merge for all of them.
type Settings struct {
	// Rules are the allow and deny lines of the innermost level that has
	// any, in the order written: a level with rules of its own does not
	// see its parent's (ngx_http_access_merge_loc_conf).
	Rules []Rule

	// Realm is auth_basic's realm; nil when auth_basic is off or not
	// written. A realm with variables that evaluates to "off" for a
	// request turns authentication off for it, as in nginx.
	Realm *vars.Template

	// UserFile is auth_basic_user_file, read when the configuration was
	// built; nil when not written. A request is authenticated only where
	// both Realm and UserFile are set: nginx lets it through otherwise.
	UserFile *UserFile

	// SatisfyAny is `satisfy any`: a request passes when the rules or
	// authentication let it through. nginx's default, all, needs both.
	SatisfyAny bool

	ownRules bool // the rules were written at this level
}

// StartLevel readies a copy of the parent level's settings for the
// level's own directives: its first allow or deny replaces the inherited
// rules rather than adding to them.
func (s *Settings) StartLevel() { s.ownRules = false }

// Active reports whether a request at this level has anything to check:
// false costs the request handler nothing more than this test.
func (s *Settings) Active() bool {
	return len(s.Rules) > 0 || (s.Realm != nil && s.UserFile != nil)
}

// Guarded reports whether anything here keeps some clients out: basic
// authentication in force (a realm and a user file; `auth_basic off`
// is none) or at least one deny rule. It is what gw -t asks of a
// location that can change gw (gw_api); whether the rules keep out the
// right clients is the operator's to say.
func (s *Settings) Guarded() bool {
	if s.Realm != nil && s.UserFile != nil {
		return true
	}
	for _, r := range s.Rules {
		if r.Deny {
			return true
		}
	}
	return false
}

// addRule appends r to the rules of the level being applied.
func (s *Settings) addRule(r Rule) {
	if !s.ownRules {
		s.Rules, s.ownRules = nil, true // never append to the parent's array
	}
	s.Rules = append(s.Rules, r)
}

// Env is what reading a directive needs from the configuration being
// built.
type Env struct {
	// Path resolves a file name of the configuration against the prefix.
	Path func(name string) string
	// Warn records a gw -t warning, also logged when gw loads the
	// configuration.
	Warn func(pos parser.Pos, format string, args ...any)
	// Template parses an argument with the configuration's variables;
	// nil is value.Template, the built-in ones.
	Template value.Templater
}

// template parses a with env's templater.
func (env Env) template(a parser.Arg) (*vars.Template, error) {
	if env.Template == nil {
		return value.Template(a)
	}
	return env.Template(a)
}

// Reader is the form of every directive reader of this package: it checks
// the directive (whose argument count conf's table has checked) and
// returns how to apply it to a level's Settings.
type Reader func(d *parser.Directive, env Env) (func(*Settings), error)

// ReadRealm reads `auth_basic REALM|off`. The realm may hold variables;
// a literal "off" turns authentication off here and below.
func ReadRealm(d *parser.Directive, env Env) (func(*Settings), error) {
	t, err := env.template(d.Args[0])
	if err != nil {
		return nil, err
	}
	if t.IsLiteral() && t.Literal() == "off" {
		t = nil
	}
	return func(s *Settings) { s.Realm = t }, nil
}

// ReadUserFile reads `auth_basic_user_file FILE` and the file itself.
// nginx allows variables in the name and opens the file per request; gw
// reads it now, so a name with variables is refused.
func ReadUserFile(d *parser.Directive, env Env) (func(*Settings), error) {
	a := d.Args[0]
	t, err := env.template(a)
	if err != nil {
		return nil, err
	}
	if !t.IsLiteral() {
		return nil, parser.Errorf(a.Pos, "variables in %q are not supported: gw reads the file when it loads the configuration", d.Name)
	}
	f, err := LoadUserFile(env.Path(t.Literal()), env.Warn)
	if err != nil {
		return nil, parser.Errorf(a.Pos, "%s", err.Error())
	}
	return func(s *Settings) { s.UserFile = f }, nil
}

// ReadSatisfy reads `satisfy all|any`; like ngx_conf_set_enum_slot it
// takes the words in any case.
func ReadSatisfy(d *parser.Directive, _ Env) (func(*Settings), error) {
	a := d.Args[0]
	var anyOf bool
	switch {
	case strings.EqualFold(a.Value, "all"):
	case strings.EqualFold(a.Value, "any"):
		anyOf = true
	default:
		return nil, parser.Errorf(a.Pos, "invalid value %q", a.Value)
	}
	return func(s *Settings) { s.SatisfyAny = anyOf }, nil
}
