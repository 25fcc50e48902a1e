package statuspage

import "github.com/gw-proxy/gw/upstream"

// State is a server's condition in one word, what the page colours.
type State string

// The states, in the order they take precedence: a server that is several
// at once shows the first. The order follows why a server takes no new
// traffic, the most deliberate cause first: an operator's decision
// (MAINT) outlasts any probe, an active check's verdict (DOWN) is held
// until rise probes pass, while passive failures (FAILED) clear by
// themselves after fail_timeout; a draining server (DRAIN) still serves
// its sticky visitors, and a backup standing by (BACKUP) is healthy.
const (
	// Maint: out of service by decision, the configuration's `down` or the
	// operator's maint override. Grey.
	Maint State = "MAINT"
	// Down: held out by a failing active health check. Red.
	Down State = "DOWN"
	// Failed: out for passive health, max_fails failures within
	// fail_timeout. Orange.
	Failed State = "FAILED"
	// Drain: keeps its sticky visitors, gets no new session (`drain` or
	// the drain override). Blue.
	Drain State = "DRAIN"
	// Backup: a backup server standing by, because a primary server of
	// its upstream can take requests. A backup in use shows UP. Purple.
	Backup State = "BACKUP"
	// Up: serving. Green.
	Up State = "UP"
)

// States lists every state in precedence order.
var States = []State{Maint, Down, Failed, Drain, Backup, Up}

// stateOf decides p's state; primaryUp says whether a primary server of
// its upstream is available, which makes a backup stand by.
func stateOf(p *upstream.PeerSnapshot, primaryUp bool) State {
	switch {
	case p.Down || p.Admin == upstream.AdminMaint:
		return Maint
	case p.Health.Checked && p.Health.Down:
		return Down
	case p.Failed:
		return Failed
	case p.Drain:
		return Drain
	case p.Backup && primaryUp:
		return Backup
	}
	return Up
}

// UpstreamOf turns an upstream's snapshot into the page's Upstream. sids
// are the sticky cookie values of its peers, in order, nil without
// session_sticky.
func UpstreamOf(u *upstream.UpstreamSnapshot, sids []string) Upstream {
	primaryUp := false
	for i := range u.Peers {
		if p := &u.Peers[i]; !p.Backup && p.Available {
			primaryUp = true
		}
	}
	out := Upstream{Name: u.Name, Servers: make([]Server, len(u.Peers))}
	for i := range u.Peers {
		p := &u.Peers[i]
		sid := ""
		if i < len(sids) {
			sid = sids[i]
		}
		out.Servers[i] = ServerOf(p, sid)
		out.Servers[i].State = stateOf(p, primaryUp)
	}
	if l := u.Learned; l != nil {
		out.Learned = &Learned{Zone: l.Zone, Sessions: l.Sessions, Capacity: l.Capacity, Evicted: l.Evicted, Expired: l.Expired}
		if l.Store != "" {
			out.Learned.Store = &LearnedStore{URL: l.Store, Up: l.StoreUp, Dropped: l.StoreDropped, Failures: l.StoreFailures}
		}
	}
	return out
}

// class is the CSS class and data-state value of a state.
func (s State) class() string {
	switch s {
	case Maint:
		return "maint"
	case Down:
		return "down"
	case Failed:
		return "failed"
	case Drain:
		return "drain"
	case Backup:
		return "backup"
	}
	return "up"
}
