package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"

	"github.com/valyala/fasthttp"
)

// errorBody is every error's JSON: {"code":404,"message":"..."}, the
// status repeated in the body for clients that log only the body.
type errorBody struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// writeJSON answers status with v as JSON, indented: the API is read by
// people with curl as much as by programs. It is never cached: every
// answer is the present state.
func writeJSON(ctx *fasthttp.RequestCtx, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		// Only a programming error (an unmarshalable type) gets here.
		writeError(ctx, fasthttp.StatusInternalServerError, "encoding the answer: %v", err)
		return
	}
	ctx.Response.Header.SetContentType("application/json")
	ctx.Response.Header.Set(fasthttp.HeaderCacheControl, "no-store")
	ctx.SetStatusCode(status)
	ctx.SetBody(append(b, '\n'))
}

// writeError answers status with the error body, the message made as
// fmt.Sprintf makes it.
func writeError(ctx *fasthttp.RequestCtx, status int, format string, args ...any) {
	Error(ctx, status, fmt.Sprintf(format, args...))
}

// Error answers status with the API's error body {"code":N,"message":M}.
// It is exported for serve, whose access phase answers 401 and 403 for a
// gw_api location before the API sees the request: those answers are the
// API's JSON too, not nginx's HTML pages.
func Error(ctx *fasthttp.RequestCtx, status int, message string) {
	b, _ := json.Marshal(errorBody{Code: status, Message: message}) // cannot fail
	ctx.Response.Header.SetContentType("application/json")
	ctx.Response.Header.Set(fasthttp.HeaderCacheControl, "no-store")
	ctx.SetStatusCode(status)
	ctx.SetBody(append(b, '\n'))
}

// readJSON decodes the request's body, one JSON value, into v, refusing
// fields v does not have: a misspelt field ("wieght") silently ignored
// would look accepted. It answers the error itself and reports whether v
// was read: 415 for a body declared as anything but application/json
// (curl -d sends a form type unless told otherwise), 400 for no body or
// bad JSON. A body without Content-Type is taken as JSON.
func readJSON(r *request, v any) bool {
	ctx := r.ctx
	if ct := ctx.Request.Header.ContentType(); len(ct) > 0 {
		mt, _, err := mime.ParseMediaType(string(ct))
		if err != nil || mt != "application/json" {
			writeError(ctx, fasthttp.StatusUnsupportedMediaType,
				"the body must be JSON, sent with Content-Type: application/json, not %q (curl -d sends a form type: add -H 'Content-Type: application/json')", ct)
			return false
		}
	}
	body, ok := r.body()
	if !ok {
		return false
	}
	if len(bytes.TrimSpace(body)) == 0 {
		writeError(ctx, fasthttp.StatusBadRequest, "the request has no body: a JSON object is expected")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(ctx, fasthttp.StatusBadRequest, "bad JSON: %s", jsonError(err))
		return false
	}
	if dec.More() {
		writeError(ctx, fasthttp.StatusBadRequest, "bad JSON: more than one value in the body")
		return false
	}
	return true
}

// jsonError words a decoding error for the operator: the field and the
// type expected rather than Go's type names.
func jsonError(err error) string {
	if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
		return fmt.Sprintf("field %q: %s is not a %s", te.Field, te.Value, jsonType(te.Type.Kind().String()))
	}
	return err.Error()
}

// jsonType names a Go kind as JSON does.
func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	}
	return "number"
}
