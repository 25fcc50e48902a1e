package sticky

import (
	"strconv"
	"time"
)

// AppendSetCookie appends to dst the value of the Set-Cookie header gw
// inserts for peer, attributes in this order:
//
//	NAME=VALUE; Domain=D; Path=P; Max-Age=N; Expires=DATE; HttpOnly; Secure; SameSite=X
//
// Domain only when configured, Path always, Max-Age and Expires only when
// maxage is set and maxidle/maxlife are not (Tengine sends no expiry for
// timed cookies: the timestamps inside do the expiring), the flags when
// configured. VALUE is the sid, or "SID|now|firstSeen" with maxidle/maxlife,
// plus "|MAC" when a secret is set. peer must be a valid index.
// It does not allocate when dst has room.
func (p *Policy) AppendSetCookie(dst []byte, peer int, now, firstSeen int64) []byte {
	dst = append(dst, p.nameEq...)
	valueStart := len(dst)
	dst = append(dst, p.table.SID(peer)...)
	if p.timed {
		dst = append(dst, '|')
		dst = strconv.AppendInt(dst, now, 10)
		dst = append(dst, '|')
		dst = strconv.AppendInt(dst, firstSeen, 10)
		if p.macs != nil {
			msg := dst[valueStart:]
			dst = append(dst, '|')
			dst = p.appendMAC(dst, msg)
		}
	}
	dst = append(dst, p.attrs...)
	if p.maxAge > 0 && !p.timed {
		dst = append(dst, "; Max-Age="...)
		dst = strconv.AppendInt(dst, p.maxAge, 10)
		dst = append(dst, "; Expires="...)
		dst = appendCookieDate(dst, now+p.maxAge)
	}
	return append(dst, p.flags...)
}

// AppendClearCookie appends to dst the value of a Set-Cookie header that
// makes the client forget its sticky cookie:
//
//	NAME=; Domain=D; Path=P; Max-Age=0
//
// Domain and Path are the configured ones, since a browser only replaces a
// cookie set with the same name, domain and path. The flags are left out:
// nothing is stored, and SameSite=None without Secure would have the
// browser drop the header instead of obeying it.
// It does not allocate when dst has room.
func (p *Policy) AppendClearCookie(dst []byte) []byte {
	dst = append(dst, p.nameEq...)
	dst = append(dst, p.attrs...)
	return append(dst, "; Max-Age=0"...)
}

const (
	weekdays = "SunMonTueWedThuFriSat"
	months   = "JanFebMarAprMayJunJulAugSepOctNovDec"
)

// appendCookieDate appends t as "Www, DD-Mon-YY HH:MM:SS GMT", the
// Netscape cookie date nginx's ngx_http_cookie_time writes. The two-digit
// year is read back correctly by RFC 6265 §5.1.1 (00-69 mean 20xx) up to
// 2069; outside 1970-2069 four digits are written, as nginx does after 2037,
// so the date never wraps.
func appendCookieDate(dst []byte, unix int64) []byte {
	t := time.Unix(unix, 0).UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	wd := int(t.Weekday()) * 3
	dst = append(dst, weekdays[wd:wd+3]...)
	dst = append(dst, ',', ' ')
	dst = append2(dst, day)
	dst = append(dst, '-')
	mo := (int(month) - 1) * 3
	dst = append(dst, months[mo:mo+3]...)
	dst = append(dst, '-')
	if year >= 1970 && year <= 2069 {
		dst = append2(dst, year%100)
	} else {
		dst = strconv.AppendInt(dst, int64(year), 10)
	}
	dst = append(dst, ' ')
	dst = append2(dst, hour)
	dst = append(dst, ':')
	dst = append2(dst, minute)
	dst = append(dst, ':')
	dst = append2(dst, sec)
	return append(dst, " GMT"...)
}

// append2 appends n (0..99) as two digits.
func append2(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/10), byte('0'+n%10))
}
