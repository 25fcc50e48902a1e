package vars

// authorizationKey is the $http_ form of the Authorization header name.
var authorizationKey = []byte("authorization")

// AppendBasicCredentials decodes the request's Authorization header the
// way nginx's ngx_http_auth_basic_user does and appends the decoded
// "user:password" to dst; userLen is the length of the user part, which
// ends at the first colon. ok is false, and dst comes back as it was, when
// there is no header, its scheme is not Basic, the base64 is malformed, or
// the credentials have no colon or an empty user name. It allocates nothing
// when dst has room.
func (r *Request) AppendBasicCredentials(dst []byte) (out []byte, userLen int, ok bool) {
	it := requestHeaderValues(&r.Ctx.Request.Header, authorizationKey, "Authorization")
	value, found := it.next()
	if !found {
		return dst, 0, false
	}
	return appendBasic(dst, value)
}

// appendBasic decodes one Authorization value: "Basic" in any case, one
// space, any further spaces, then the base64 of user:password.
func appendBasic(dst, value []byte) ([]byte, int, bool) {
	const scheme = "basic "
	if len(value) < len(scheme) || !LowerEqual(value[:len(scheme)], scheme) {
		return dst, 0, false
	}
	enc := value[len(scheme):]
	for len(enc) > 0 && enc[0] == ' ' {
		enc = enc[1:]
	}
	start := len(dst)
	out, ok := appendBase64(dst, enc)
	if !ok || len(out) == start {
		return dst, 0, false
	}
	for i, c := range out[start:] {
		if c == ':' {
			if i == 0 {
				return dst, 0, false
			}
			return out, i, true
		}
	}
	return dst, 0, false
}

// base64Values maps a byte to its value in the standard base64 alphabet,
// or 0xff for a byte outside it.
var base64Values = func() (t [256]byte) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := range t {
		t[i] = 0xff
	}
	for i := range len(alphabet) {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// appendBase64 is nginx's ngx_decode_base64: the text ends at the first
// "=" (what follows is not looked at), padding is optional, any byte
// outside the alphabet before it is an error, and so is a lone last
// character, which cannot hold a whole byte.
func appendBase64(dst, src []byte) ([]byte, bool) {
	n := 0
	for n < len(src) && src[n] != '=' {
		if base64Values[src[n]] == 0xff {
			return dst, false
		}
		n++
	}
	if n%4 == 1 {
		return dst, false
	}
	var acc uint32
	bits := 0
	for _, c := range src[:n] {
		acc = acc<<6 | uint32(base64Values[c])
		if bits += 6; bits >= 8 {
			bits -= 8
			dst = append(dst, byte(acc>>bits))
		}
	}
	return dst, true
}
