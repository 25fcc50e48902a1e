package access

import (
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// scheme is the format of a password field.
type scheme uint8

const (
	unsupported scheme = iota
	plain              // {PLAIN}password
	sha                // {SHA}base64(SHA-1(password))
	ssha               // {SSHA}base64(SHA-1(password salt) salt)
	apr1               // $apr1$: Apache's MD5-crypt
	md5Crypt           // $1$: MD5-crypt
	sha256Crypt        // $5$: SHA-crypt with SHA-256
	sha512Crypt        // $6$: SHA-crypt with SHA-512
	bcryptHash         // $2a$, $2b$, $2y$
)

// schemeOf tells a password field's format by its prefix, in ngx_crypt's
// order; what nginx would hand to the C library's crypt() is recognised
// for the formats gw implements, and bcrypt must also parse (cost, length)
// or it is unsupported rather than a mismatch.
func schemeOf(hash string) scheme {
	switch {
	case strings.HasPrefix(hash, "$apr1$"):
		return apr1
	case strings.HasPrefix(hash, "{PLAIN}"):
		return plain
	case strings.HasPrefix(hash, "{SSHA}"):
		return ssha
	case strings.HasPrefix(hash, "{SHA}"):
		return sha
	case strings.HasPrefix(hash, "$1$"):
		return md5Crypt
	case strings.HasPrefix(hash, "$5$"):
		return sha256Crypt
	case strings.HasPrefix(hash, "$6$"):
		return sha512Crypt
	case strings.HasPrefix(hash, "$2a$"), strings.HasPrefix(hash, "$2b$"), strings.HasPrefix(hash, "$2y$"):
		if _, err := bcrypt.Cost([]byte(hash)); err == nil {
			return bcryptHash
		}
	}
	return unsupported
}

// outcome is the result of one verification.
type outcome uint8

const (
	verified outcome = iota
	failed
	unverifiable
)

// verify checks password against a field of a known scheme. nginx
// computes the field the password would have (with the stored salt) and
// compares the two strings; so does gw, in constant time, so that a
// differently spelled but equivalent field (other base64 padding, other
// rounds notation) fails as it does in nginx.
func verify(s scheme, hash string, password []byte) outcome {
	var want []byte
	switch s {
	case plain:
		want = append([]byte("{PLAIN}"), password...)
	case sha:
		sum := sha1.Sum(password)
		want = append([]byte("{SHA}"), base64.StdEncoding.EncodeToString(sum[:])...)
	case ssha:
		want = sshaField(hash, password)
	case apr1, md5Crypt:
		want = md5CryptField(hash, password)
	case sha256Crypt, sha512Crypt:
		want = shaCryptField(hash, password)
	case bcryptHash:
		err := bcrypt.CompareHashAndPassword([]byte(hash), password)
		switch {
		case err == nil:
			return verified
		case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
			return failed
		}
		return unverifiable
	default:
		return unverifiable
	}
	if subtle.ConstantTimeCompare(want, []byte(hash)) == 1 {
		return verified
	}
	return failed
}

// sshaField is the {SSHA} field of password with the salt of hash: the
// bytes after the first 20 of its base64 are the salt. A field that does
// not decode to at least 20 bytes has no salt, and cannot match.
func sshaField(hash string, password []byte) []byte {
	stored, err := base64.StdEncoding.DecodeString(hash[len("{SSHA}"):])
	var salt []byte
	if err == nil && len(stored) >= sha1.Size {
		salt = stored[sha1.Size:]
	}
	h := sha1.New()
	h.Write(password)
	h.Write(salt)
	sum := h.Sum(nil)
	return append([]byte("{SSHA}"), base64.StdEncoding.EncodeToString(append(sum, salt...))...)
}

// cryptAlphabet is the base64 alphabet of the crypt family, in its order.
const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// appendCrypt64 writes the low n six-bit groups of v, least significant
// first, as the crypt family encodes its digests.
func appendCrypt64(dst []byte, v uint32, n int) []byte {
	for ; n > 0; n-- {
		dst = append(dst, cryptAlphabet[v&0x3f])
		v >>= 6
	}
	return dst
}
