//go:build !race

package sticky

// raceEnabled is false in normal builds; see race_test.go.
const raceEnabled = false
