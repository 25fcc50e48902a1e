package conf

import (
	"os"

	"github.com/gw-proxy/gw/conf/creds"
	"github.com/gw-proxy/gw/conf/logs"
	"github.com/gw-proxy/gw/conf/value"
	"github.com/gw-proxy/gw/parser"
)

// mainDirectives are the main and events contexts, and the http block
// itself.
var mainDirectives = []directive{
	{name: "daemon", ctx: ctxMain, args: onOff, handle: daemonDirective},
	{name: "user", ctx: ctxMain, args: between(1, 2), handle: userDirective},
	{name: "pid", ctx: ctxMain, args: exactly(1), handle: pidDirective},
	{name: "error_log", ctx: ctxMain, args: between(1, 2), multi: true, handle: errorLogDirective},
	// nginx also takes error_log per http/server/location; gw keeps one
	// error log, so an inner one is accepted (configurations are pasted
	// from nginx) and reported.
	{name: "error_log", ctx: ctxHSL, args: between(1, 2), multi: true, handle: innerErrorLog},
	{name: "worker_processes", ctx: ctxMain, args: exactly(1), handle: workerProcesses},
	{name: "worker_shutdown_timeout", ctx: ctxMain, args: exactly(1), handle: shutdownTimeout},
	{name: "events", ctx: ctxMain, args: exactly(0), block: true, handle: eventsBlock},
	{name: "worker_connections", ctx: ctxEvents, args: exactly(1), handle: workerConnections},
	{name: "http", ctx: ctxMain, args: exactly(0), block: true, handle: httpBlock},
	{name: "include", ctx: ctxMain | ctxEvents | ctxHSL | ctxUpstream, args: exactly(1), multi: true,
		handle: unexpandedInclude},
}

func daemonDirective(b *builder, d *parser.Directive) error {
	b.cfg.Daemon = isOn(d.Args[0])
	return nil
}

func userDirective(b *builder, d *parser.Directive) error {
	u, err := creds.Read(d, os.Geteuid())
	if u == nil && err == nil {
		b.warn(d.Pos, creds.Ignored)
	}
	b.cfg.User = u
	return err
}

// pidDirective takes a file name; "off" writes no pid file (gw's model of
// nginx's absent pid).
func pidDirective(b *builder, d *parser.Directive) error {
	if d.Args[0].Value == "off" {
		b.cfg.PidFile = ""
		return nil
	}
	b.cfg.PidFile = b.path(d.Args[0].Value)
	return nil
}

// errorLogDirective sets gw's single error log. nginx can write several;
// gw keeps the first and warns about the others, rather than refusing a
// configuration nginx accepts.
func errorLogDirective(b *builder, d *parser.Directive) error {
	el, err := logs.ParseError(d, b.path)
	if err != nil {
		return err
	}
	if b.errorLogSet {
		b.warn(d.Pos, "gw writes one error log: this \"error_log\" is ignored")
		return nil
	}
	b.errorLogSet = true
	b.cfg.ErrorLog = el
	return nil
}

func innerErrorLog(b *builder, d *parser.Directive) error {
	if _, err := logs.ParseError(d, b.path); err != nil {
		return err
	}
	b.notice(d.Pos, "\"error_log\" is accepted and ignored here: gw has one error log, set in the main context")
	return nil
}

func workerProcesses(b *builder, d *parser.Directive) error {
	v := d.Args[0].Value
	if v == "auto" {
		b.cfg.WorkerProcesses = 0
		return nil
	}
	n, ok := value.Number(v)
	if !ok || n == 0 {
		return value.Invalid(d, d.Args[0])
	}
	b.cfg.WorkerProcesses = n
	return nil
}

func shutdownTimeout(b *builder, d *parser.Directive) error {
	t, ok := value.Time(d.Args[0].Value)
	if !ok {
		return value.Invalid(d, d.Args[0])
	}
	if t == 0 {
		// nginx: no limit at all, which a service manager turns into a
		// kill; gw keeps its default bound.
		t = DefaultShutdownTimeout
	}
	b.cfg.WorkerShutdownTimeout = t
	return nil
}

func eventsBlock(b *builder, d *parser.Directive) error {
	b.sawEvents = true
	return b.walk(d.Block, ctxEvents)
}

func workerConnections(b *builder, d *parser.Directive) error {
	n, ok := value.Number(d.Args[0].Value)
	if !ok || n == 0 {
		return value.InvalidNumber(d, d.Args[0])
	}
	b.cfg.WorkerConnections = n
	return nil
}

// httpBlock builds the http block: its own settings level, the predefined
// combined log format, then every directive inside.
func httpBlock(b *builder, d *parser.Directive) error {
	combined, err := logs.Combined()
	if err != nil {
		return err
	}
	h := &HTTP{Pos: d.Pos, Settings: &Settings{}, LogFormats: map[string]*logs.Format{combined.Name: combined}}
	b.cfg.HTTP = h
	pop := b.pushLevel(h.Settings)
	defer pop()
	return b.walk(d.Block, ctxHTTP)
}

// unexpandedInclude meets an include the parser did not expand: Build was
// given a tree from parser.Parse rather than parser.ParseFile.
func unexpandedInclude(_ *builder, d *parser.Directive) error {
	return errorAt(d.Pos, "\"include\" directive was not expanded: the tree must come from parser.ParseFile")
}
