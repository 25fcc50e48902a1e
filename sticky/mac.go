package sticky

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"hash"
	"sync"
)

// macHexLen is the length of the fourth field of a signed timed cookie: the
// first 128 bits of HMAC-SHA256 in hex, the same size as a sid.
const macHexLen = 32

const hexDigits = "0123456789abcdef"

// macState is one reusable HMAC with its scratch buffers. A keyed hmac.Hash
// is not safe for concurrent use and costs allocations to build, so Policy
// keeps them in a sync.Pool: steady state costs no allocation per request.
type macState struct {
	h   hash.Hash
	msg []byte // a private copy of the message, so callers' bytes never escape
	sum []byte
}

func newMACPool(secret string) *sync.Pool {
	key := []byte(secret)
	return &sync.Pool{New: func() any {
		return &macState{
			h:   hmac.New(sha256.New, key),
			msg: make([]byte, 0, 128),
			sum: make([]byte, 0, sha256.Size),
		}
	}}
}

// appendMAC appends the hex MAC of msg ("SID|LASTSEEN|FIRSTSEEN") to dst.
// msg may alias dst: it is copied before dst grows.
func (p *Policy) appendMAC(dst, msg []byte) []byte {
	st := p.macs.Get().(*macState)
	st.msg = append(st.msg[:0], msg...)
	st.h.Reset()
	st.h.Write(st.msg)
	st.sum = st.h.Sum(st.sum[:0])
	for _, b := range st.sum[:macHexLen/2] {
		dst = append(dst, hexDigits[b>>4], hexDigits[b&0x0f])
	}
	p.macs.Put(st)
	return dst
}

// macOK reports, in constant time, whether mac is the MAC of msg.
func (p *Policy) macOK(msg, mac []byte) bool {
	if len(mac) != macHexLen {
		return false
	}
	var buf [macHexLen]byte
	want := p.appendMAC(buf[:0], msg)
	return subtle.ConstantTimeCompare(want, mac) == 1
}
