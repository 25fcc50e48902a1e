package edit

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/gw-proxy/gw/parser"
)

// Files is a configuration as text: the main file and every file it includes
// (globs expanded as the parser does), by absolute, clean path. Every edit
// parses these texts, never the disk, and replaces the texts it changes
// with new slices: a text is never modified in place, so a Clone shares
// nothing that changes. Files is not safe for concurrent use.
type Files struct {
	Main   string            // the main configuration file, absolute
	Prefix string            // the prefix include paths are relative to, absolute
	Text   map[string][]byte // every file read, by absolute path
}

// Read reads the configuration file main and every file it includes, with
// include paths relative to prefix ("" is the current directory), as gw
// does; a relative main is relative to prefix too. Its errors are the
// parser's, positioned.
func Read(main, prefix string) (*Files, error) {
	if prefix == "" {
		prefix = "."
	}
	prefix, err := filepath.Abs(prefix)
	if err != nil {
		return nil, err
	}
	if !filepath.IsAbs(main) {
		main = filepath.Join(prefix, main)
	}
	f := &Files{Main: filepath.Clean(main), Prefix: prefix, Text: map[string][]byte{}}
	_, err = parser.ParseFile(f.Main, parser.Options{Prefix: prefix, OnRead: func(path string, src []byte) {
		f.Text[filepath.Clean(path)] = src
	}})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Clone returns a copy of f that can be edited without changing f: a
// transaction's working copy.
func (f *Files) Clone() *Files {
	c := &Files{Main: f.Main, Prefix: f.Prefix, Text: make(map[string][]byte, len(f.Text))}
	for p, t := range f.Text {
		c.Text[p] = bytes.Clone(t)
	}
	return c
}

// Changed returns the paths whose text differs between f and orig, or that
// only one of them has, sorted: the files to write.
func (f *Files) Changed(orig *Files) []string {
	var out []string
	for p, t := range f.Text {
		if o, ok := orig.Text[p]; !ok || !bytes.Equal(o, t) {
			out = append(out, p)
		}
	}
	for p := range orig.Text {
		if _, ok := f.Text[p]; !ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// doc is the configuration parsed from f's texts for one operation.
type doc struct {
	f     *Files
	tree  []*parser.Directive
	http  *parser.Directive // the first http block; nil when there is none
	reads map[string]int    // how many times each file is included
}

// load parses f's texts, includes expanded, without reading the disk: a
// file the configuration includes that f does not hold (one created since
// Read, matched by a glob) is an error rather than a silent read.
func (f *Files) load() (*doc, error) {
	d := &doc{f: f, reads: map[string]int{}}
	var missing string
	tree, err := parser.ParseFile(f.Main, parser.Options{Prefix: f.Prefix, Overlay: f.Text,
		OnRead: func(path string, _ []byte) {
			path = filepath.Clean(path)
			d.reads[path]++
			if _, ok := f.Text[path]; !ok && missing == "" {
				missing = path
			}
		}})
	if err != nil {
		return nil, err
	}
	if missing != "" {
		return nil, fmt.Errorf("%s is included but was not read with the configuration: read it again", missing)
	}
	d.tree = tree
	for _, dir := range tree {
		if dir.Name == "http" && dir.IsBlock() {
			d.http = dir
			break
		}
	}
	return d, nil
}

// httpBlock returns the directives of the http block, nil when there is none.
func (d *doc) httpBlock() []*parser.Directive {
	if d.http == nil {
		return nil
	}
	return d.http.Block
}

// fileOf returns the path of the file a directive is written in, as a key
// of Files.Text.
func fileOf(dir *parser.Directive) string { return filepath.Clean(dir.Pos.File) }
