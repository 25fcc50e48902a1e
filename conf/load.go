package conf

import (
	"os"
	"path/filepath"

	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// DefaultFile is the configuration file used when LoadOptions.File is
// empty, relative to the prefix (nginx's conf/nginx.conf).
const DefaultFile = "conf/gw.conf"

// GlobalsFile is the file name in positions of errors in -g directives;
// nginx names them "command line".
const GlobalsFile = "command line"

// LoadOptions are the command-line inputs of a load.
type LoadOptions struct {
	Prefix  string // -p: relative paths resolve against it; "" is the current directory
	File    string // -c: the configuration file; "" is DefaultFile
	Globals string // -g: main-context directives applied before the file, as nginx does

	// Overlay holds file texts by absolute path, used instead of the disk
	// for the configuration file and its includes (parser.Options.Overlay):
	// the runtime API checks an edited configuration this way, exactly as
	// gw -t would once it is written, before writing anything.
	Overlay map[string][]byte
}

// Load reads, builds and validates the configuration the way gw -t does:
// parse the file with its includes, parse the -g directives, build the
// model, check cross references. It returns the first error, as nginx stops
// at its first; errors are *parser.Error with the position they refer to.
func Load(opts LoadOptions) (*Config, error) {
	prefix, err := absPrefix(opts.Prefix)
	if err != nil {
		return nil, err
	}
	file := opts.File
	if file == "" {
		file = DefaultFile
	}
	file = prefixed(prefix, file)
	var tree []*parser.Directive
	if opts.Globals != "" {
		g, err := parser.Parse(GlobalsFile, []byte(opts.Globals))
		if err != nil {
			return nil, err
		}
		tree = g
	}
	fileTree, err := parser.ParseFile(file, parser.Options{Prefix: prefix, Overlay: opts.Overlay})
	if err != nil {
		return nil, err
	}
	tree = append(tree, fileTree...)
	return build(tree, prefix, file)
}

// Build builds and validates a directive tree whose includes are already
// expanded (parser.ParseFile's result). prefix resolves relative paths and
// is made absolute. Tests use it with trees from parser.Parse.
func Build(tree []*parser.Directive, prefix string) (*Config, error) {
	prefix, err := absPrefix(prefix)
	if err != nil {
		return nil, err
	}
	file := ""
	if len(tree) > 0 {
		file = tree[0].Pos.File
	}
	return build(tree, prefix, file)
}

// build is Load and Build after the tree is read: walk, check the cross
// references, merge the settings levels, then the checks that need merged
// settings.
func build(tree []*parser.Directive, prefix, file string) (*Config, error) {
	b := newBuilder(prefix)
	b.cfg.File, b.cfg.Tree = file, tree
	b.captures = serverNameCaptures(tree)
	b.scope = vars.NewScope(b.captures)
	b.declareVariables(tree)
	b.cfg.Variables = b.scope
	if err := b.walk(tree, ctxMain); err != nil {
		return nil, err
	}
	if err := b.runChecks(); err != nil {
		return nil, err
	}
	b.merge()
	if h := b.cfg.HTTP; h != nil {
		if err := validateHTTP(b, h); err != nil {
			return nil, err
		}
	}
	if !b.sawEvents {
		// nginx names no line for this one; gw points at the file's start.
		return nil, errorAt(parser.Pos{File: file, Line: 1, Col: 1}, "no \"events\" section in configuration")
	}
	return b.cfg, nil
}

// absPrefix makes the prefix absolute; "" is the current directory, as for
// nginx without -p (gw has no compiled-in prefix).
func absPrefix(p string) (string, error) {
	if p == "" {
		return os.Getwd()
	}
	return filepath.Abs(p)
}
