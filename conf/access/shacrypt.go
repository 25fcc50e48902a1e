package access

import (
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"strconv"
	"strings"
)

// The rounds of SHA-crypt: the default, and the bounds a written count is
// clamped to.
const (
	shaCryptRounds    = 5000
	shaCryptMinRounds = 1000
	shaCryptMaxRounds = 999999999
)

// shaCryptField is the SHA-crypt field ("$5$" with SHA-256, "$6$" with
// SHA-512) of password with the rounds and salt of hash, written from
// Ulrich Drepper's specification "Unix crypt using SHA-256 and SHA-512".
// A "rounds=N$" written in hash is clamped to the specification's bounds
// and repeated in the result, as the C library does.
func shaCryptField(stored string, password []byte) []byte {
	magic, newHash := "$5$", sha256.New
	if strings.HasPrefix(stored, "$6$") {
		magic, newHash = "$6$", sha512.New
	}
	rest := stored[len(magic):]
	rounds, custom := shaCryptRounds, false
	if num, ok := strings.CutPrefix(rest, "rounds="); ok {
		if i := strings.IndexByte(num, '$'); i > 0 {
			if n, err := strconv.ParseUint(num[:i], 10, 64); err == nil {
				rounds = int(min(max(n, shaCryptMinRounds), shaCryptMaxRounds))
				custom, rest = true, num[i+1:]
			}
		}
	}
	salt := rest
	if i := strings.IndexByte(salt, '$'); i >= 0 {
		salt = salt[:i]
	}
	if len(salt) > 16 {
		salt = salt[:16]
	}

	sum := shaCryptDigest(newHash, password, []byte(salt), rounds)

	out := []byte(magic)
	if custom {
		out = append(out, "rounds="...)
		out = strconv.AppendInt(out, int64(rounds), 10)
		out = append(out, '$')
	}
	out = append(out, salt...)
	out = append(out, '$')
	// The digest goes out in groups of three bytes, one from each third
	// of it; which third leads turns with each group, one way for SHA-256
	// and the other for SHA-512. The bytes left over come last.
	third := len(sum) / 3
	for i := range third {
		idx := [3]int{i, i + third, i + 2*third}
		lead := i % 3
		if len(sum) == sha256.Size {
			lead = (3 - lead) % 3
		}
		a, b, c := sum[idx[lead]], sum[idx[(lead+1)%3]], sum[idx[(lead+2)%3]]
		out = appendCrypt64(out, uint32(a)<<16|uint32(b)<<8|uint32(c), 4)
	}
	if len(sum) == sha256.Size {
		return appendCrypt64(out, uint32(sum[31])<<8|uint32(sum[30]), 3)
	}
	return appendCrypt64(out, uint32(sum[63]), 2)
}

// shaCryptDigest is the specification's digest computation, steps 1 to 21.
func shaCryptDigest(newHash func() hash.Hash, password, salt []byte, rounds int) []byte {
	b := newHash()
	b.Write(password)
	b.Write(salt)
	b.Write(password)
	bSum := b.Sum(nil)

	a := newHash()
	a.Write(password)
	a.Write(salt)
	a.Write(repeatTo(bSum, len(password)))
	// One addition per bit of the length, low bit first: digest B for a
	// set bit, the password for a clear one.
	for n := len(password); n > 0; n >>= 1 {
		if n&1 != 0 {
			a.Write(bSum)
		} else {
			a.Write(password)
		}
	}
	sum := a.Sum(nil)

	dp := newHash()
	for range len(password) {
		dp.Write(password)
	}
	p := repeatTo(dp.Sum(nil), len(password))

	ds := newHash()
	for range 16 + int(sum[0]) {
		ds.Write(salt)
	}
	s := repeatTo(ds.Sum(nil), len(salt))

	for i := range rounds {
		c := newHash()
		if i&1 != 0 {
			c.Write(p)
		} else {
			c.Write(sum)
		}
		if i%3 != 0 {
			c.Write(s)
		}
		if i%7 != 0 {
			c.Write(p)
		}
		if i&1 != 0 {
			c.Write(sum)
		} else {
			c.Write(p)
		}
		sum = c.Sum(sum[:0])
	}
	return sum
}

// repeatTo is n bytes of digest repeated: whole copies, then its start.
func repeatTo(digest []byte, n int) []byte {
	out := make([]byte, 0, n)
	for len(out)+len(digest) <= n {
		out = append(out, digest...)
	}
	return append(out, digest[:n-len(out)]...)
}
