//go:build race

package persist

// raceEnabled: the race detector instruments memory and allocates, so
// allocation counts mean nothing under -race.
const raceEnabled = true
