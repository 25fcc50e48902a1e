package value

import "github.com/gw-proxy/gw/parser"

// Invalid is nginx's message when a slot handler (ngx_conf_set_*_slot)
// rejects a value: `"x" directive invalid value`, at the argument.
func Invalid(d *parser.Directive, a parser.Arg) error {
	return parser.Errorf(a.Pos, "%q directive invalid value", d.Name)
}

// InvalidNumber is ngx_conf_set_num_slot's message for a value that is not
// a number: `"x" directive invalid number`, at the argument.
func InvalidNumber(d *parser.Directive, a parser.Arg) error {
	return parser.Errorf(a.Pos, "%q directive invalid number", d.Name)
}
