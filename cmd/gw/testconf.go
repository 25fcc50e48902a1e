package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve"
	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/parser"
)

// testConfig is -t and -T: parse, build and validate, then answer in nginx's
// words. It never binds a socket or starts anything. Notices and warnings are
// printed unless -q; errors always are.
func testConfig(stdout, stderr io.Writer, opts conf.LoadOptions, dump, quiet bool) error {
	cfg, err := serve.Check(opts)
	if err != nil {
		fmt.Fprintf(stderr, "gw: [emerg] %v\n", err)
		return cli.Exit(fmt.Sprintf("gw: configuration file %s test failed", opts.File), 1)
	}
	if !quiet {
		for _, n := range cfg.Notices {
			fmt.Fprintf(stderr, "gw: [notice] %s in %s\n", n.Msg, n.Pos)
		}
		for _, n := range cfg.Warnings {
			fmt.Fprintf(stderr, "gw: [warn] %s in %s\n", n.Msg, n.Pos)
		}
		fmt.Fprintf(stderr, "gw: the configuration file %s syntax is ok\n", opts.File)
		fmt.Fprintf(stderr, "gw: configuration file %s test is successful\n", opts.File)
	}
	if dump {
		fmt.Fprintf(stdout, "# configuration file %s:\n", opts.File)
		if err := parser.Print(stdout, cfg.Tree); err != nil {
			return cli.Exit("gw: [emerg] "+err.Error(), 1)
		}
	}
	return nil
}
