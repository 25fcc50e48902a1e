// Command gw is an HTTP gateway that reads nginx's configuration language and
// gives web applications session persistence. Its command line is nginx's:
// -c -p -e -g -t -T -q -s -v -V, with nginx's messages and exit codes.
package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/gw-proxy/gw/cmd/gw/internal/serve"
	"github.com/gw-proxy/gw/conf/vars"
)

func main() {
	vars.Version = serve.Version
	os.Exit(run(os.Args, os.Stderr))
}

// run is main without os.Exit, so the exit code is decided in one place.
func run(args []string, stderr *os.File) int {
	app := newApp()
	app.ErrWriter = stderr
	if err := app.Run(helpAliases(args)); err != nil {
		if ec, ok := err.(cli.ExitCoder); ok {
			if msg := ec.Error(); msg != "" {
				fmt.Fprintln(stderr, msg)
			}
			return ec.ExitCode()
		}
		// Flag errors from urfave/cli: nginx answers a bad option with
		// `invalid option` and exit code 1.
		fmt.Fprintf(stderr, "gw: %v\n", err)
		return 1
	}
	return 0
}

// helpAliases spells nginx's -? as -h, which the flag parser knows: a
// question mark cannot name a flag there.
func helpAliases(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if i > 0 && a == "-?" {
			a = "-h"
		}
		out[i] = a
	}
	return out
}

// newApp declares nginx's flags. urfave/cli's own -v/--version and help
// command are replaced so that -v and -V mean what they mean to nginx.
func newApp() *cli.App {
	return &cli.App{
		Name:                   "gw",
		Usage:                  "HTTP gateway with nginx's configuration language and sticky sessions",
		UsageText:              "gw [-?hvVtTq] [-s signal] [-p prefix] [-e filename] [-c filename] [-g directives]",
		HideVersion:            true,
		HideHelpCommand:        true,
		UseShortOptionHandling: true,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "v", Usage: "show version and exit"},
			&cli.BoolFlag{Name: "V", Usage: "show version, build details and supported directives, and exit"},
			&cli.BoolFlag{Name: "t", Usage: "test configuration and exit"},
			&cli.BoolFlag{Name: "T", Usage: "test configuration, dump it and exit"},
			&cli.BoolFlag{Name: "q", Usage: "suppress non-error messages during configuration testing"},
			&cli.StringFlag{Name: "s", Usage: "send signal to the running gw: stop, quit, reopen, reload"},
			&cli.StringFlag{Name: "p", Usage: "set prefix path (default: the current directory)"},
			&cli.StringFlag{Name: "e", Usage: "set error log file until the configuration is read (stderr allowed)"},
			&cli.StringFlag{Name: "c", Usage: "set configuration file (default: conf/gw.conf)"},
			&cli.StringFlag{Name: "g", Usage: "set global directives out of configuration file"},
		},
		Action: action,
	}
}

// action dispatches in nginx's order: version, signal, test, serve.
func action(c *cli.Context) error {
	if c.NArg() > 0 {
		return cli.Exit(fmt.Sprintf("gw: invalid option: %q", c.Args().First()), 1)
	}
	switch {
	case c.Bool("V"):
		printVersion(c.App.ErrWriter, true)
		return nil
	case c.Bool("v"):
		printVersion(c.App.ErrWriter, false)
		return nil
	}
	opts, err := loadOptions(c)
	if err != nil {
		return cli.Exit("gw: [emerg] "+err.Error(), 1)
	}
	switch {
	case c.String("s") != "":
		return sendSignal(c.App.ErrWriter, opts, c.String("s"))
	case c.Bool("t") || c.Bool("T"):
		return testConfig(c.App.Writer, c.App.ErrWriter, opts, c.Bool("T"), c.Bool("q"))
	}
	return serveUntilStopped(opts, c.String("e"))
}
