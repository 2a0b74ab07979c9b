#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# The agent's own cost at 1 Hz: CPU (% of one core, from utime+stime in
# /proc/PID/stat) and RSS (VmRSS, VmHWM) over SECONDS while it watches
# N_TARGETS Go targets (/proc sampling + a Prometheus scrape each).
#
#   tests/telemetry/agent-cost.sh BUILD_DIR [SECONDS] [N_TARGETS]
set -eu

BUILD=$(cd "${1:?usage: agent-cost.sh BUILD_DIR [SECONDS] [N_TARGETS]}" && pwd)
DURATION=${2:-60}
N=${3:-1}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/drench-agent-cost.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=${GOCACHE:-/tmp/drench-gocache} \
	go build -o "$WORK/leaky" "$SRC/tests/targets/leaky.go"
base=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000))
head -c 32 /dev/urandom | base64 > "$WORK/key"
"$BUILD/app/drench-agent/drench-agent" --derive-key --key-file "$WORK/key" --id a > "$WORK/a.key"
printf 'telemetry:\n  listen: 127.0.0.1:%d\n  key_file: %s\n  interval: 1s\n  targets:\n' \
	$base "$WORK/key" > "$WORK/c.yaml"
for i in $(seq $N); do
	port=$((base + i))
	"$WORK/leaky" -listen 127.0.0.1:$port > /dev/null 2>&1 &
	PIDS="$PIDS $!"
	printf '    - {name: t%d, agent: a, pid: %d, metrics_url: "http://127.0.0.1:%d/metrics"}\n' \
		$i $! $port >> "$WORK/c.yaml"
done
sleep 1
"$BUILD/app/drench/drench" monitor "$WORK/c.yaml" -o "$WORK/out" > /dev/null 2>&1 &
PIDS="$PIDS $!"
sleep 0.5
"$BUILD/app/drench-agent/drench-agent" --collector 127.0.0.1:$base --key-file "$WORK/a.key" \
	--id a 2> "$WORK/agent.err" &
AGENT=$!
PIDS="$PIDS $AGENT"
sleep 3 # connected and configured
ticks() { awk '{ print $14 + $15 }' /proc/$AGENT/stat; }
hz=$(getconf CLK_TCK)
t0=$(ticks)
sleep "$DURATION"
t1=$(ticks)
rss=$(awk '/^VmRSS/ { print $2 }' /proc/$AGENT/status)
hwm=$(awk '/^VmHWM/ { print $2 }' /proc/$AGENT/status)
cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v d="$DURATION" 'BEGIN { printf "%.3f", (b - a) / hz / d * 100 }')
echo "agent: $N targets at 1 Hz for ${DURATION}s: cpu ${cpu}% of one core, VmRSS ${rss} kB, VmHWM ${hwm} kB"
