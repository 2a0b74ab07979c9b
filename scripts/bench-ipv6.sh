#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# IPv6 keep-alive requests/s against IPv4's in the same run: drench client
# <-> drench serve over a net_memif pair (as scripts/bench-loopback.sh), the
# responder owning 198.18.0.1 and fd00::1 in every run, the client asking
# http://198.18.0.1/ or http://[fd00::1]/ from fd00::2. The two alternate,
# TURNS times each, so the machine's drift falls on both. The last line reads
#   ipv6/ipv4 keep-alive rps: R (medians M6 / M4)
# Usage: scripts/bench-ipv6.sh [SECS] [CONNS] [TURNS]    (root, hugepages)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-3}
CONNS=${2:-256}
TURNS=${3:-3}
DRENCH=${DRENCH:-build/app/drench/drench}
SOCK=/run/drench-memif-ipv6.$$.sock
MEMIF="socket=$SOCK${MEMIF_OPTS-,rsize=12}"
OUT=$(mktemp -d /tmp/drench-ipv6.XXXXXX)
BG=

cleanup() {
	[ -n "$BG" ] && kill -INT "$BG" 2>/dev/null && wait "$BG" 2>/dev/null || true
	rm -f "$SOCK"
}
trap cleanup EXIT

die() {
	echo "bench-ipv6: $*" >&2
	exit 2
}

[ "$(id -u)" = 0 ] || die "needs root (DPDK, hugepages)"
[ -x "$DRENCH" ] || die "no drench binary at $DRENCH (set DRENCH)"
[ "$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)" -ge 128 ] ||
	die "fewer than 128 free 2 MiB hugepages (scripts/rig.sh up reserves 512)"

source scripts/memif-bench-lib.sh

# rps_errors NAME : the client's keep-alive requests/s and its errors
rps_errors() {
	python3 - "$OUT/$1/report.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["phases"][0]
print(f'{p["rps"]:.0f} {sum(p["errors"].values())} {p["responses"]["2xx"]}')
PY
}

run_one() { # NAME CLIENT-ARGS...
	local name=$1
	shift
	drench_serve "$name" --body-size 1 --local-ip6 fd00::1/64
	drench_client "$name" --connections "$CONNS" "$@"
	rps_errors "$name"
}

v4=()
v6=()
for t in $(seq "$TURNS"); do
	read -r r4 e4 ok4 <<<"$(run_one "v4-$t")"
	read -r r6 e6 ok6 <<<"$(run_one "v6-$t" --url "http://[fd00::1]/" --local-ip6 fd00::2/64)"
	[ "$e4" = 0 ] && [ "$e6" = 0 ] || die "turn $t: errors (IPv4 $e4, IPv6 $e6): see $OUT"
	[ "$ok4" -gt 0 ] && [ "$ok6" -gt 0 ] || die "turn $t: no responses: see $OUT"
	printf "turn %s: IPv4 %9s rps, IPv6 %9s rps\n" "$t" "$r4" "$r6"
	v4+=("$r4")
	v6+=("$r6")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
m4=$(median "${v4[@]}")
m6=$(median "${v6[@]}")
echo "drench client <-> drench serve over net_memif (rsize=12), ${SECS}s per run, $CONNS" \
	"connections, 1 B bodies, $TURNS turns alternating; logs: $OUT"
echo "ipv6/ipv4 keep-alive rps: $(python3 -c "import sys; print('%.3f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$m6" "$m4") (medians $m6 / $m4)"
