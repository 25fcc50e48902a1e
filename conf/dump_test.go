package conf

import (
	"fmt"
	"net/netip"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/gw-proxy/gw/conf/logs"
	"github.com/gw-proxy/gw/conf/upstream"
	"github.com/gw-proxy/gw/conf/vars"
	"github.com/gw-proxy/gw/parser"
)

// dump renders a built Config as stable text for the golden files: one
// field per line, indented by nesting. The prefix is written $PREFIX so the
// files do not depend on where the repository is checked out. A server's or
// location's Settings lists only what differs from the enclosing level, so
// each golden shows what inheritance did; the http level is compared with
// nginx's defaults.
func dump(c *Config) string {
	d := &dumper{prefix: c.Prefix}
	v := reflect.ValueOf(c).Elem()
	d.fields(v, 0, map[string]bool{"Tree": true, "Prefix": true, "HTTP": true})
	if c.HTTP != nil {
		d.line(0, "HTTP:")
		d.http(c.HTTP)
	}
	return d.b.String()
}

type dumper struct {
	b      strings.Builder
	prefix string
	parent []*Settings // settings of the enclosing levels, innermost last
}

func (d *dumper) line(depth int, format string, args ...any) {
	d.b.WriteString(strings.Repeat("  ", depth))
	fmt.Fprintf(&d.b, format, args...)
	d.b.WriteByte('\n')
}

func (d *dumper) http(h *HTTP) {
	base := defaultSettings(d.prefix)
	d.settings(1, h.Settings, base)
	d.parent = append(d.parent, h.Settings)
	for _, srv := range h.Servers {
		d.line(1, "Server %s:", d.text(reflect.ValueOf(srv.Pos)))
		v := reflect.ValueOf(srv).Elem()
		d.fields(v, 2, map[string]bool{"Pos": true, "Settings": true, "Locations": true})
		d.settings(2, srv.Settings, h.Settings)
		d.parent = append(d.parent, srv.Settings)
		d.locations(2, srv.Locations)
		d.parent = d.parent[:len(d.parent)-1]
	}
	for _, u := range h.Upstreams {
		d.line(1, "Upstream %s:", u.Name)
		// Check and Queue are written only when there is one, so the
		// goldens of upstreams without them do not all say "<nil>".
		d.fields(reflect.ValueOf(u).Elem(), 2, map[string]bool{"Name": true, "Check": u.Check == nil, "Queue": u.Queue == nil})
	}
	names := make([]string, 0, len(h.LogFormats))
	for n := range h.LogFormats {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d.line(1, "LogFormat %s:", n)
		d.fields(reflect.ValueOf(h.LogFormats[n]).Elem(), 2, map[string]bool{"Name": true})
	}
}

func (d *dumper) locations(depth int, locs []*Location) {
	for _, l := range locs {
		d.line(depth, "Location %s:", d.text(reflect.ValueOf(l.Pos)))
		d.fields(reflect.ValueOf(l).Elem(), depth+1,
			map[string]bool{"Pos": true, "Parent": true, "Settings": true, "Locations": true,
				"Branches": true})
		d.settings(depth+1, l.Settings, d.parent[len(d.parent)-1])
		for _, br := range l.Branches {
			// An if block's settings, as they differ from the enclosing
			// location's or if block's.
			d.line(depth+1, "If %s:", d.text(reflect.ValueOf(br.Pos)))
			d.settings(depth+2, br.Settings, br.Parent.Settings)
		}
		d.parent = append(d.parent, l.Settings)
		d.locations(depth+1, l.Locations)
		d.parent = d.parent[:len(d.parent)-1]
	}
}

// settings writes the fields of s whose text differs from base's.
func (d *dumper) settings(depth int, s, base *Settings) {
	d.line(depth, "Settings:")
	sv, bv := reflect.ValueOf(s).Elem(), reflect.ValueOf(base).Elem()
	for i := 0; i < sv.NumField(); i++ {
		f := sv.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		if got := d.text(sv.Field(i)); got != d.text(bv.Field(i)) {
			d.line(depth+1, "%s: %s", f.Name, got)
		}
	}
}

// fields writes the exported fields of struct v, except skip.
func (d *dumper) fields(v reflect.Value, depth int, skip map[string]bool) {
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if !f.IsExported() || skip[f.Name] {
			continue
		}
		if sc, ok := v.Field(i).Interface().(*vars.Scope); ok && sc.Len() == 0 {
			continue // most goldens define no variable
		}
		d.line(depth, "%s: %s", f.Name, d.text(v.Field(i)))
	}
}

// text renders one value on one line. Pointers to the model's named blocks
// (upstream, log format, location) are references, never expanded: the
// block itself is dumped where it is defined.
func (d *dumper) text(v reflect.Value) string {
	if !v.IsValid() {
		return "<nil>"
	}
	switch x := v.Interface().(type) {
	case time.Duration:
		return x.String()
	case parser.Pos:
		return strings.TrimPrefix(x.String(), d.prefix+"/")
	case netip.AddrPort:
		return fmt.Sprintf("%q", x.String())
	case netip.Prefix:
		return fmt.Sprintf("%q", x.String())
	case *vars.Template:
		if x == nil {
			return "<nil>"
		}
		return fmt.Sprintf("%q", x.String())
	case *vars.Scope:
		return fmt.Sprintf("%q", x.Names())
	case *vars.Var:
		if x == nil {
			return "<nil>"
		}
		return "$" + x.Name()
	case *regexp.Regexp:
		if x == nil {
			return "<nil>"
		}
		return fmt.Sprintf("/%s/", x.String())
	case *upstream.Config:
		if x == nil {
			return "<nil>"
		}
		return "upstream " + x.Name
	case *logs.Format:
		if x == nil {
			return "<nil>"
		}
		return "log_format " + x.Name
	case *Location:
		if x == nil {
			return "<nil>"
		}
		return "location " + x.Pattern
	case Modifier:
		return fmt.Sprintf("%q", x.String())
	case vars.Escape:
		return fmt.Sprintf("%q", x.String())
	case string:
		return fmt.Sprintf("%q", strings.ReplaceAll(x, d.prefix, "$PREFIX"))
	case []byte:
		return fmt.Sprintf("%q", x)
	}
	return d.composite(v)
}

func (d *dumper) composite(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "<nil>"
		}
		return "&" + d.text(v.Elem())
	case reflect.Slice, reflect.Array:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = d.text(v.Index(i))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.Struct:
		var parts []string
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if f.IsExported() && !v.Field(i).IsZero() {
				parts = append(parts, f.Name+"="+d.text(v.Field(i)))
			}
		}
		return "{" + strings.Join(parts, " ") + "}"
	}
	return fmt.Sprint(v.Interface())
}
