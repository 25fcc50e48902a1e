//go:build !race

package proxy

// raceEnabled is false in normal builds; see race_test.go.
const raceEnabled = false
