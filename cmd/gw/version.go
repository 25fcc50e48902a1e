package main

import (
	"fmt"
	"io"
	goruntime "runtime"
	"runtime/debug"
	"strings"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve"
	"github.com/gw-proxy/gw/conf"
)

// printVersion writes what nginx's -v and -V write, to stderr as nginx does.
func printVersion(w io.Writer, details bool) {
	fmt.Fprintf(w, "gw version: gw/%s\n", serve.Version)
	if !details {
		return
	}
	fmt.Fprintf(w, "built with %s %s/%s\n", goruntime.Version(), goruntime.GOOS, goruntime.GOARCH)
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range bi.Deps {
			fmt.Fprintf(w, "module %s %s\n", dep.Path, dep.Version)
		}
	}
	fmt.Fprintf(w, "directives: %s\n", strings.Join(conf.DirectiveNames(), " "))
}
