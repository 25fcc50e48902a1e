//go:build !race

package upstream

// raceEnabled is false in normal builds; see race_test.go.
const raceEnabled = false
