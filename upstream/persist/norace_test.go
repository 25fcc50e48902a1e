//go:build !race

package persist

// raceEnabled is false in normal builds; see race_test.go.
const raceEnabled = false
