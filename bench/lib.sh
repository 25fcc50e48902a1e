# bench/lib.sh: what wrk.sh and mem.sh share. Sourced, never run.
#
# It installs the tools, builds gw, owns the temporary directory and every
# process the harness starts: each one is recorded by pid in STARTED and
# stopped by pid on exit, Ctrl-C or TERM. Nothing is ever killed by name.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"

# Ports, all on 127.0.0.1. Each peer has a main server (new, sticky, rr,
# close) and a second server with the generated locations (many-locations).
PORT_BASE=${BENCH_PORT_BASE:-18000}
PORT_B1=$((PORT_BASE + 1))
PORT_B2=$((PORT_BASE + 2))
declare -A PORT_MAIN=([gw]=$((PORT_BASE + 30)) [nginx]=$((PORT_BASE + 10)) [haproxy]=$((PORT_BASE + 20)))
declare -A PORT_MANY=([gw]=$((PORT_BASE + 31)) [nginx]=$((PORT_BASE + 11)) [haproxy]=$((PORT_BASE + 21)))

# Pinning (see bench/README.md): the peer under test gets one core, the load
# generator and the backends share the other. BENCH_PIN=0 turns it off.
CPU_PEER=${BENCH_CPU_PEER:-1}
CPU_LOAD=${BENCH_CPU_LOAD:-0}
PIN=${BENCH_PIN:-1}
if [ "$(nproc)" -lt 2 ]; then PIN=0; fi

STARTED=()     # pids of every process this harness started
declare -A PID=()  # name -> pid of the processes start() started
TMP=""
POLICY_RC=""   # set when we created /usr/sbin/policy-rc.d ourselves

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# pin CPU CMD...: run CMD on one core when pinning is on.
pin() {
	local cpu=$1; shift
	if [ "$PIN" = 1 ]; then taskset -c "$cpu" "$@"; else "$@"; fi
}

# stop_pid PID: TERM, wait up to 5 s, then KILL; children first collected so
# nginx workers are not orphaned if their master dies hard.
stop_pid() {
	local pid=$1 kids i
	kill -0 "$pid" 2>/dev/null || return 0
	kids=$(pgrep -P "$pid" 2>/dev/null || true)
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	for i in $kids; do kill -KILL "$i" 2>/dev/null || true; done
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$? i
	trap - EXIT INT TERM
	for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
		stop_pid "${STARTED[i]}"
	done
	if [ -n "$POLICY_RC" ]; then rm -f "$POLICY_RC"; fi
	if [ -n "$TMP" ] && [ -d "$TMP" ]; then
		if [ "${BENCH_KEEP:-0}" = 1 ]; then
			log "kept $TMP"
		else
			rm -rf "$TMP"
		fi
	fi
	exit "$rc"
}

setup_traps() {
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# start NAME CPU CMD...: start CMD in the background, pinned, output to
# $TMP/NAME.out, and record its pid.
start() {
	local name=$1 cpu=$2; shift 2
	local cmd=("$@")
	if [ "$PIN" = 1 ]; then cmd=(taskset -c "$cpu" "$@"); fi
	# A plain background command: taskset execs the program, so $! is
	# the program's own pid.
	"${cmd[@]}" >"$TMP/$name.out" 2>&1 &
	STARTED+=("$!")
	PID[$name]=$!
}

# install_tools [PACKAGE...]: wrk, nginx (nginx-light when Debian has it),
# haproxy, curl, taskset, and any PACKAGE named after its command (valgrind),
# from Debian packages, only when missing. Services the packages
# would start are kept from starting with a temporary policy-rc.d.
install_tools() {
	local missing=() sudo="" extra
	for extra in "$@"; do command -v "$extra" >/dev/null || missing+=("$extra"); done
	command -v wrk >/dev/null || missing+=(wrk)
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
	command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
	command -v curl >/dev/null || missing+=(curl)
	command -v taskset >/dev/null || missing+=(util-linux)
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || sudo=sudo
	log "installing ${missing[*]}"
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		POLICY_RC=/usr/sbin/policy-rc.d
		printf '#!/bin/sh\nexit 101\n' | $sudo tee "$POLICY_RC" >/dev/null
		$sudo chmod +x "$POLICY_RC"
	fi
	$sudo apt-get update -q >/dev/null
	if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >/dev/null; then
		# nginx-light is gone from newer Debian releases: take nginx.
		missing=("${missing[@]/nginx-light/nginx}")
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >/dev/null
	fi
	if [ -n "$POLICY_RC" ]; then $sudo rm -f "$POLICY_RC"; POLICY_RC=""; fi
}

NGINX=""
HAPROXY=""
find_tools() {
	NGINX=$(command -v nginx || echo /usr/sbin/nginx)
	HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
	[ -x "$NGINX" ] || die "nginx not found"
	[ -x "$HAPROXY" ] || die "haproxy not found"
	command -v wrk >/dev/null || die "wrk not found"
}

build_gw() {
	log "building gw"
	(cd "$ROOT" && go build -o bin/gw ./cmd/gw)
}

make_tmp() {
	TMP=$(mktemp -d /tmp/gw-bench.XXXXXX)
	mkdir -p "$TMP/nginx/tmp" "$TMP/backend/tmp" "$TMP/gw/logs" "$TMP/haproxy"
}

# raise_nofile: the soft limit goes to the hard one; children inherit it.
NOFILE=1024
raise_nofile() {
	ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
	NOFILE=$(ulimit -n)
	if [ "$NOFILE" = unlimited ]; then NOFILE=1048576; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_ports() {
	local p
	for p in $PORT_B1 $PORT_B2 "${PORT_MAIN[@]}" "${PORT_MANY[@]}"; do
		port_free "$p" || die "port 127.0.0.1:$p is in use (set BENCH_PORT_BASE)"
	done
}

# wait_http NAME PID URL: poll until URL answers 200, 10 s at most.
wait_http() {
	local name=$1 pid=$2 url=$3 i code
	for i in $(seq 100); do
		if ! kill -0 "$pid" 2>/dev/null; then
			cat "$TMP/$name.out" >&2 || true
			die "$name exited during start-up"
		fi
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)
		[ "$code" = 200 ] && return 0
		sleep 0.1
	done
	cat "$TMP/$name.out" >&2 || true
	die "$name did not answer 200 on $url (last: $code)"
}

# prepare [PACKAGE...]: what every benchmark script does first: traps,
# tools (plus PACKAGEs), gw built, the temporary directory, the file limit.
prepare() {
	setup_traps
	install_tools "$@"
	find_tools
	build_gw
	make_tmp
	raise_nofile
}

# start_backends: every configuration written, the shared backends started
# on CPU_LOAD and answering.
start_backends() {
	. "$BENCH/configs.sh"
	write_configs
	"$NGINX" -t -q -p "$TMP/backend" -c "$TMP/backend/nginx.conf" || die "nginx -t (backends) failed"
	start backend "$CPU_LOAD" "$NGINX" -p "$TMP/backend" -c "$TMP/backend/nginx.conf"
	wait_http backend "${PID[backend]}" "http://127.0.0.1:$PORT_B1/"
	wait_http backend "${PID[backend]}" "http://127.0.0.1:$PORT_B2/"
}

# start_all: the backends on CPU_LOAD, the three peers on CPU_PEER.
start_all() {
	start_backends
	"$NGINX" -t -q -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" || die "nginx -t failed"
	"$HAPROXY" -c -q -f "$TMP/haproxy/haproxy.cfg" || die "haproxy -c failed"
	"$ROOT/bin/gw" -t -q -p "$TMP/gw" -c "$TMP/gw/gw.conf" || die "gw -t failed"

	start nginx "$CPU_PEER" "$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf"
	start haproxy "$CPU_PEER" "$HAPROXY" -db -f "$TMP/haproxy/haproxy.cfg"
	start gw "$CPU_PEER" "$ROOT/bin/gw" -p "$TMP/gw" -c "$TMP/gw/gw.conf"

	local p
	for p in gw nginx haproxy; do
		wait_http "$p" "${PID[$p]}" "http://127.0.0.1:${PORT_MAIN[$p]}/rr/"
		wait_http "$p" "${PID[$p]}" "http://127.0.0.1:${PORT_MANY[$p]}$MANY_PATH"
	done
}

# peer_pids PEER: the peer's processes (nginx: master and worker).
peer_pids() {
	local pid=${PID[$1]}
	echo "$pid" $(pgrep -P "$pid" 2>/dev/null || true)
}

# rss_kib PID...: the sum of VmRSS of the given processes.
rss_kib() {
	local sum=0 p v
	for p in "$@"; do
		v=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}

commit_id() {
	local c
	c=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
	# RESULTS.md itself changes with every run; only code makes a run dirty.
	if ! git -C "$ROOT" diff --quiet HEAD -- . ':!bench/RESULTS.md' 2>/dev/null; then c="$c-dirty"; fi
	echo "$c"
}

# append_results REPORT: REPORT to stdout and, unless BENCH_RESULTS is "-",
# appended to the results file (created with its heading when new).
append_results() {
	cat "$1"
	[ "$RESULTS" = - ] && return 0
	if [ ! -s "$RESULTS" ]; then
		printf '# gw benchmark results\n\nAppended by `make bench-wrk` and `make bench-mem` (bench/README.md explains the columns). Newest last.\n\n' >"$RESULTS"
	fi
	cat "$1" >>"$RESULTS"
	log "appended to $RESULTS"
}

# cookies_of URL [COOKIE]: the name=value pairs of every Set-Cookie.
cookies_of() {
	local h=()
	[ -n "${2:-}" ] && h=(-H "Cookie: $2")
	curl -s -D - -o /dev/null --max-time 2 "${h[@]}" "$1" |
		awk 'tolower($1) == "set-cookie:" { sub(/\r$/, ""); split($2, a, ";"); print a[1] }' |
		paste -sd';' | sed 's/;/; /g'
}

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

machine_line() {
	local cpu
	cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
	echo "nproc $(nproc), ${cpu:-unknown CPU}, $(uname -r)"
}

versions_line() {
	local nv hv wv gv
	nv=$("$NGINX" -v 2>&1 | sed 's/.*nginx\///')
	hv=$("$HAPROXY" -v 2>&1 | awk 'NR==1 {print $3}')
	wv=$(wrk -v 2>&1 | awk 'NR==1 {print $2}')
	gv=$(go env GOVERSION)
	echo "nginx $nv, haproxy $hv, wrk $wv, $gv"
}

pin_line() {
	if [ "$PIN" = 1 ]; then
		echo "peer on CPU $CPU_PEER, wrk and backends on CPU $CPU_LOAD"
	else
		echo "no pinning"
	fi
}
