package sticky

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
)

// sidHexLen is the length of md5 and hmac sids: 16 bytes in hex for md5, and
// the same length for hmac so both kinds of cookie look alike.
const sidHexLen = 32

// SID returns the server identifier that cookies carry for a server. addr
// is the server's address text, "ip:port" or "[v6]:port"; id is its id=
// parameter ("" when absent), used only by hash=plain.
//
// hash=md5 is exactly Tengine's value (md5 of the peer name), so cookies
// issued by Tengine keep routing after a switch to gw and every gw instance
// computes the same sids with no shared state. The result is computed once
// per server when the configuration is built.
func SID(cfg *Config, addr, id string) string {
	switch cfg.Hash {
	case HashPlain:
		if id != "" {
			return id
		}
		return addr
	case HashHMAC:
		m := hmac.New(sha256.New, []byte(cfg.Secret))
		m.Write([]byte(addr))
		return hex.EncodeToString(m.Sum(nil))[:sidHexLen]
	default:
		sum := md5.Sum([]byte(addr))
		return hex.EncodeToString(sum[:])
	}
}

// SIDTable maps sids to peer indexes. Index i is the peer whose sid was
// sids[i] when the table was built; the upstream keeps its peers in the same
// order. It is immutable and safe for concurrent use.
type SIDTable struct {
	sids  []string
	index map[string]int
}

// NewSIDTable builds the table for the servers' sids, in peer order. When
// two peers share a sid (the same address listed twice), the first one wins.
func NewSIDTable(sids []string) *SIDTable {
	t := &SIDTable{sids: append([]string(nil), sids...), index: make(map[string]int, len(sids))}
	for i, s := range sids {
		if _, dup := t.index[s]; !dup {
			t.index[s] = i
		}
	}
	return t
}

// Lookup returns the peer index named by sid. Comparison is exact and
// case-sensitive. It does not allocate: the compiler turns the map index by
// string(sid) into a lookup without a copy.
func (t *SIDTable) Lookup(sid []byte) (peer int, ok bool) {
	peer, ok = t.index[string(sid)]
	return peer, ok
}

// SID returns the sid of peer i.
func (t *SIDTable) SID(i int) string { return t.sids[i] }

// Len returns the number of peers.
func (t *SIDTable) Len() int { return len(t.sids) }
