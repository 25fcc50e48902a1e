// Package upstream owns the servers of an upstream and how one is chosen:
// peers and their state across reloads (with the background tasks bound
// to a server), passive health, and the balancers. The proxy that uses them
// (upstream/proxy) and the connections it sends on (upstream/transport)
// are packages of their own.
//
// A Peer is one server address of an `upstream` block: its configuration,
// immutable for the life of a runtime, plus a pointer to a PeerState, the
// mutable part (active connections, passive-health failures, active-health
// verdict) kept in a StateStore keyed by upstream name and address so that a
// reload which keeps a server keeps what gw knows about it.
//
// A Balancer picks the peer of a new session: nginx's smooth weighted round
// robin (the default), least_conn, ip_hash, hash KEY [consistent] and
// random [two], each following the nginx module of the same name, with
// backups tried only when no primary can be. Balancers only choose; counting
// connections, passive-health accounting and retries are the caller's, done
// once in the proxy's retry loop:
//
//	var tried upstream.Tried // per request; keep it in pooled request state
//	for tries := 0; tries < max; tries++ {
//		p := u.Pick(now, key, &tried)      // or the sticky cookie's peer, tried.Add(i)
//		if p == nil {                      // ErrNoLivePeers -> 502
//			if tries == 0 {
//				u.Revive()                 // nginx's quick recovery
//			}
//			break
//		}
//		if !p.Acquire(now) {               // max_conns reached meanwhile
//			continue
//		}
//		err := forward(p)
//		if countsAsFailure(err) {          // per proxy_next_upstream
//			p.Failure(now)
//		} else {
//			p.Success()
//		}
//		p.Release()
//		...
//	}
//
// Upstream (NewUpstream) ties one configured upstream to its peers and its
// balancer and gives the sticky layer lookup by peer index.
package upstream
