#!/usr/bin/env bash
# bench/instr-guard.sh (make bench-instr-guard): fails when gw's instructions
# per request in the rr scenario grow by more than 3% over the figure
# recorded in bench/instr-baseline, the figure of the last commit that
# changed it. A change that makes gw faster records its own figure with
# BENCH_GUARD_RECORD=1 and commits bench/instr-baseline with the code.
# Settings: BENCH_GUARD_SLACK (3, percent), BENCH_INSTR_N and
# BENCH_PORT_BASE as for bench/instr.sh.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BASELINE=$BENCH/instr-baseline
SLACK=${BENCH_GUARD_SLACK:-3}
TSV=$(mktemp)
trap 'rm -f "$TSV"' EXIT

BENCH_INSTR_PEERS=gw BENCH_INSTR_SCENARIOS=rr BENCH_RESULTS=- BENCH_INSTR_TSV=$TSV \
	bash "$BENCH/instr.sh" >/dev/null
now=$(awk -F'\t' '$1 == "rr" && $2 == "gw" {print $3}' "$TSV")
[ -n "$now" ] || { echo "bench-instr-guard: no rr figure measured" >&2; exit 1; }
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
echo "bench-instr-guard: rr = $now instructions per request, within $SLACK% of $base (recorded at $at)"
