package serve

import (
	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"github.com/gw-proxy/gw/conf/access"
	"github.com/gw-proxy/gw/conf/vars"
)

// accessAllows is nginx's access phase for the chosen settings: allow and
// deny, then basic authentication, combined as satisfy says. It reports
// whether the request goes on; when it does not, the answer (403, 401 with
// WWW-Authenticate, or 500) is made. A level without access control costs
// one test.
func (x *exchange) accessAllows() bool {
	a := &x.st.Access
	if !a.Active() {
		return true
	}
	return x.accessPhase(a)
}

// accessPhase runs the two checks in nginx's order (the access module's
// handler before auth_basic's). Under satisfy all a deny answers 403 at
// once and authentication must pass too; under satisfy any an allow
// passes at once, and a request both checks refuse gets authentication's
// 401 rather than the rules' 403, as ngx_http_core_access_phase keeps it.
func (x *exchange) accessPhase(a *access.Settings) bool {
	verdict := a.Check(netipOf(x.ctx.RemoteAddr()))
	switch {
	case verdict == access.Denied && !a.SatisfyAny:
		x.forbidden()
		return false
	case verdict == access.Allowed && a.SatisfyAny:
		return true
	}
	switch x.authenticate(a) {
	case authPassed:
		return true
	case authDeclined:
		if verdict == access.Denied {
			x.forbidden()
			return false
		}
		return true
	case authError:
		x.sendError(fasthttp.StatusInternalServerError, 0)
	}
	return false
}

// authResult is what basic authentication decided.
type authResult uint8

const (
	authDeclined authResult = iota // not configured here, or auth_basic off
	authPassed
	authRefused // answered 401
	authError   // the password could not be checked: 500
)

// authenticate is ngx_http_auth_basic_handler over the file read at load
// time, with its log lines and levels. The decoded password only ever sits
// in the exchange's scratch buffer, which is wiped before returning, and
// no log line carries it.
func (x *exchange) authenticate(a *access.Settings) authResult {
	if a.Realm == nil || a.UserFile == nil {
		return authDeclined
	}
	x.buf = a.Realm.Append(x.buf[:0], &x.vars)
	realm := x.buf
	if string(realm) == "off" {
		return authDeclined
	}
	cred, n, ok := x.vars.AppendBasicCredentials(realm[len(realm):])
	if !ok {
		x.logLine(x.rt.log.Info(), "no user/password was provided for basic authentication")
		x.unauthorized(realm)
		return authRefused
	}
	defer clear(cred)
	user, password := cred[:n], cred[n+1:]
	switch a.UserFile.Check(user, password) {
	case access.Match:
		return authPassed
	case access.NoUser:
		x.logLine(x.rt.log.Error(), `user "`+string(user)+`" was not found in "`+a.UserFile.Path+`"`)
	case access.Mismatch:
		x.logLine(x.rt.log.Error(), `user "`+string(user)+`": password mismatch`)
	default:
		// nginx answers 500 when crypt() cannot read a hash.
		x.logLine(x.rt.log.Error(), `user "`+string(user)+`": cannot check the password hash of its line in "`+
			a.UserFile.Path+`"`)
		return authError
	}
	x.unauthorized(realm)
	return authRefused
}

// unauthorized answers 401 with nginx's challenge, `Basic realm="..."`,
// through error_page like nginx's. [gw] A quote or backslash in the realm
// is escaped and control characters are dropped, where nginx copies the
// realm as it is and can send a broken header.
func (x *exchange) unauthorized(realm []byte) {
	v := make([]byte, 0, len(`Basic realm=""`)+len(realm)+8)
	v = append(v, `Basic realm="`...)
	for _, c := range realm {
		switch {
		case c == '"' || c == '\\':
			v = append(v, '\\', c)
		case c < ' ' && c != '\t', c == 0x7f:
		default:
			v = append(v, c)
		}
	}
	v = append(v, '"')
	x.ctx.Response.Header.SetBytesV("WWW-Authenticate", v)
	x.sendError(fasthttp.StatusUnauthorized, 0)
}

// forbidden answers 403 and logs nginx's line for it.
func (x *exchange) forbidden() {
	x.logLine(x.rt.log.Error(), "access forbidden by rule")
	x.sendError(fasthttp.StatusForbidden, 0)
}

// logLine writes msg to the error log with what nginx appends to a line
// about a request: client, server, request line and host.
func (x *exchange) logLine(ev *zerolog.Event, msg string) {
	if ev == nil {
		return
	}
	b := make([]byte, 0, 256)
	b = append(b, msg...)
	b = vars.AppendLogRequest(b, x.ctx, x.vars.ServerName)
	b = vars.AppendLogHost(b, x.ctx)
	ev.Msg(string(b))
}
