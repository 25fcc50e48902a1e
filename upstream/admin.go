package upstream

import "fmt"

// Admin is an operator's run-time override of a server's state, HAProxy's
// `set server ... state ready|drain|maint`. It is kept in the PeerState, so
// it survives the reloads that keep the server; AdminConfig, the zero
// value, means no override: the configuration's `down` and `drain` apply.
type Admin uint32

// The overrides.
const (
	// AdminConfig follows the configuration.
	AdminConfig Admin = iota
	// AdminReady serves the server normally, even if the configuration
	// marks it down or drain (HAProxy's "ready" after "disabled").
	AdminReady
	// AdminDrain keeps the server's sticky visitors and sends it no new
	// session, like the `drain` parameter.
	AdminDrain
	// AdminMaint takes the server out of service entirely, like `down`:
	// its sticky visitors move or get 502, as session_sticky's fallback
	// says.
	AdminMaint
)

var adminNames = [...]string{AdminConfig: "config", AdminReady: "ready", AdminDrain: "drain", AdminMaint: "maint"}

// String returns the override's name as the runtime API spells it.
func (a Admin) String() string {
	if int(a) < len(adminNames) {
		return adminNames[a]
	}
	return fmt.Sprintf("Admin(%d)", uint32(a))
}

// ParseAdmin returns the override named s ("config", "ready", "drain",
// "maint").
func ParseAdmin(s string) (Admin, error) {
	for a, name := range adminNames {
		if s == name {
			return Admin(a), nil
		}
	}
	return 0, fmt.Errorf("unknown server state %q (want ready, drain, maint or config)", s)
}

// SetAdmin records an operator's override of the server's state.
func (s *PeerState) SetAdmin(a Admin) { s.admin.Store(uint32(a)) }

// Admin returns the operator's override of the server's state.
func (s *PeerState) Admin() Admin { return Admin(s.admin.Load()) }

// SetWeight overrides the server's configured weight (w >= 1), or clears
// the override (w == 0). Round robin, least_conn and random two's choice
// between two servers follow it at once. The hash balancers (ip_hash,
// hash, hash consistent) and random's draw keep the configured weights:
// their tables are built with the upstream, and changing them under a
// running key space would move every key, which is what operators of
// those methods want to avoid (HAProxy ignores `set weight` on its static
// maps for the same reason).
func (s *PeerState) SetWeight(w int) error {
	if w < 0 {
		return fmt.Errorf("weight %d: must be 0 (the configured weight) or more", w)
	}
	s.weight.Store(int64(w))
	return nil
}

// WeightOverride returns the operator's weight, 0 when there is none.
func (s *PeerState) WeightOverride() int { return int(s.weight.Load()) }
