package conf

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/gw-proxy/gw/conf/upstream"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// builder carries the state of one build: the Config being filled, where
// the walker is (the server, location and upstream being built) and the
// settings levels waiting to be merged.
type builder struct {
	cfg *Config

	server        *Server          // the server block being walked, nil outside one
	loc           *Location        // the innermost location being walked, nil outside one
	branch        *Location        // the innermost if block of loc being walked (Location.Branches)
	upstreamBlock *upstream.Config // the upstream block being walked, nil outside one

	lvl    *level   // the settings level of the block being walked
	levels []*level // every level, parents before children: merge order
	httpLv *level   // the http level, root of all settings

	checks []func() error // cross-reference checks run after the walk

	// captures are the named groups of the configuration's server_name
	// regexes, lower-cased: nginx makes each a variable, wherever the
	// regex is written.
	captures []string
	// scope holds the variables the configuration defines (map, set) and
	// every named capture; templates of the configuration parse within it.
	scope *vars.Scope

	sawEvents   bool // nginx refuses a configuration without events {}
	errorLogSet bool // a main-context error_log was written
}

// level is one block that holds inherited settings: http, a server or a
// location. Its setters ran during the walk; their closures wait here until
// every level above is complete.
type level struct {
	parent  *level
	out     *Settings // filled by merge; Server.Settings / Location.Settings point here
	pending []pending
	// proxyPassVars: this level's proxy_pass holds variables, which
	// forbids an explicit proxy_redirect default after it.
	proxyPassVars bool
	// branch: the level is an if block in a location (Location.Branches),
	// which keeps the enclosing level's content (see inheritBranch).
	branch bool
}

// pending is a setting met during the walk, not applied yet.
type pending struct {
	row   *directive
	apply func(*Settings)
}

// newBuilder starts a build with nginx's main-context defaults.
func newBuilder(prefix string) *builder {
	return &builder{cfg: defaultConfig(prefix)}
}

// walk runs every directive of a block in context ctx. Repetition of a
// non-multi directive is checked per block instance, as nginx's slot
// handlers do by finding their slot already set.
func (b *builder) walk(block []*parser.Directive, ctx ctxMask) error {
	seen := make(map[string]bool, len(block))
	for _, d := range block {
		row, err := lookup(d, ctx)
		if err != nil {
			return err
		}
		if !row.multi {
			if seen[d.Name] {
				return errorAt(d.Pos, "%q directive is duplicate", d.Name)
			}
			seen[d.Name] = true
		}
		if err := b.run(row, d); err != nil {
			return err
		}
	}
	return nil
}

// run hands a checked directive to its row's function.
func (b *builder) run(row *directive, d *parser.Directive) error {
	if row.handle != nil {
		return row.handle(b, d)
	}
	apply, err := row.set(b, d)
	if err != nil {
		return err
	}
	b.lvl.pending = append(b.lvl.pending, pending{row: row, apply: apply})
	return nil
}

// pushLevel opens a settings level below the current one (http when there
// is none) and returns a function that closes it again.
func (b *builder) pushLevel(out *Settings) (pop func()) {
	parent := b.lvl
	lv := &level{parent: parent, out: out}
	b.levels = append(b.levels, lv)
	if parent == nil {
		b.httpLv = lv
	}
	b.lvl = lv
	return func() { b.lvl = parent }
}

// merge computes every level's Settings top-down: a copy of the parent's
// (or the defaults for http) with the level's own closures applied.
func (b *builder) merge() {
	for _, lv := range b.levels {
		switch {
		case lv.parent == nil:
			*lv.out = *defaultSettings(b.cfg.Prefix)
		case lv.branch:
			lv.out.inheritBranch(lv.parent.out)
		default:
			lv.out.inherit(lv.parent.out)
		}
		cleared := make(map[string]bool)
		for _, p := range lv.pending {
			if p.row.reset != nil && !cleared[p.row.name] {
				p.row.reset(lv.out)
				cleared[p.row.name] = true
			}
			p.apply(lv.out)
		}
	}
}

// later queues a check that needs the whole tree (a name used before the
// block that defines it). Checks run in the order they were queued, after
// the walk and before the settings are merged, so what a check binds (an
// upstream, a log format) is in every copy merge makes.
func (b *builder) later(check func() error) { b.checks = append(b.checks, check) }

// runChecks runs the queued checks and stops at the first error, as nginx
// stops at its first.
func (b *builder) runChecks() error {
	for _, c := range b.checks {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

// http returns the http block being built, nil outside it.
func (b *builder) http() *HTTP { return b.cfg.HTTP }

// currentUpstream returns the upstream block being walked, nil outside one.
func (b *builder) currentUpstream() *upstream.Config { return b.upstreamBlock }

// walkUpstream walks an upstream's block with u as the current upstream.
func (b *builder) walkUpstream(u *upstream.Config, block []*parser.Directive) error {
	b.upstreamBlock = u
	defer func() { b.upstreamBlock = nil }()
	return b.walk(block, ctxUpstream)
}

// notice records an accepted directive that means nothing to gw.
func (b *builder) notice(pos parser.Pos, format string, args ...any) {
	b.cfg.Notices = append(b.cfg.Notices, Notice{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// warn records a legal setting that is probably not what the operator meant.
func (b *builder) warn(pos parser.Pos, format string, args ...any) {
	b.cfg.Warnings = append(b.cfg.Warnings, Notice{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// path resolves a file name of the configuration against the prefix, as
// nginx resolves relative paths against its prefix.
func (b *builder) path(name string) string {
	return prefixed(b.cfg.Prefix, name)
}

// prefixed joins name to prefix unless it is absolute.
func prefixed(prefix, name string) string {
	if filepath.IsAbs(name) {
		return filepath.Clean(name)
	}
	return filepath.Join(prefix, name)
}

// template parses an argument that may hold variables, named captures of
// server_name regexes included.
func (b *builder) template(a parser.Arg) (*vars.Template, error) {
	t, err := b.scope.Parse(a.Value)
	if err != nil {
		return nil, parser.Errorf(a.Pos, "%s", err.Error())
	}
	return t, nil
}

// serverNameCaptures lists the named groups of every server_name regex in
// tree, before the walk, so that a variable may name a group of a regex
// written after it. A regex that does not compile is left to the walk,
// which reports it.
func serverNameCaptures(tree []*parser.Directive) []string {
	var names []string
	var walk func([]*parser.Directive)
	walk = func(block []*parser.Directive) {
		for _, d := range block {
			if d.Name == "server_name" {
				for _, a := range d.Args {
					src, ok := strings.CutPrefix(a.Value, "~")
					if !ok {
						continue
					}
					re, err := regexp.Compile(src)
					if err != nil {
						continue
					}
					for _, n := range re.SubexpNames() {
						if n != "" && !slices.Contains(names, strings.ToLower(n)) {
							names = append(names, strings.ToLower(n))
						}
					}
				}
			}
			walk(d.Block)
		}
	}
	walk(tree)
	return names
}
