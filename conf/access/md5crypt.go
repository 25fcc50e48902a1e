package access

import (
	"crypto/md5"
	"strings"
)

// md5CryptField is the MD5-crypt field of password with the magic ("$1$"
// or Apache's "$apr1$") and salt of hash, written from Poul-Henning
// Kamp's description of the algorithm: a digest of the password, magic
// and salt mixed with a digest of password, salt and password, then 1000
// rounds that each hash the previous digest with the password and, on a
// schedule, the salt.
func md5CryptField(hash string, password []byte) []byte {
	magic := "$1$"
	if strings.HasPrefix(hash, "$apr1$") {
		magic = "$apr1$"
	}
	salt := hash[len(magic):]
	if i := strings.IndexByte(salt, '$'); i >= 0 {
		salt = salt[:i]
	}
	if len(salt) > 8 {
		salt = salt[:8]
	}

	alt := md5.New()
	alt.Write(password)
	alt.Write([]byte(salt))
	alt.Write(password)
	altSum := alt.Sum(nil)

	h := md5.New()
	h.Write(password)
	h.Write([]byte(magic))
	h.Write([]byte(salt))
	for n := len(password); n > 0; n -= md5.Size {
		h.Write(altSum[:min(n, md5.Size)])
	}
	// One byte per bit of the length, low bit first: a zero byte for a
	// set bit, the password's first byte for a clear one.
	for n := len(password); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write([]byte{0})
		} else {
			h.Write(password[:1])
		}
	}
	sum := h.Sum(nil)

	for i := range 1000 {
		r := md5.New()
		if i&1 != 0 {
			r.Write(password)
		} else {
			r.Write(sum)
		}
		if i%3 != 0 {
			r.Write([]byte(salt))
		}
		if i%7 != 0 {
			r.Write(password)
		}
		if i&1 != 0 {
			r.Write(sum)
		} else {
			r.Write(password)
		}
		sum = r.Sum(sum[:0])
	}

	out := make([]byte, 0, len(magic)+len(salt)+1+22)
	out = append(out, magic...)
	out = append(out, salt...)
	out = append(out, '$')
	// The digest's bytes go out in groups of three, in this order.
	for _, g := range [5][3]int{{0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5}} {
		out = appendCrypt64(out, uint32(sum[g[0]])<<16|uint32(sum[g[1]])<<8|uint32(sum[g[2]]), 4)
	}
	return appendCrypt64(out, uint32(sum[11]), 2)
}
