//go:build race

package sticky

// raceEnabled: the race detector makes sync.Pool drop items on purpose and
// instruments memory, so allocation counts mean nothing under -race.
const raceEnabled = true
