# gw's one Makefile: `make test` is exactly what CI runs (.ci/run calls it).
GO        ?= go
BIN       := bin
FUZZTIME  ?= 60s
# Demo backends for `make run`; gw's example configuration conf/gw.conf
# proxies to these two addresses.
DEMO1     ?= 127.0.0.1:9001
DEMO2     ?= 127.0.0.1:9002

.PHONY: all build test lint run bench fuzz bench-wrk bench-mem bench-instr bench-instr-guard clean

all: build

build:
	$(GO) build -o $(BIN)/gw ./cmd/gw
	$(GO) build -o $(BIN)/gw-demo ./cmd/gw-demo

# lint first: an unformatted file or a vet finding fails the run early.
test: lint
	$(GO) test -count=1 -timeout 8m ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# run starts the two demo backends and gw on the bundled example
# configuration, in the foreground; Ctrl-C stops all three.
run: build
	@mkdir -p logs
	@trap 'kill $$(jobs -p) 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gw-demo -listen $(DEMO1) -name app1 & \
	  $(BIN)/gw-demo -listen $(DEMO2) -name app2 & \
	  echo; echo "gw is on http://127.0.0.1:8080 — try:"; \
	  echo "  curl -i http://127.0.0.1:8080/                       # a new visitor gets a route cookie"; \
	  echo "  curl -c jar -b jar http://127.0.0.1:8080/ (repeat)   # a returning visitor stays on its server"; \
	  echo "  curl -i http://127.0.0.1:8080/health"; echo; \
	  $(BIN)/gw -p . -c conf/gw.conf

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

# bench-wrk runs gw, nginx and haproxy side by side under wrk and appends the
# table to bench/RESULTS.md; bench-mem reports RSS with 10,000 idle
# keep-alive connections. Both install wrk/nginx/haproxy when missing.
# Settings (BENCH_DURATION, BENCH_ROUNDS, ...): bench/README.md.
bench-wrk:
	bash bench/wrk.sh

bench-mem:
	bash bench/mem.sh

# bench-instr counts each peer's user-space instructions per request with
# valgrind's callgrind: a figure that does not drift with the machine's load.
bench-instr:
	bash bench/instr.sh

# bench-instr-guard fails when gw's rr instructions per request grow by more
# than 3% over bench/instr-baseline (BENCH_GUARD_RECORD=1 records a new one).
bench-instr-guard:
	bash bench/instr-guard.sh

# fuzz runs every fuzz target for FUZZTIME each (go test allows one target
# per invocation).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$t"; $(GO) test -run='^$$' -fuzz="^$$t\$$" -fuzztime=$(FUZZTIME) $$pkg; \
	  done; done

clean:
	rm -rf $(BIN) logs
