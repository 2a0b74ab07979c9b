#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Agent faults: two agents stream 5 samples a second through a TCP relay to
# drench monitor. "roomy" keeps up to 1000 samples while disconnected (its
# --buffer), "tight" only 5 (the campaign's agent_buffer). Mid-run the
# collector is killed (-9) and restarted, then the relay is killed and
# restarted (a cut connection). Expect: roomy lost no sample (its sequence
# numbers arrive 1..N without a gap); tight lost some and the report counts
# them (its dropped count: every missing sample, plus at most a buffer's
# worth delivered but not yet acknowledged). A third target, watched by
# process name, is killed and started again: the agent follows the new pid
# and reports the restart. ~30 s.
#
#   tests/telemetry/agent-faults.sh BUILD_DIR
set -eu

BUILD=$(cd "${1:?usage: agent-faults.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
DRENCH=$BUILD/app/drench/drench
AGENT=$BUILD/app/drench-agent/drench-agent
WORK=$(mktemp -d /tmp/drench-agent-faults.XXXXXX)
PIDS=""

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

for tool in jq python3; do
	command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done

base=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000))
collector=$base
relay=$((base + 1))
head -c 32 /dev/urandom | base64 > "$WORK/key"
for id in roomy tight; do
	"$AGENT" --derive-key --key-file "$WORK/key" --id $id > "$WORK/$id.key"
done
sleep 600 & WATCHED1=$!
sleep 600 & WATCHED2=$!
cp "$(command -v sleep)" "$WORK/drench-victim"
"$WORK/drench-victim" 600 & VICTIM=$!
PIDS="$PIDS $WATCHED1 $WATCHED2 $VICTIM"

cat > "$WORK/campaign.yaml" <<EOF2
output:
  folder: $WORK/out
telemetry:
  listen: 127.0.0.1:$collector
  key_file: $WORK/key
  interval: 200ms
  agent_buffer: 5
  targets:
    - { name: roomy-target, agent: roomy, pid: $WATCHED1 }
    - { name: tight-target, agent: tight, pid: $WATCHED2 }
    - { name: by-name, agent: roomy, process: drench-victim }
EOF2

start_collector() {
	"$DRENCH" monitor "$WORK/campaign.yaml" >> "$WORK/monitor.out" 2>> "$WORK/monitor.err" &
	COLLECTOR=$!
	PIDS="$PIDS $COLLECTOR"
}
start_relay() {
	python3 "$HERE/tcp-proxy.py" $relay $collector 2>> "$WORK/relay.err" &
	RELAY=$!
	PIDS="$PIDS $RELAY"
}

start_collector
start_relay
sleep 1
# roomy's --buffer overrides the campaign's agent_buffer (5), which tight takes
"$AGENT" --collector 127.0.0.1:$relay --key-file "$WORK/roomy.key" --id roomy --buffer 1000 \
	2> "$WORK/agent-roomy.err" &
AGENT_roomy=$!
"$AGENT" --collector 127.0.0.1:$relay --key-file "$WORK/tight.key" --id tight \
	2> "$WORK/agent-tight.err" &
AGENT_tight=$!
PIDS="$PIDS $AGENT_roomy $AGENT_tight"

sleep 4
echo "killing the collector (-9) for 4 s"
kill -9 $COLLECTOR
wait $COLLECTOR 2>/dev/null || true
sleep 4
start_collector
sleep 2
echo "restarting the process watched by name"
kill $VICTIM
"$WORK/drench-victim" 600 & VICTIM=$!
PIDS="$PIDS $VICTIM"
sleep 2
echo "cutting the agents' connections for 4 s"
kill $RELAY
wait $RELAY 2>/dev/null || true
sleep 4
start_relay
sleep 5

kill -TERM $AGENT_roomy $AGENT_tight
wait $AGENT_roomy $AGENT_tight 2>/dev/null || true
sleep 1
kill -TERM $COLLECTOR
wait $COLLECTOR 2>/dev/null || true
R=$WORK/out/report.json
[ -f "$R" ] || fail "no report.json"

# sequence numbers received by either collector instance, per agent
seqs() {
	jq -R -r --arg a "$1" 'fromjson? | select(.agent == $a) | .seq' "$WORK/out/samples.jsonl" |
		sort -n | uniq
}
taken() { sed -n 's/.*stopping: \([0-9]*\) samples taken.*/\1/p' "$WORK/agent-$1.err"; }

for a in roomy tight; do
	n=$(seqs $a | wc -l)
	max=$(seqs $a | tail -n 1)
	missing=$((max - n))
	dropped=$(jq --arg a $a '.telemetry.agents[] | select(.id == $a) | .dropped' "$R")
	echo "$a: taken $(taken $a), received $n distinct, highest seq $max, missing $missing, reported dropped $dropped"
	eval "missing_$a=$missing dropped_$a=$dropped max_$a=$max"
	[ "$max" -ge $(($(taken $a) - 2)) ] || fail "$a: samples at the end never arrived"
done
[ "$missing_roomy" -eq 0 ] || fail "roomy lost $missing_roomy samples within its buffer bound"
[ "$dropped_roomy" -eq 0 ] || fail "roomy reports $dropped_roomy dropped"
[ "$missing_tight" -gt 0 ] || fail "tight lost nothing: the outage did not exceed its buffer"
# dropped counts samples evicted before their ACK: some may have reached the
# collector just before a cut (at most one buffer's worth), none is missed
[ "$dropped_tight" -ge "$missing_tight" ] && [ "$dropped_tight" -le $((missing_tight + 5)) ] ||
	fail "tight: $missing_tight samples missing but $dropped_tight reported dropped"
restarts=$(jq '.targets[] | select(.name == "by-name") | .restarts' "$R")
pid=$(jq '.targets[] | select(.name == "by-name") | .pid' "$R")
[ "$restarts" -eq 1 ] || fail "by-name: $restarts restarts reported, expected 1"
[ "$pid" -eq "$VICTIM" ] || fail "by-name: sampling pid $pid, expected the new $VICTIM"
grep -q "by-name: restart" "$WORK/monitor.err" || fail "by-name: no restart event logged"
grep -q "by-name: pid [0-9]* replaced by $VICTIM: new series" "$WORK/monitor.err" ||
	fail "by-name: the collector did not start a new series for the new process"
echo "by-name: restart reported, now sampling pid $pid"
jq -c '.telemetry | del(.agents)' "$R"
echo "PASS"
