#!/usr/bin/env bash
# bench/mem.sh: resident memory of each peer holding many idle keep-alive
# client connections (make bench-mem). See bench/README.md. Settings:
#   BENCH_MEM_CONNS (10000)  BENCH_MEM_PEERS ("gw nginx haproxy")
#   BENCH_PIN (1)  BENCH_PORT_BASE (18000)
#   BENCH_RESULTS (bench/RESULTS.md; "-" for stdout only)  BENCH_KEEP (0)
#
# Each peer runs the same configuration as in bench/wrk.sh. For one peer at a
# time: RSS once it has answered a few requests ("idle"), then bench/holdconns
# opens BENCH_MEM_CONNS connections, sends one proxied request (/rr/) on each
# and keeps them all open; RSS is read again 2 s after the last answer.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONNS=${BENCH_MEM_CONNS:-10000}
PEERS=${BENCH_MEM_PEERS:-gw nginx haproxy}
RESULTS=${BENCH_RESULTS:-$BENCH/RESULTS.md}
NOTES=()

# rss_detail PEER: "KiB" of every process of the peer, "+"-joined.
rss_detail() {
	local p out=""
	for p in $(peer_pids "$1"); do
		out="${out:+$out + }$(rss_kib "$p")"
	done
	echo "$out"
}

fd_count() {
	local p n=0
	for p in $(peer_pids "$1"); do
		n=$((n + $(ls "/proc/$p/fd" 2>/dev/null | wc -l)))
	done
	echo "$n"
}

# measure PEER: one line of the table in $TMP/mem.tsv.
measure() {
	local peer=$1 url idle idle_d full full_d fds held i pid
	url="http://127.0.0.1:${PORT_MAIN[$peer]}/rr/"
	for i in $(seq 20); do curl -s -o /dev/null "$url"; done
	sleep 1
	idle=$(rss_kib $(peer_pids "$peer"))
	idle_d=$(rss_detail "$peer")

	local cmd=("$TMP/holdconns" -addr "127.0.0.1:${PORT_MAIN[$peer]}" -n "$CONNS" -path /rr/ -hold 3m)
	if [ "$PIN" = 1 ]; then cmd=(taskset -c "$CPU_LOAD" "${cmd[@]}"); fi
	"${cmd[@]}" >"$TMP/hold-$peer.out" 2>&1 &
	pid=$!
	STARTED+=("$pid")
	for i in $(seq 1200); do
		grep -q '^ready' "$TMP/hold-$peer.out" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	held=$(awk '/^ready/ {print $2}' "$TMP/hold-$peer.out")
	if [ -z "$held" ]; then
		cat "$TMP/hold-$peer.out" >&2
		stop_pid "$pid"
		die "holdconns did not finish against $peer"
	fi
	[ "$held" = "$CONNS" ] || NOTES+=("$peer: only $held of $CONNS connections were held ($(grep -v '^ready' "$TMP/hold-$peer.out" | head -1))")
	sleep 2
	full=$(rss_kib $(peer_pids "$peer"))
	full_d=$(rss_detail "$peer")
	fds=$(fd_count "$peer")
	stop_pid "$pid"
	log "$peer: idle $idle KiB, with $held connections $full KiB ($fds descriptors open)"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$peer" "$idle" "$idle_d" "$full" "$full_d" "$held" "$fds" >>"$TMP/mem.tsv"
}

main() {
	prepare
	(cd "$ROOT" && go build -o "$TMP/holdconns" ./bench/holdconns)
	[ "$NOFILE" -gt $((CONNS + 200)) ] || die "open-file limit $NOFILE is too low for $CONNS connections (raise the hard limit)"
	check_ports
	start_all

	local started peer
	started=$(date -u '+%Y-%m-%d %H:%M UTC')
	: >"$TMP/mem.tsv"
	for peer in $PEERS; do
		if [ "$peer" = haproxy ] && [ "$HAPROXY_MAXCONN" -lt "$CONNS" ]; then
			NOTES+=("haproxy skipped: it needs two descriptors per connection and the open-file limit ($NOFILE) caps its maxconn at $HAPROXY_MAXCONN")
			continue
		fi
		measure "$peer"
	done

	local report="$TMP/mem.md" n
	{
		echo "## $started, commit $(commit_id): memory with $CONNS idle keep-alive connections"
		echo
		echo "- machine: $(machine_line); load average $(load_avg)"
		echo "- $(versions_line); configurations of bench/wrk.sh (one worker each), one proxied request per connection; $(pin_line)"
		for n in "${NOTES[@]}"; do echo "- note: $n"; done
		echo
		echo "| peer | RSS idle KiB | RSS with connections KiB | increase KiB | bytes per connection | connections held | descriptors open |"
		echo "|---|---:|---:|---:|---:|---:|---:|"
		awk -F'\t' '{
			d = ($3 ~ /\+/) ? " (" $3 ")" : ""; f = ($5 ~ /\+/) ? " (" $5 ")" : ""
			printf "| %s | %d%s | %d%s | %d | %.0f | %d | %d |\n", $1, $2, d, $4, f, $4 - $2, ($6 > 0 ? ($4 - $2) * 1024 / $6 : 0), $6, $7
		}' "$TMP/mem.tsv"
		echo
		echo "nginx's RSS is master + worker (shown in brackets); pages they share are counted twice."
		echo
	} >"$report"
	append_results "$report"
}

main "$@"
