package health

import (
	"math/rand/v2"
	"time"
)

// firstDelay spreads the first probes of the servers over one interval,
// as Tengine does, so that a gw that starts or reloads with many checked
// servers does not probe them all at once.
func firstDelay(interval time.Duration) time.Duration {
	if interval <= 0 {
		return 0
	}
	return rand.N(interval)
}

// nextDelay is the interval give or take 5%, so servers checked at the
// same interval drift apart instead of being probed in lock step.
func nextDelay(interval time.Duration) time.Duration {
	spread := interval / 20
	if spread <= 0 {
		return interval
	}
	return interval - spread + rand.N(2*spread)
}
