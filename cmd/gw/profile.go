package main

import (
	"os"
	"runtime/pprof"
)

// startProfiles starts the CPU profile named by GW_CPUPROFILE and returns a
// function that stops it and writes the heap profile named by
// GW_MEMPROFILE. They exist to see where gw spends its time and memory
// under wrk load (bench/README.md, "Profiling a peer under load"); without
// the variables nothing is done.
func startProfiles() (stop func()) {
	var cpu *os.File
	if path := os.Getenv("GW_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			cpu = f
		}
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if path := os.Getenv("GW_MEMPROFILE"); path != "" {
			if f, err := os.Create(path); err == nil {
				_ = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}
	}
}
