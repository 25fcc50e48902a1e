// Package value parses the value of one directive argument with nginx's
// rules: numbers as ngx_atoi reads them, sizes as ngx_parse_offset, times
// as ngx_parse_time, and arguments that may hold variables. The number,
// size and time parsers report only whether the text is valid, because the
// message for a bad value depends on the directive (`"x" directive invalid
// value`, `invalid parameter "y"`, ...) and the caller knows which; Invalid
// and InvalidNumber make nginx's two slot messages.
//
// Everything here is pure; package conf and its other subpackages share it
// so that a size or a time means the same in every directive.
package value
