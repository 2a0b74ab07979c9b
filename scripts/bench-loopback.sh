#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# drench client <-> drench serve over a net_memif pair on one machine, no
# kernel in the way; beside it dpdk-testpmd txonly -> rxonly over the same
# kind of memif pair as the ceiling. Client worker on lcore 1, responder on
# lcore 0 (the client's main lcore shares 0 and mostly sleeps).
#   keep-alive requests/s, 1-byte and 4 KiB bodies (CONNS connections)
#   connections/s, one GET per connection (the server closes first)
#   packets/s per core, and the ratio to testpmd's one-way packets/s
# Every run is bounded (SECS seconds each). The last line reads
#   drench keep-alive rps: A, cps: B, testpmd mpps: C
# Usage: scripts/bench-loopback.sh [SECS] [CONNS]    (root, hugepages)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-5}
CONNS=${2:-256}
DRENCH=${DRENCH:-build/app/drench/drench}
TESTPMD=${TESTPMD:-dpdk-testpmd}
SOCK=/run/drench-memif-bench.$$.sock
MEMIF="socket=$SOCK${MEMIF_OPTS-,rsize=12}"
OUT=$(mktemp -d /tmp/drench-loopback.XXXXXX)
BG=

cleanup() {
	[ -n "$BG" ] && kill -INT "$BG" 2>/dev/null && wait "$BG" 2>/dev/null || true
	rm -f "$SOCK"
}
trap cleanup EXIT

die() {
	echo "bench-loopback: $*" >&2
	exit 2
}

[ "$(id -u)" = 0 ] || die "needs root (DPDK, hugepages)"
[ -x "$DRENCH" ] || die "no drench binary at $DRENCH (set DRENCH)"
[ "$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)" -ge 128 ] ||
	die "fewer than 128 free 2 MiB hugepages (scripts/rig.sh up reserves 512)"

source scripts/memif-bench-lib.sh

# figures NAME : "rps cps errors rx_mpps tx_mpps": the client's report, and
# the responder's frames per second averaged over its busy seconds (those
# above half the best one; its line per second covers idle time too)
figures() {
	python3 - "$OUT/$1/report.json" "$OUT/$1.serve" <<'PY'
import json, re, sys
p = json.load(open(sys.argv[1]))["phases"][0]
lines = re.findall(r"rx +([\d.]+) tx +([\d.]+) Mpps", open(sys.argv[2]).read())
rx = [float(a) for a, _ in lines]
tx = [float(b) for _, b in lines]
best = max(rx, default=0)
busy = [i for i, v in enumerate(rx) if v > best / 2]
mean = lambda xs: sum(xs) / len(xs) if xs else 0
conn = p.get("connections", {}).get("opened", 0)
errs = sum(p["errors"].values())
print(f'{p["rps"]:.0f} {conn / (p["end"] - p["start"]):.0f} {errs} '
      f'{mean([rx[i] for i in busy]):.3f} {mean([tx[i] for i in busy]):.3f}')
PY
}

run_drench() {
	local name=$1 body=$2 conns=$3
	shift 3
	drench_serve "$name" --body-size "$body" "$@"
	drench_client "$name" --connections "$conns" "${CLIENT_EXTRA[@]}"
	figures "$name"
}

CLIENT_EXTRA=()
read -r ka1_rps _ ka1_err ka1_srx ka1_stx <<<"$(run_drench ka1 1 "$CONNS")"
read -r ka4k_rps _ ka4k_err ka4k_srx ka4k_stx <<<"$(run_drench ka4k 4096 "$CONNS")"
CLIENT_EXTRA=(--requests-per-conn 1)
read -r _ cps cps_err cps_srx cps_stx <<<"$(run_drench cps 1 "$CONNS" --keepalive-requests 1)"

# testpmd: txonly on lcore 1 (its main lcore 0), rxonly on lcore 0 (main 1)
rm -f "$SOCK"
timeout --signal=INT --kill-after=10 $((SECS + 30)) "$TESTPMD" -l 1,0 --main-lcore 1 \
	--in-memory --no-pci --vdev "net_memif0,role=server,$MEMIF" --log-level=lib.eal:error \
	-- --forward-mode=rxonly --nb-cores=1 --stats-period=1 --total-num-mbufs=32768 \
	>"$OUT/testpmd-rx" 2>&1 &
BG=$!
wait_for "$OUT/testpmd-rx" "Port statistics\|Press enter\|Start automatic" "$BG"
timeout --signal=INT --kill-after=10 $((SECS + 4)) "$TESTPMD" -l 0,1 --main-lcore 0 \
	--in-memory --no-pci --vdev "net_memif0,role=client,$MEMIF" --log-level=lib.eal:error \
	-- --forward-mode=txonly --txpkts=64 --burst=32 --nb-cores=1 --stats-period=1 \
	--total-num-mbufs=32768 >"$OUT/testpmd-tx" 2>&1 || true
sleep 1
stop_bg
# the best per-second Rx-pps of the receiving side, in Mpps
tp_mpps=$(awk '/Rx-pps:/ {if ($2 > m) m = $2} END {printf "%.2f", m / 1e6}' "$OUT/testpmd-rx")

ratio() { python3 -c "import sys; a,b=map(float,sys.argv[1:]); print('%.2f' % (a/b if b else 0))" "$@"; }
echo "drench loopback over net_memif (rsize=12), ${SECS}s per run, $CONNS connections"
echo "client worker lcore 1, responder lcore 0; pps = frames per second"
printf "keep-alive, 1 B body:    %9s rps  errors %s  responder rx %s tx %s Mpps\n" \
	"$ka1_rps" "$ka1_err" "$ka1_srx" "$ka1_stx"
printf "keep-alive, 4 KiB body:  %9s rps  errors %s  responder rx %s tx %s Mpps\n" \
	"$ka4k_rps" "$ka4k_err" "$ka4k_srx" "$ka4k_stx"
printf "one GET per connection:  %9s cps  errors %s  responder rx %s tx %s Mpps\n" \
	"$cps" "$cps_err" "$cps_srx" "$cps_stx"
printf "testpmd txonly -> rxonly: %s Mpps one way (64 B frames)\n" "$tp_mpps"
printf "ratios to testpmd (one-way frames/s): keep-alive 1 B %s, cps %s\n" \
	"$(ratio "$ka1_srx" "$tp_mpps")" "$(ratio "$cps_srx" "$tp_mpps")"
echo "logs: $OUT"
echo "drench keep-alive rps: $ka1_rps, cps: $cps, testpmd mpps: $tp_mpps"
