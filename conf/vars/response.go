package vars

import (
	"iter"
	"strconv"
	"time"
)

// getStatus is $status: Request.Status, or the status of Ctx.Response.
func getStatus(dst []byte, r *Request, _ *part) []byte {
	status := r.Status
	if status == 0 {
		status = r.Ctx.Response.StatusCode()
	}
	return appendStatus(dst, status)
}

// appendStatus writes a status as nginx does, three digits ("000" for none).
func appendStatus(dst []byte, status int) []byte {
	if status >= 0 && status < 100 {
		dst = append(dst, '0')
		if status < 10 {
			dst = append(dst, '0')
		}
	}
	return appendInt(dst, int64(status))
}

func getBodyBytesSent(dst []byte, r *Request, _ *part) []byte {
	return appendInt(dst, r.bodyBytesSent())
}

// bodyBytesSent is Request.BodyBytesSent, or the length of the body held in
// Ctx.Response (none for HEAD, and unknown for a streamed body).
func (r *Request) bodyBytesSent() int64 {
	if r.BodyBytesSent != 0 {
		return r.BodyBytesSent
	}
	resp := &r.Ctx.Response
	if r.Ctx.IsHead() || resp.IsBodyStream() {
		return 0
	}
	return int64(len(resp.Body()))
}

// getBytesSent is $bytes_sent: Request.BytesSent, or the body plus the
// response header as fasthttp writes it.
func getBytesSent(dst []byte, r *Request, _ *part) []byte {
	n := r.BytesSent
	if n == 0 {
		n = r.bodyBytesSent() + int64(len(r.Ctx.Response.Header.Header()))
	}
	return appendInt(dst, n)
}

// getSentHeader is $sent_http_NAME: the response header lines named NAME,
// joined with ", ".
func getSentHeader(dst []byte, r *Request, p *part) []byte {
	return appendHeaderValues(dst, r.Ctx.Response.Header.All(), p.key)
}

// getUpstreamHeader is $upstream_http_NAME, read from Request.UpstreamHeader.
func getUpstreamHeader(dst []byte, r *Request, p *part) []byte {
	if r.UpstreamHeader == nil {
		return dst
	}
	return appendHeaderValues(dst, r.UpstreamHeader.All(), p.key)
}

// appendHeaderValues joins the values of the header lines whose name
// matches key. fasthttp's response-header iteration has no side effects.
func appendHeaderValues(dst []byte, lines iter.Seq2[[]byte, []byte], key []byte) []byte {
	n := 0
	for name, value := range lines {
		if !headerNameIs(name, key) {
			continue
		}
		if n > 0 {
			dst = append(dst, ", "...)
		}
		dst = append(dst, value...)
		n++
	}
	return dst
}

// getUpstreamCookie is $upstream_cookie_NAME: the value of the first
// Set-Cookie from the upstream that sets cookie NAME (compared
// case-insensitively, like $cookie_NAME), up to its first ";".
func getUpstreamCookie(dst []byte, r *Request, p *part) []byte {
	if r.UpstreamHeader == nil {
		return dst
	}
	for name, full := range r.UpstreamHeader.Cookies() {
		if !equalFoldASCII(name, p.key) {
			continue
		}
		if v, ok := cookieValue(full, p.key); ok {
			return append(dst, v...)
		}
	}
	return dst
}

func getStickyCookie(dst []byte, r *Request, _ *part) []byte {
	return append(dst, r.StickyCookie...)
}

func getStickyStatus(dst []byte, r *Request, _ *part) []byte {
	return append(dst, r.StickyStatus...)
}

// The $upstream_* variables list every try, joined with ", " as nginx does,
// and the groups of two proxyings of one request joined with " : ".

func getUpstreamAddr(dst []byte, r *Request, _ *part) []byte {
	return appendTries(dst, r.Upstream, appendTryAddr)
}

func getUpstreamStatus(dst []byte, r *Request, _ *part) []byte {
	return appendTries(dst, r.Upstream, appendTryStatus)
}

func getUpstreamConnectTime(dst []byte, r *Request, _ *part) []byte {
	return appendTries(dst, r.Upstream, appendConnectTime)
}

func getUpstreamHeaderTime(dst []byte, r *Request, _ *part) []byte {
	return appendTries(dst, r.Upstream, appendHeaderTime)
}

func getUpstreamResponseTime(dst []byte, r *Request, _ *part) []byte {
	return appendTries(dst, r.Upstream, appendResponseTime)
}

// $upstream_response_length, $upstream_bytes_received and
// $upstream_bytes_sent print a number for every try, 0 included, as nginx
// does.

func getUpstreamResponseLength(dst []byte, r *Request, _ *part) []byte {
	return appendTries(dst, r.Upstream, appendResponseLength)
}

func getUpstreamBytesReceived(dst []byte, r *Request, _ *part) []byte {
	return appendTries(dst, r.Upstream, appendBytesReceived)
}

func getUpstreamBytesSent(dst []byte, r *Request, _ *part) []byte {
	return appendTries(dst, r.Upstream, appendBytesSent)
}

// appendTries writes each entry's value with nginx's separators, walking
// the entries the way every one of nginx's upstream variable functions
// does: the first entry's value; then, before each next entry, ", " when
// it is a try, or " : " when it is a separator, which is then stepped
// over so that the entry after it follows the " : " directly (a separator
// at the end leaves the " : " last). each is a plain function, not a
// closure, so the call allocates nothing.
func appendTries(dst []byte, tries []UpstreamTry, each func([]byte, *UpstreamTry) []byte) []byte {
	n := len(tries)
	if n == 0 {
		return dst
	}
	for i := 0; ; {
		dst = each(dst, &tries[i])
		if i++; i == n {
			return dst
		}
		if !tries[i].IsSeparator() {
			dst = append(dst, ", "...)
			continue
		}
		dst = append(dst, " : "...)
		if i++; i == n {
			return dst
		}
	}
}

func appendTryAddr(dst []byte, t *UpstreamTry) []byte { return append(dst, t.Addr...) }

// appendTryStatus writes a try's status, "-" when it got none.
func appendTryStatus(dst []byte, t *UpstreamTry) []byte {
	if t.Status == 0 {
		return append(dst, '-')
	}
	return appendInt(dst, int64(t.Status))
}

func appendConnectTime(dst []byte, t *UpstreamTry) []byte {
	return appendTryTime(dst, t.ConnectTime)
}

func appendHeaderTime(dst []byte, t *UpstreamTry) []byte {
	return appendTryTime(dst, t.HeaderTime)
}

func appendResponseTime(dst []byte, t *UpstreamTry) []byte {
	return appendTryTime(dst, t.ResponseTime)
}

func appendResponseLength(dst []byte, t *UpstreamTry) []byte {
	return appendInt(dst, t.ResponseLength)
}

func appendBytesReceived(dst []byte, t *UpstreamTry) []byte {
	return appendInt(dst, t.BytesReceived)
}

func appendBytesSent(dst []byte, t *UpstreamTry) []byte { return appendInt(dst, t.BytesSent) }

func appendTryTime(dst []byte, d time.Duration) []byte {
	if d < 0 {
		return append(dst, '-')
	}
	return appendSeconds(dst, d)
}

func appendInt(dst []byte, n int64) []byte {
	return strconv.AppendInt(dst, n, 10)
}
