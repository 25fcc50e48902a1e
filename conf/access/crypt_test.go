package access

import (
	"strings"
	"testing"
)

// cryptVectors are password fields made by other tools on a Debian
// machine, kept here so the tests need none of them:
// `openssl passwd -1|-apr1|-5|-6 -salt S PW`, `mkpasswd -m METHOD -R N -S S PW`
// (whois), `htpasswd -nbB|-nbs|-nbm` (apache2-utils), and for {SSHA}
// base64(SHA-1(PW S) S) from `openssl sha1 -binary`. The SHA-crypt ones
// with "Hello world!" are also the examples of Drepper's specification.
var cryptVectors = []struct {
	name, password, field string
}{
	{"plain", "plain pw", "{PLAIN}plain pw"},
	{"plain empty", "", "{PLAIN}"},
	{"sha", "sha pw", "{SHA}7ubAkIthNAIpEJjMktYaoVaMPB8="},
	{"ssha", "ssha pw", "{SSHA}9+ppdb85qpRrR5xa2CUoo0h33mdTNGxU"},
	{"apr1", "password", "$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1"},
	{"apr1 from htpasswd", "apr1 pw", "$apr1$BFnjoxWC$hoMmVXTLHHFz8CpJ5tj5O0"},
	{"apr1 empty password", "", "$apr1$ab$S8K6Sgp3W8c9Jb6LxgywZ."},
	{"apr1 password longer than a digest", strings.Repeat("a", 40), "$apr1$a$PN7e2aP1.qjHflC8tCjfG."},
	{"md5 crypt", "password", "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/"},
	{"md5 crypt empty salt", "nosalt", "$1$$gaZTOIXYJJCz5k0ATZKHS0"},
	{"sha256 crypt", "Hello world!", "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"},
	{"sha256 crypt rounds", "Hello world!", "$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA"},
	{"sha512 crypt", "Hello world!", "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"},
	{"sha512 crypt 16-byte salt", "x", "$6$sixteencharsalt!$RBMwut6lN6MOS3M5bkRRgtSGjKtKTbctoaE/raDFjwndbSlinSXuAGJ/Xc2QPOWojRzNXJlQqw0/j5HFgzQJn0"},
	{"sha512 crypt default rounds written", "rounds5000", "$6$rounds=5000$roundsalt$sVKyfEp6FKLhy/wtQlGKp8YbvCRpcKmviqlaCsuCTSnAXq/kekf0FHD/sEBJ/YDm51l.bfGv.5iITVOh4.jhR1"},
	{"sha512 crypt long password, rounds 1000", "a very much longer text to encrypt.  This one even stretches over morethan one line.",
		"$6$rounds=1000$toolongsaltstrin$uUoPCVs4MbmkLqPR9Zjq9d2xIEsKhIxxOMolJjDvb/MrASr6BCNhSKjZ1p/Mb2UxYCMwvCIkXErgwL61HTZ.R."},
	{"bcrypt 2y", "bcrypt pw", "$2y$05$EqHy76lvo6in645P.6YER.iCz4zGeBiy0wAJVFUGXH/9o/fZwptlu"},
	{"bcrypt 2b", "bcrypt pw", "$2b$05$LkpXxyooVlP2aiL0wG1bu.oA4vQMf4/PBuPP48Lsi1VSFbFiUjYey"},
	{"bcrypt 2a", "x", "$2a$05$hOY9s7ByvxIsN6K8HiZadOyRU.O3C5Bi2nz34rdVqM0GSfq2qb3sa"},
}

func TestVerifyVectors(t *testing.T) {
	for _, v := range cryptVectors {
		t.Run(v.name, func(t *testing.T) {
			s := schemeOf(v.field)
			if s == unsupported {
				t.Fatalf("schemeOf(%q) = unsupported", v.field)
			}
			if got := verify(s, v.field, []byte(v.password)); got != verified {
				t.Errorf("the right password: %v, want verified", got)
			}
			if got := verify(s, v.field, []byte(v.password+"x")); got != failed {
				t.Errorf("a wrong password: %v, want failed", got)
			}
		})
	}
}

// TestVerifyComparesWholeFields: like nginx, which compares the field it
// computes with the one written, a field spelled differently from what
// the scheme produces fails even with the right password.
func TestVerifyComparesWholeFields(t *testing.T) {
	tests := []struct{ name, password, field string }{
		{"sha without padding", "sha pw", "{SHA}7ubAkIthNAIpEJjMktYaoVaMPB8"},
		{"ssha that decodes to less than a digest", "ssha pw", "{SSHA}c2FsdA=="},
		{"ssha that is not base64", "ssha pw", "{SSHA}!!!!"},
		{"md5 crypt with a digest cut short", "password", "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK"},
		{"rounds below the minimum are written back clamped", "Hello world!", "$5$rounds=10$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"},
		{"plain is case-sensitive", "Plain", "{PLAIN}plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := verify(schemeOf(tt.field), tt.field, []byte(tt.password)); got != failed {
				t.Errorf("verify = %v, want failed", got)
			}
		})
	}
}

// TestSchemeOfUnsupported: what nginx would hand to the C library and gw
// cannot check.
func TestSchemeOfUnsupported(t *testing.T) {
	for _, field := range []string{
		"pPKeRYgcNCKGg", // htpasswd -d: DES crypt
		"plain pw",      // htpasswd -p: Apache's plain text, which nginx reads as DES too
		"$y$j9T$s.NVKmd29Spm8OzOVv6YI/$gwNxwe1hMedMeZ3F7d0/acKOnp0AYG/E/uy/c1le412", // yescrypt
		"$2y$05$short", // bcrypt that does not parse
		"$2y$99$EqHy76lvo6in645P.6YER.iCz4zGeBiy0wAJVFUGXH/9o/fZwptlu", // bcrypt cost out of range
		"$2x$05$EqHy76lvo6in645P.6YER.iCz4zGeBiy0wAJVFUGXH/9o/fZwptlu", // bcrypt's buggy variant
		"",
	} {
		if s := schemeOf(field); s != unsupported {
			t.Errorf("schemeOf(%q) = %v, want unsupported", field, s)
		}
	}
}

// TestBcryptLongPasswords: bcrypt reads the first 72 bytes of a password,
// as the C library's does. The field is htpasswd -nbB -C 4 of 72 "p".
func TestBcryptLongPasswords(t *testing.T) {
	const field = "$2y$04$VYmERbX//eEBikg8UptYGOBwe.7JPuJAMmtnJXwWnatUPAAe0Tk/m"
	long := strings.Repeat("p", 72)
	if got := verify(bcryptHash, field, []byte(long+"ignored")); got != verified {
		t.Errorf("72 bytes and more: %v, want verified", got)
	}
	if got := verify(bcryptHash, field, []byte(long[:71])); got != failed {
		t.Errorf("71 bytes: %v, want failed", got)
	}
}
