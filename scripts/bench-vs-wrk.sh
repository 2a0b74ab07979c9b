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

ip netns list | grep -qw "$NS" || { echo "rig is not up: scripts/rig.sh up" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 2; }

# wrk goes through the kernel: lend 198.18.0.2 to gen0 for its run only
# (drench owns that address through the DPDK port the rest of the time).
run_wrk() {
	ip addr add 198.18.0.2/24 dev gen0
	trap 'ip addr del 198.18.0.2/24 dev gen0 2>/dev/null || true' RETURN
	taskset -c "$CORE" wrk -t1 -c"$CONNS" -d"${SECS}s" --latency "$URL" >"$OUT/wrk.txt"
}

# wrk prints "Requests/sec: N" and a latency line "99%  1.23ms"
wrk_rps() { awk '/Requests\/sec/ {print $2}' "$OUT/wrk.txt"; }
wrk_p99_us() {
	awk '$1 == "99%" {v=$2; u=v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v);
		m = (u == "us") ? 1 : (u == "ms") ? 1000 : (u == "s") ? 1000000 : 60000000;
		printf "%.0f\n", v * m}' "$OUT/wrk.txt"
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
w_rps=$(wrk_rps)
w_p99=$(wrk_p99_us)
echo "nginx $URL_PATH, $CONNS connections, ${SECS}s, load on core $CORE"
printf "drench: rps %s p99 %s us errors %s\n" "$d_rps" "$d_p99" "$d_err"
printf "wrk:    rps %s p99 %s us\n" "$w_rps" "$w_p99"
python3 -c "import sys; print('drench/wrk rps ratio: %.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" \
	"$d_rps" "$w_rps"
