#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# drench and Debian's wrk, one after the other, against the same nginx in the
# rig, each on the same single core, same connections and duration. Prints RPS
# and p99 of both; the last line is "drench/wrk rps ratio: R".
#   scripts/bench-vs-wrk.sh [CONNECTIONS] [DURATION_S] [PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS=${1:-64}
SECS=${2:-10}
URL_PATH=${3:-/64b}
CORE=${BENCH_CORE:-1}
NS=${DRENCH_NS:-drench-sut}
DRENCH=${DRENCH:-build/app/drench/drench}
VDEV=${DRENCH_TEST_VDEV:-net_af_xdp0,iface=gen0}
URL="http://198.18.0.1$URL_PATH"
OUT=$(mktemp -d /tmp/drench-bench.XXXXXX)
GEN_IF=${DRENCH_GEN_IF:-gen0}
source scripts/kernel-client-lib.sh

ip netns list | grep -qw "$NS" || { echo "rig is not up: scripts/rig.sh up" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 2; }

# wrk goes through the kernel, with 198.18.0.2 lent to gen0 for its run only
run_wrk() {
	lend_gen_ip
	trap return_gen_ip RETURN
	wrk_run "$OUT/wrk.txt" "$SECS" "$CORE" -c"$CONNS" --latency "$URL" ||
		{ cat "$OUT/wrk.txt" >&2; exit 1; }
}

# drench: the main lcore (telemetry) shares core 0 with nginx and mostly sleeps;
# its worker polls on the measured core.
run_drench() {
	"$DRENCH" run --dev "$VDEV" --lcores "0,$CORE" --url "$URL" --connections "$CONNS" \
		--duration "${SECS}s" --output "$OUT/drench" --quiet >"$OUT/drench.txt" 2>&1
}
drench_field() {
	python3 -c "import json,sys; p=json.load(open(sys.argv[1]))['phases'][0]; print($1)" \
		"$OUT/drench/report.json"
}

run_drench
run_wrk
d_rps=$(drench_field 'round(p["rps"])')
d_p99=$(drench_field 'round(p["latency_us"]["p99"])')
d_err=$(drench_field 'sum(p["errors"].values())')
w_rps=$(wrk_rps "$OUT/wrk.txt")
w_p99=$(wrk_p99_us "$OUT/wrk.txt")
echo "nginx $URL_PATH, $CONNS connections, ${SECS}s, load on core $CORE"
printf "drench: rps %s p99 %s us errors %s\n" "$d_rps" "$d_p99" "$d_err"
printf "wrk:    rps %s p99 %s us\n" "$w_rps" "$w_p99"
python3 -c "import sys; print('drench/wrk rps ratio: %.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" \
	"$d_rps" "$w_rps"
