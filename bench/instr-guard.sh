#!/usr/bin/env bash
# bench/instr-guard.sh (make bench-instr-guard): fails when gw's instructions
# per request in the rr scenario grow by more than 3% over the figure
# recorded in bench/instr-baseline, the figure of the last commit that
# changed it. A change that makes gw faster records its own figure with
# BENCH_GUARD_RECORD=1 and commits bench/instr-baseline with the code.
# Settings: BENCH_GUARD_SLACK (3, percent), BENCH_GUARD_RUNS (3: the
# median is compared), BENCH_INSTR_N and BENCH_PORT_BASE as for
# bench/instr.sh.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BASELINE=$BENCH/instr-baseline
SLACK=${BENCH_GUARD_SLACK:-3}
TSV=$(mktemp)
trap 'rm -f "$TSV"' EXIT

# The median of RUNS measurements: one run moves by about 1% (the
# garbage collector and the scheduler do not run at the same points).
RUNS=${BENCH_GUARD_RUNS:-3}
figures=()
for _ in $(seq "$RUNS"); do
	BENCH_INSTR_PEERS=gw BENCH_INSTR_SCENARIOS=rr BENCH_RESULTS=- BENCH_INSTR_TSV=$TSV \
		bash "$BENCH/instr.sh" >/dev/null
	f=$(awk -F'\t' '$1 == "rr" && $2 == "gw" {print $3}' "$TSV")
	[ -n "$f" ] || { echo "bench-instr-guard: no rr figure measured" >&2; exit 1; }
	figures+=("$f")
done
now=$(printf '%s\n' "${figures[@]}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
commit=$(git -C "$BENCH" rev-parse --short HEAD)

if [ "${BENCH_GUARD_RECORD:-0}" = 1 ]; then
	printf 'rr\t%s\t%s\n' "$now" "$commit" >"$BASELINE"
	echo "bench-instr-guard: recorded rr = $now instructions per request ($commit)"
	exit 0
fi
[ -f "$BASELINE" ] || { echo "bench-instr-guard: no $BASELINE; record one with BENCH_GUARD_RECORD=1" >&2; exit 1; }
read -r _ base at <"$BASELINE"
limit=$((base * (100 + SLACK) / 100))
if [ "$now" -gt "$limit" ]; then
	echo "bench-instr-guard: rr = $now instructions per request, over $limit ($base recorded at $at, +$SLACK%)" >&2
	exit 1
fi
echo "bench-instr-guard: rr = $now instructions per request (median of ${figures[*]}), within $SLACK% of $base (recorded at $at)"
