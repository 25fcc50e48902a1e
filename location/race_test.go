//go:build race

package location

// raceEnabled: the race detector instruments memory and sync.Pool drops
// items at random, so allocation counts mean nothing under -race.
const raceEnabled = true
