#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# What a GC probe costs the service it watches: the corpus's gin service in
# `slow` mode (a ~1 MiB live heap, under Go's minimum GC goal, so drench
# probes it) under wrk at 200 requests/s, its CPU (utime+stime of
# /proc/PID/stat) over SECONDS with and without the probe every 2 s
# (`heap?gc=1&debug=1`, the request drench-agent makes), ROUNDS rounds
# alternating. Prints the CPU of each round, the difference per probe in
# ms, and the share of one core at one probe every 2 s. PROBE_EVERY (2)
# sets the probes' spacing in seconds; LOAD=0 leaves the service idle (the
# probe's own cost, without the load's noise).
#
#   tests/telemetry/gc-probe-cost.sh [SECONDS] [ROUNDS]
set -euo pipefail

SECONDS_PER_ROUND=${1:-30}
ROUNDS=${2:-2}
PROBE_EVERY=${PROBE_EVERY:-2}
LOAD=${LOAD:-1}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/drench-probe-cost.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

for tool in go wrk curl; do
	command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done
mkdir -p "$WORK/gopath/src"
ln -s "$SRC/tests/targets/corpus" "$WORK/gopath/src/drench-corpus"
GO111MODULE=off GOPATH=$WORK/gopath:/usr/share/gocode GOCACHE=${GOCACHE:-/tmp/drench-gocache} \
	go build -o "$WORK/gin-target" drench-corpus/gin
port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 11900))
url=http://127.0.0.1:$port
"$WORK/gin-target" -listen 127.0.0.1:$port -mode slow -slow-every 50 -slow-bytes 512 \
	> "$WORK/target.log" 2>&1 &
TARGET=$!
PIDS="$PIDS $TARGET"
for _ in $(seq 100); do curl -sf "$url/metrics" > /dev/null && break; sleep 0.1; done
echo "function delay() return 10 end" > "$WORK/pace.lua"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$TARGET/stat"; }

# one round: load for SECONDS_PER_ROUND, probing every 2 s when $1 = probe;
# prints CPU ms and the probes made
round() {
	local before after probes=0 end load=
	if [ "$LOAD" = 1 ]; then
		wrk -t1 -c2 -d"${SECONDS_PER_ROUND}s" -s "$WORK/pace.lua" "$url/work" > /dev/null 2>&1 &
		load=$!
	fi
	before=$(cpu_ticks)
	end=$((SECONDS + SECONDS_PER_ROUND))
	while [ $SECONDS -lt $end ]; do
		if [ "$1" = probe ]; then
			curl -sf "$url/debug/pprof/heap?gc=1&debug=1" > /dev/null
			probes=$((probes + 1))
		fi
		sleep "$PROBE_EVERY"
	done
	[ -z "$load" ] || wait "$load"
	after=$(cpu_ticks)
	echo "$(((after - before) * 1000 / $(getconf CLK_TCK))) $probes"
}

total_plain=0 total_probe=0 n_probes=0
for r in $(seq "$ROUNDS"); do
	read -r plain _ < <(round plain)
	read -r probed p < <(round probe)
	echo "round $r: target CPU ${plain} ms without probes, ${probed} ms with $p probes"
	total_plain=$((total_plain + plain))
	total_probe=$((total_probe + probed))
	n_probes=$((n_probes + p))
done
awk -v a=$total_plain -v b=$total_probe -v n=$n_probes 'BEGIN {
	per = (b - a) / n
	printf "per probe: %.1f ms of target CPU; at one probe every 2 s: %.2f%% of a core\n", per, per / 2000 * 100 }'
