package upstream

import (
	"fmt"

	"github.com/gw-proxy/gw/conf"
	"github.com/gw-proxy/gw/sticky"
)

// stickyModes, stickyHashes and stickySameSite translate conf's words into
// the sticky package's. They are maps rather than casts so that a reordered
// enum on either side cannot silently change a site's cookies.
var (
	stickyModes = map[conf.StickyMode]sticky.Mode{
		conf.StickyInsert:  sticky.ModeInsert,
		conf.StickyRewrite: sticky.ModeRewrite,
		conf.StickyPrefix:  sticky.ModePrefix,
	}
	stickyHashes = map[conf.StickyHash]sticky.Hash{
		conf.StickyMD5:   sticky.HashMD5,
		conf.StickyPlain: sticky.HashPlain,
		conf.StickyHMAC:  sticky.HashHMAC,
	}
	stickySameSite = map[string]sticky.SameSite{
		"":       sticky.SameSiteUnset,
		"Strict": sticky.SameSiteStrict,
		"Lax":    sticky.SameSiteLax,
		"None":   sticky.SameSiteNone,
	}
)

// stickyConfig turns an upstream's parsed session_sticky into the sticky
// package's Config. conf has already validated it; an unknown word here is
// a programming error between the two packages, reported as an error.
func stickyConfig(s *conf.Sticky) (sticky.Config, error) {
	mode, ok1 := stickyModes[s.Mode]
	hash, ok2 := stickyHashes[s.Hash]
	same, ok3 := stickySameSite[s.SameSite]
	if !ok1 || !ok2 || !ok3 {
		return sticky.Config{}, fmt.Errorf("session_sticky: untranslatable mode/hash/samesite %v/%v/%q in %s", s.Mode, s.Hash, s.SameSite, s.Pos)
	}
	option := sticky.OptionDirect
	if s.Indirect {
		option = sticky.OptionIndirect
	}
	return sticky.Config{
		Cookie: s.Cookie, Domain: s.Domain, Path: s.Path,
		MaxAge: s.MaxAge, MaxIdle: s.MaxIdle, MaxLife: s.MaxLife,
		Mode: mode, Option: option, Fallback: s.Fallback, Hash: hash, Secret: s.Secret,
		HTTPOnly: s.HTTPOnly, Secure: s.Secure, SameSite: same,
		NoCache: s.NoCache, PostOnly: s.PostOnly, Preserve: s.Preserve,
	}, nil
}
