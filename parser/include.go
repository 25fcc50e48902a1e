package parser

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// Options tell ParseFile how to find files.
type Options struct {
	// Prefix is the directory that relative paths resolve against: the
	// path given to ParseFile and every include. Empty means the current
	// directory. gw's -p flag sets it, as nginx's does.
	Prefix string

	// Overlay, when set, holds file texts by absolute, clean path, read
	// instead of the disk for the main file and for includes, and matched
	// by include globs as if they were on disk. It lets a changed
	// configuration be checked exactly as it would be once written (the
	// runtime API's configuration edits), without writing it.
	Overlay map[string][]byte

	// OnRead, when set, is called with every file's path (as positions name
	// it) and text as the file is read, from the overlay or the disk, in
	// reading order; a file included twice is reported twice. conf/edit
	// keeps the texts a tree was parsed from this way.
	OnRead func(path string, src []byte)
}

// ParseFile reads the configuration file at path and expands every
// `include FILE_OR_GLOB;`, in any context: the include directive is replaced
// by the included file's top-level directives, which keep their own file
// positions. A glob expands in sorted order and may match nothing; a plain
// path that cannot be opened is an error, as is an include cycle. Errors
// are *Error, worded like nginx's.
func ParseFile(path string, opts Options) ([]*Directive, error) {
	x := expander{prefix: opts.Prefix, overlay: opts.Overlay, onRead: opts.OnRead}
	return x.file(x.resolve(path), Pos{})
}

// expander carries the include state of one ParseFile call.
type expander struct {
	prefix  string
	overlay map[string][]byte
	onRead  func(path string, src []byte)
	stack   []openFile // files being read, outermost first
}

// openFile is a file whose directives are being expanded. info is nil for
// an overlay file that is not on disk; key is its overlay key.
type openFile struct {
	path string
	key  string
	info os.FileInfo
}

// resolve makes a relative path relative to the prefix.
func (x *expander) resolve(name string) string {
	if x.prefix == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(x.prefix, name)
}

// file reads, parses and expands one file; at is the include directive that
// named it (zero for the main file) and positions open and cycle errors.
func (x *expander) file(path string, at Pos) ([]*Directive, error) {
	o, src, err := x.read(path, at)
	if err != nil {
		return nil, err
	}
	if err := x.checkCycle(o, at); err != nil {
		return nil, err
	}
	if x.onRead != nil {
		x.onRead(path, src)
	}
	dirs, err := Parse(path, src)
	if err != nil {
		return nil, err
	}
	x.stack = append(x.stack, o)
	defer func() { x.stack = x.stack[:len(x.stack)-1] }()
	return x.expand(dirs)
}

// read returns the text of the file at path, from the overlay when it has
// the file, else from the disk.
func (x *expander) read(path string, at Pos) (openFile, []byte, error) {
	o := openFile{path: path}
	if x.overlay != nil {
		o.key = overlayKey(path)
		if src, ok := x.overlay[o.key]; ok {
			// The disk's identity, when the file is there too, still
			// catches a cycle through a symlink to it.
			o.info, _ = os.Stat(path)
			return o, src, nil
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return o, nil, &Error{Pos: at, Msg: SysFailed("open()", path, err)}
	}
	defer f.Close()
	if o.info, err = f.Stat(); err != nil {
		return o, nil, &Error{Pos: at, Msg: SysFailed("fstat()", path, err)}
	}
	src, err := io.ReadAll(f)
	if err != nil {
		return o, nil, &Error{Pos: at, Msg: SysFailed("pread()", path, err)}
	}
	return o, src, nil
}

// overlayKey is the key of path in an overlay: absolute and clean.
func overlayKey(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return filepath.Clean(path)
}

// checkCycle fails when o is a file already being read. It compares file
// identities, not names, so a symlink or "a/../a.conf" cannot sneak a cycle
// past it; overlay files not on disk compare by their overlay key.
func (x *expander) checkCycle(f openFile, at Pos) error {
	path := f.path
	for i, o := range x.stack {
		same := o.key != "" && o.key == f.key
		if o.info != nil && f.info != nil && os.SameFile(o.info, f.info) {
			same = true
		}
		if !same {
			continue
		}
		if i == len(x.stack)-1 {
			return &Error{Pos: at, Msg: "include cycle: " + strconv.Quote(o.path) + " includes itself"}
		}
		chain := make([]string, 0, len(x.stack)-i+1)
		for _, s := range x.stack[i:] {
			chain = append(chain, strconv.Quote(s.path))
		}
		chain = append(chain, strconv.Quote(path))
		return &Error{Pos: at, Msg: "include cycle: " + strings.Join(chain, " -> ")}
	}
	return nil
}

// expand replaces the include directives of a block, recursively.
func (x *expander) expand(dirs []*Directive) ([]*Directive, error) {
	out := make([]*Directive, 0, len(dirs))
	for _, d := range dirs {
		if d.Name != "include" {
			if d.Block != nil {
				block, err := x.expand(d.Block)
				if err != nil {
					return nil, err
				}
				d.Block = block
			}
			out = append(out, d)
			continue
		}
		included, err := x.include(d)
		if err != nil {
			return nil, err
		}
		out = append(out, included...)
	}
	return out, nil
}

// include expands one include directive. Like nginx, a name with "*", "?"
// or "[" is a glob (which may match nothing); any other name must exist.
func (x *expander) include(d *Directive) ([]*Directive, error) {
	if d.IsBlock() {
		return nil, &Error{Pos: d.Pos, Msg: `directive "include" is not terminated by ";"`}
	}
	if len(d.Args) != 1 {
		return nil, &Error{Pos: d.Pos, Msg: `invalid number of arguments in "include" directive`}
	}
	name := x.resolve(d.Args[0].Value)
	if !strings.ContainsAny(name, "*?[") {
		return x.file(name, d.Pos)
	}
	matches, err := x.glob(name)
	if err != nil {
		return nil, &Error{Pos: d.Pos, Msg: `glob() "` + name + `" failed`}
	}
	var out []*Directive
	for _, m := range matches {
		if hiddenMatch(name, m) {
			continue
		}
		dirs, err := x.file(m, d.Pos)
		if err != nil {
			return nil, err
		}
		out = append(out, dirs...)
	}
	return out, nil
}

// glob returns the sorted matches of pattern on disk and, with an overlay,
// among the overlay's files too (once each), as if they had been written.
func (x *expander) glob(pattern string) ([]string, error) {
	matches, err := filepath.Glob(pattern)
	if err != nil || x.overlay == nil {
		sort.Strings(matches)
		return matches, err
	}
	seen := make(map[string]bool, len(matches))
	for _, m := range matches {
		seen[overlayKey(m)] = true
	}
	abs := overlayKey(pattern)
	for k := range x.overlay {
		if ok, _ := filepath.Match(abs, k); ok && !seen[k] && !hiddenMatch(abs, k) {
			matches = append(matches, k)
		}
	}
	sort.Strings(matches)
	return matches, nil
}

// SysFailed words a failed system call the way nginx logs it:
// `open() "/etc/gw/x.conf" failed (2: No such file or directory)`. conf's
// readers of other files (user files) word their failures with it too.
func SysFailed(call, path string, err error) string {
	msg := call + ` "` + path + `" failed`
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return msg + " (" + err.Error() + ")"
	}
	text := errno.Error()
	if text != "" {
		// Go's texts are strerror's, lower-cased; nginx prints strerror.
		text = strings.ToUpper(text[:1]) + text[1:]
	}
	return msg + " (" + strconv.Itoa(int(errno)) + ": " + text + ")"
}

// hiddenMatch reports whether glob(3), which nginx uses, would have skipped
// match: a wildcard does not match a leading "." there (so editor and OS
// droppings like ".x.conf" stay out), while Go's filepath.Glob matches it.
func hiddenMatch(pattern, match string) bool {
	pat := strings.Split(filepath.Clean(pattern), string(filepath.Separator))
	got := strings.Split(match, string(filepath.Separator))
	if len(pat) != len(got) {
		return false
	}
	for i, p := range pat {
		if strings.HasPrefix(got[i], ".") && !strings.HasPrefix(p, ".") {
			return true
		}
	}
	return false
}
