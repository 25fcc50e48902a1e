#!/usr/bin/env bash
# bench/wrk.sh: gw, nginx and haproxy side by side under wrk (make bench-wrk).
# See bench/README.md. Settings come from the environment:
#   BENCH_DURATION (10s)  BENCH_ROUNDS (3)  BENCH_CONNECTIONS (50)
#   BENCH_SCENARIOS ("new sticky rr many-locations close")
#   BENCH_PEERS ("gw nginx haproxy")  BENCH_PIN (1)  BENCH_PORT_BASE (18000)
#   BENCH_RESULTS (bench/RESULTS.md; "-" for stdout only)  BENCH_KEEP (0)

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=${BENCH_DURATION:-10s}
ROUNDS=${BENCH_ROUNDS:-3}
CONNS=${BENCH_CONNECTIONS:-50}
SCENARIOS=${BENCH_SCENARIOS:-new sticky rr many-locations close}
PEERS=${BENCH_PEERS:-gw nginx haproxy}
RESULTS=${BENCH_RESULTS:-$BENCH/RESULTS.md}

declare -A COOKIE=()  # peer -> Cookie header the sticky scenario replays
NOTES=()

# can PEER SCENARIO: whether the peer takes part (nginx open source cannot
# insert a persistence cookie).
can() {
	case "$1/$2" in
	nginx/new | nginx/sticky) return 1 ;;
	esac
	return 0
}

# wrk_args PEER SCENARIO: the URL, then extra wrk arguments, one per line.
wrk_args() {
	local peer=$1 sc=$2 main="http://127.0.0.1:${PORT_MAIN[$1]}"
	case "$sc" in
	new) echo "$main/" ;;
	sticky) printf '%s\n-H\nCookie: %s\n' "$main/" "${COOKIE[$peer]}" ;;
	rr) echo "$main/rr/page.html" ;;
	many-locations) echo "http://127.0.0.1:${PORT_MANY[$peer]}$MANY_PATH" ;;
	close) printf '%s\n-H\nConnection: close\n' "$main/rr/page.html" ;;
	*) die "unknown scenario $sc" ;;
	esac
}

# body_of URL COOKIE: the response body (names the backend).
body_of() { curl -s --max-time 2 -H "Cookie: $2" "$1"; }

# prepare_sticky: fetch each peer's cookie once, check that replaying it
# keeps the client on one backend, and note what is not active.
prepare_sticky() {
	local peer url c first b i same
	for peer in gw haproxy; do
		url="http://127.0.0.1:${PORT_MAIN[$peer]}/"
		c=$(cookies_of "$url")
		COOKIE[$peer]=$c
		log "$peer issues: ${c:-nothing}"
		first=$(body_of "$url" "$c")
		same=yes
		for i in 1 2 3 4 5; do
			b=$(body_of "$url" "$c")
			[ "$b" = "$first" ] || same=no
		done
		case "$peer/$c" in
		gw/*route=* | haproxy/*SRV=*)
			if [ "$same" = yes ]; then
				NOTES+=("$peer: persistence active: replaying \`Cookie: $c\` kept one backend")
			else
				NOTES+=("$peer: replaying its cookie did NOT keep one backend")
			fi
			;;
		*)
			NOTES+=("$peer: no persistence cookie issued (stickiness not active); new/sticky measured anyway, sticky replays only PHPSESSID")
			;;
		esac
	done
}

# latency_ms VALUE: wrk's 412.00us / 1.23ms / 2.01s / 1.00m in ms.
latency_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
		printf "%.3f", n }'
}

# cpu_ticks PID...: user + system clock ticks the processes have used.
cpu_ticks() {
	local p sum=0
	for p in "$@"; do
		sum=$((sum + $(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$sum"
}

CLK_TCK=$(getconf CLK_TCK)

# run_wrk PEER SCENARIO ROUND: one wrk run, one line in $TMP/runs.tsv.
# Beside wrk's figures it records the CPU the peer itself used (all its
# processes and threads): busy % of one core, and CPU µs per request, which
# other work on the machine disturbs much less than requests/s.
run_wrk() {
	local peer=$1 sc=$2 round=$3 out args rps p50 p99 errs pids t0 t1 c0 c1 nreq cpu us
	out="$TMP/wrk-$sc-$peer-$round.txt"
	mapfile -t args < <(wrk_args "$peer" "$sc")
	pids=$(peer_pids "$peer")
	c0=$(cpu_ticks $pids)
	t0=$(date +%s%N)
	pin "$CPU_LOAD" wrk --latency -t1 -c"$CONNS" -d"$DURATION" --timeout 5s \
		"${args[@]:1}" "${args[0]}" >"$out" 2>&1 || true
	t1=$(date +%s%N)
	c1=$(cpu_ticks $pids)
	nreq=$(awk '/ requests in / {print $1}' "$out")
	cpu=$(awk -v d=$((c1 - c0)) -v hz="$CLK_TCK" -v ns=$((t1 - t0)) 'BEGIN {printf "%.0f", 100 * d / hz / (ns / 1e9)}')
	us=$(awk -v d=$((c1 - c0)) -v hz="$CLK_TCK" -v n="${nreq:-0}" 'BEGIN {printf "%.1f", (n > 0 ? 1e6 * d / hz / n : 0)}')
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
	p50=$(awk '$1 == "50%" {print $2}' "$out")
	p99=$(awk '$1 == "99%" {print $2}' "$out")
	errs=$(awk '/^  Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$out")
	if [ -z "$rps" ] || [ -z "$p99" ]; then
		log "wrk failed for $peer/$sc:"; cat "$out" >&2
		rps=0 p50=0 p99=0
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$sc" "$peer" "$round" "$rps" \
		"$(latency_ms "$p50")" "$(latency_ms "$p99")" "$errs" "$cpu" "$us" >>"$TMP/runs.tsv"
	log "$(printf '%-14s %-8s round %s: %10s req/s  p50 %-8s p99 %-8s errors %s  CPU %s%% %s µs/req' \
		"$sc" "$peer" "$round" "$rps" "$p50" "$p99" "$errs" "$cpu" "$us")"
}

# table: the median round (by requests/s) per scenario and peer, ratios to
# gw, then gw's speed targets (new/sticky against nginx's rr and HAProxy,
# p99 against nginx, many-locations against gw's own rr), each met or not.
table() {
	awk -F'\t' -v scenarios="$SCENARIOS" -v peers="$PEERS" '
	{ k = $1 SUBSEP $2; n[k]++; rps[k, n[k]] = $4; p50[k, n[k]] = $5; p99[k, n[k]] = $6; err[k, n[k]] = $7; cpu[k, n[k]] = $8; us[k, n[k]] = $9 }
	function median(k,   i, j, t, idx, m) {
		m = n[k]; for (i = 1; i <= m; i++) idx[i] = i
		for (i = 2; i <= m; i++) for (j = i; j > 1 && rps[k, idx[j]] + 0 < rps[k, idx[j-1]] + 0; j--) { t = idx[j]; idx[j] = idx[j-1]; idx[j-1] = t }
		return idx[int((m + 1) / 2)]
	}
	function ratio(a, b) { return (b + 0 > 0) ? sprintf("%.2f", a / b) : "–" }
	function verdict(ok) { return ok ? "met" : "**not met**" }
	BEGIN {
		ns = split(scenarios, S, " "); np = split(peers, P, " ")
	}
	END {
		print "| scenario | peer | requests/s | p50 ms | p99 ms | gw ÷ peer req/s | gw ÷ peer p99 | peer CPU % | CPU µs/req | errors |"
		print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
		for (s = 1; s <= ns; s++) {
			g = S[s] SUBSEP "gw"
			if (g in n) { gm = median(g); grps = rps[g, gm]; gp99 = p99[g, gm] } else { grps = 0; gp99 = 0 }
			for (p = 1; p <= np; p++) {
				k = S[s] SUBSEP P[p]
				if (!(k in n)) continue
				m = median(k)
				R[S[s], P[p]] = rps[k, m]; L[S[s], P[p]] = p99[k, m]
				printf "| %s | %s | %.0f | %.3f | %.3f | %s | %s | %d | %.1f | %d |\n", S[s], P[p], rps[k, m], p50[k, m], p99[k, m],
					ratio(grps, rps[k, m]), ratio(gp99, p99[k, m]), cpu[k, m], us[k, m], err[k, m]
			}
		}
		print ""
		print "Targets (bench.md):"
		print ""
		for (s = 1; s <= ns; s++) {
			sc = S[s]
			if (sc != "new" && sc != "sticky") continue
			if ((sc, "gw") in R && ("rr", "nginx") in R && R["rr", "nginx"] > 0) {
				r = R[sc, "gw"] / R["rr", "nginx"]
				printf "- `%s` gw ÷ nginx `rr` req/s = %.2f (≥ 1.00): %s\n", sc, r, verdict(r >= 1.0)
			}
			if ((sc, "gw") in R && (sc, "haproxy") in R && R[sc, "haproxy"] > 0) {
				r = R[sc, "gw"] / R[sc, "haproxy"]
				printf "- `%s` gw ÷ haproxy req/s = %.2f (≥ 1.15): %s\n", sc, r, verdict(r >= 1.15)
			}
		}
		for (s = 1; s <= ns; s++) {
			sc = S[s]
			if ((sc, "gw") in L && (sc, "nginx") in L && L[sc, "nginx"] > 0) {
				r = L[sc, "gw"] / L[sc, "nginx"]
				printf "- `%s` gw p99 ÷ nginx p99 = %.2f (≤ 1.10): %s\n", sc, r, verdict(r <= 1.10)
			}
		}
		if (("many-locations", "gw") in R && ("rr", "gw") in R && R["rr", "gw"] > 0) {
			r = R["many-locations", "gw"] / R["rr", "gw"]
			printf "- `many-locations` gw ÷ gw `rr` req/s = %.2f (≥ 0.95): %s\n", r, verdict(r >= 0.95)
		}
	}' "$TMP/runs.tsv"
}

main() {
	prepare
	check_ports
	start_all
	prepare_sticky

	local load_start load_end started sc peer round
	load_start=$(load_avg)
	started=$(date -u '+%Y-%m-%d %H:%M UTC')
	log "warm-up"
	for peer in $PEERS; do
		DURATION=1s run_wrk "$peer" rr 0 >/dev/null 2>&1
	done
	: >"$TMP/runs.tsv"
	for ((round = 1; round <= ROUNDS; round++)); do
		for sc in $SCENARIOS; do
			for peer in $PEERS; do
				can "$peer" "$sc" || continue
				run_wrk "$peer" "$sc" "$round"
			done
		done
	done
	load_end=$(load_avg)

	local report="$TMP/report.md" n
	{
		echo "## $started, commit $(commit_id)"
		echo
		echo "- machine: $(machine_line); load average before $load_start, after $load_end"
		echo "- settings: wrk -t1 -c$CONNS -d$DURATION --latency, $ROUNDS round(s), median round kept; $(pin_line)"
		echo "- $(versions_line)"
		echo "- nginx takes no part in \`new\`/\`sticky\` (no cookie insertion in open-source nginx); haproxy's many-locations is emulated (50 path_reg rules + one 1,000-entry map_beg)"
		for n in "${NOTES[@]}"; do echo "- note: $n"; done
		echo
		table
		echo
	} >"$report"
	append_results "$report"
}

main "$@"
