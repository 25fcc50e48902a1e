#!/usr/bin/env bash
# bench/instr.sh: user-space instructions per request of each peer, counted
# by valgrind's callgrind (make bench-instr). See bench/README.md. Settings:
#   BENCH_INSTR_N (500)  BENCH_INSTR_PEERS ("gw nginx haproxy")
#   BENCH_INSTR_SCENARIOS ("new sticky rr many-locations learn")
#   BENCH_PORT_BASE (18000)  BENCH_RESULTS (bench/RESULTS.md; "-")  BENCH_KEEP (0)
#   BENCH_INSTR_TSV (unset): also copy the figures there, one
#   "scenario<TAB>peer<TAB>instructions" line each (bench/instr-guard.sh)
#
# wrk's figures on a shared 2-core machine move by 10% from one minute to the
# next; an instruction count does not. Each peer runs alone under callgrind
# with the configuration of bench/wrk.sh; bench/reqs sends 4 x N requests,
# then 4 x 2N, over 4 keep-alive connections, the counters zeroed before and
# dumped after each batch. The difference of the two counts divided by 4 x N
# is the cost of one request, start-up and idle work cancelled out. It counts
# the peer's own instructions (and its libraries'), not the kernel's: the
# syscalls, which wrk's CPU figure includes, are not in it.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${BENCH_INSTR_N:-500}
PEERS=${BENCH_INSTR_PEERS:-gw nginx haproxy}
SCENARIOS=${BENCH_INSTR_SCENARIOS:-new sticky rr many-locations learn}
RESULTS=${BENCH_RESULTS:-$BENCH/RESULTS.md}
CONNS=4

# peer_cmd PEER: the peer's command line into CMD, one process (nginx
# without its master, so that the worker is the process callgrind counts).
CMD=()
peer_cmd() {
	case "$1" in
	gw) CMD=("$ROOT/bin/gw" -p "$TMP/gw" -c "$TMP/gw/gw.conf") ;;
	nginx) CMD=("$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -g "master_process off;") ;;
	haproxy) CMD=("$HAPROXY" -db -f "$TMP/haproxy/haproxy.cfg") ;;
	esac
}

# url_of PEER SCENARIO: address and path, as "ADDR PATH".
url_of() {
	case "$2" in
	many-locations) echo "127.0.0.1:${PORT_MANY[$1]} $MANY_PATH" ;;
	rr) echo "127.0.0.1:${PORT_MAIN[$1]} /rr/page.html" ;;
	learn) echo "127.0.0.1:${PORT_MAIN[$1]} /learn/page.html" ;;
	*) echo "127.0.0.1:${PORT_MAIN[$1]} /" ;;
	esac
}

# count PID ADDR PATH COOKIE REQUESTS: instructions of one batch.
count() {
	local pid=$1 addr=$2 path=$3 cookie=$4 n=$5 f before
	callgrind_control -z "$pid" >/dev/null 2>&1
	"$TMP/reqs" -addr "$addr" -path "$path" -cookie "$cookie" -c "$CONNS" -n "$n" ||
		die "requests to $addr$path failed"
	before=$(ls "$TMP"/callgrind.out.* 2>/dev/null | wc -l)
	callgrind_control -d "$pid" >/dev/null 2>&1
	for _ in $(seq 100); do
		[ "$(ls "$TMP"/callgrind.out.* 2>/dev/null | wc -l)" -gt "$before" ] && break
		sleep 0.1
	done
	f=$(ls -t "$TMP"/callgrind.out.* | head -1)
	for _ in $(seq 50); do grep -q '^totals:\|^summary:' "$f" && break; sleep 0.1; done
	awk '/^(totals|summary):/ {print $2; exit}' "$f"
}

# measure PEER: every scenario of one peer, lines in $TMP/instr.tsv.
measure() {
	local peer=$1 sc addr path cookie one two per pid
	peer_cmd "$peer"
	# Go's asynchronous preemption signals trip callgrind up; gw runs
	# without them here.
	start "$peer" "$CPU_PEER" env GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind \
		--callgrind-out-file="$TMP/callgrind.out.%p" "${CMD[@]}"
	pid=${PID[$peer]}
	wait_http_slow "$peer" "$pid" "http://127.0.0.1:${PORT_MAIN[$peer]}/rr/"
	for sc in $SCENARIOS; do
		case "$peer/$sc" in
		nginx/new | nginx/sticky | nginx/learn) continue ;; # no persistence in open-source nginx
		esac
		read -r addr path <<<"$(url_of "$peer" "$sc")"
		cookie=""
		if [ "$sc" = sticky ]; then
			cookie=$(cookies_of "http://$addr/")
			case "$cookie" in
			*route=* | *SRV=*) ;;
			*) die "$peer issued no persistence cookie (got: ${cookie:-nothing})" ;;
			esac
		fi
		if [ "$sc" = learn ]; then
			# The session the backend creates, which the peer learns
			# (every answer sets it again: a lookup and a store per request).
			cookie=$(cookies_of "http://$addr$path" | grep PHPSESSID)
			[ -n "$cookie" ] || die "$peer: the backend's PHPSESSID did not come through"
		fi
		"$TMP/reqs" -addr "$addr" -path "$path" -cookie "$cookie" -c "$CONNS" -n 20 || die "$peer $sc: warm-up failed"
		one=$(count "$pid" "$addr" "$path" "$cookie" "$N")
		two=$(count "$pid" "$addr" "$path" "$cookie" $((2 * N)))
		per=$(((two - one) / (CONNS * N)))
		log "$sc $peer: $one for $((CONNS * N)) requests, $two for $((2 * CONNS * N)): $per per request"
		printf '%s\t%s\t%s\n' "$sc" "$peer" "$per" >>"$TMP/instr.tsv"
	done
	stop_pid "$pid"
}

# wait_http_slow: wait_http with the minute a program under valgrind needs.
wait_http_slow() {
	local i
	for i in $(seq 6); do
		(wait_http "$@") 2>/dev/null && return 0
	done
	wait_http "$@"
}

main() {
	prepare valgrind
	command -v callgrind_control >/dev/null || die "callgrind_control not found (valgrind)"
	(cd "$ROOT" && go build -o "$TMP/reqs" ./bench/reqs)
	check_ports
	start_backends

	local started peer
	started=$(date -u '+%Y-%m-%d %H:%M UTC')
	: >"$TMP/instr.tsv"
	for peer in $PEERS; do measure "$peer"; done

	local report="$TMP/instr.md"
	{
		echo "## $started, commit $(commit_id): user-space instructions per request (callgrind)"
		echo
		echo "- machine: $(machine_line); $(versions_line); valgrind $(valgrind --version | sed 's/valgrind-//')"
		echo "- configurations of bench/wrk.sh; $((CONNS * N)) then $((2 * CONNS * N)) requests over $CONNS keep-alive connections, the difference per request; kernel work (syscalls) not counted"
		echo
		echo "| scenario | peer | instructions per request | gw ÷ peer |"
		echo "|---|---|---:|---:|"
		awk -F'\t' -v order="$SCENARIOS" -v peers="$PEERS" '{ v[$1, $2] = $3 }
			END {
				ns = split(order, S, " "); np = split(peers, P, " ")
				for (i = 1; i <= ns; i++) for (j = 1; j <= np; j++) {
					if (!((S[i], P[j]) in v)) continue
					g = v[S[i], "gw"]; x = v[S[i], P[j]]
					printf "| %s | %s | %d | %s |\n", S[i], P[j], x, (g > 0 && x > 0) ? sprintf("%.2f", g / x) : "-"
				}
			}' "$TMP/instr.tsv"
		echo
	} >"$report"
	append_results "$report"
	if [ -n "${BENCH_INSTR_TSV:-}" ]; then cp "$TMP/instr.tsv" "$BENCH_INSTR_TSV"; fi
}

main "$@"
