//go:build !race

package location

// raceEnabled is false in normal builds; see race_test.go.
const raceEnabled = false
