package upstream

import "strconv"

// The key of a server is how the runtime API's URLs and the metrics'
// `server` label name it: its id= when written, else its address; a key
// already taken in the upstream gets "#2", "#3"... appended, so that two
// server lines with one address, each a server of its own to nginx, stay
// apart. One rule for both, so that what a graph shows is what an
// operator can PATCH. A key does not change across the reloads that keep
// the server and its neighbours' lines.

// serverKeys returns the key of every peer, in order.
func serverKeys(peers []*Peer) []string {
	keys := make([]string, len(peers))
	rank := make(map[string]int, len(peers))
	for i, p := range peers {
		k := p.Server.ID
		if k == "" {
			k = p.Addr
		}
		rank[k]++
		if n := rank[k]; n > 1 {
			k += "#" + strconv.Itoa(n)
		}
		keys[i] = k
	}
	return keys
}

// Key returns the key of peer i (Peer.Index) of the upstream.
func (up *Upstream) Key(i int) string { return up.keys[i] }

// PeerByKey returns the peer whose key is key, nil when none has it.
func (up *Upstream) PeerByKey(key string) *Peer {
	for i, k := range up.keys {
		if k == key {
			return up.Peers[i]
		}
	}
	return nil
}
