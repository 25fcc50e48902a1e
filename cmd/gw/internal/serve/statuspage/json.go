package statuspage

import "encoding/json"

// AppendJSON appends st as the JSON document of ?format=json, indented so
// that curl shows something readable.
func AppendJSON(dst []byte, st *Status) []byte {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		// Status holds only strings, numbers, booleans and times: it
		// always marshals.
		panic(err)
	}
	dst = append(dst, b...)
	return append(dst, '\n')
}
