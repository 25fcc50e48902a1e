package edit

import "errors"

// The errors of a lookup or an add; the returned errors wrap them with the
// resource's name, so test them with errors.Is.
var (
	// ErrNotFound: no upstream, server, server block or location of that
	// name or index (or no http block to hold it).
	ErrNotFound = errors.New("not found")
	// ErrExists: an upstream of that name exists already (upstream names
	// compare case-insensitively, as in nginx).
	ErrExists = errors.New("already exists")
	// ErrShared: the change would patch a file that the configuration
	// includes more than once, which would change every place that
	// includes it; such a file is left for a person to edit.
	ErrShared = errors.New("is included more than once")
)

// Invalid is a value that cannot be written as configuration text that reads
// back as the same value: an empty address, a name with a space, a Match
// that is not a location's form, a string of arguments that does not parse.
// Whether a value makes sense (an unknown balancer parameter, a bad address)
// is gw -t's question, not this package's.
type Invalid struct {
	Field string // the JSON name of the field, with its index: "servers[2].address"
	Msg   string
}

// Error says which field and why.
func (e *Invalid) Error() string { return e.Field + ": " + e.Msg }

// invalid makes an *Invalid.
func invalid(field, msg string) error { return &Invalid{Field: field, Msg: msg} }

// asInvalid is errors.As for *Invalid.
func asInvalid(err error, inv **Invalid) bool { return errors.As(err, inv) }
