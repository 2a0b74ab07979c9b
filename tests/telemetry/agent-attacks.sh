#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Attacks on the agent link, played against a real collector (drench
# monitor) and a real agent on loopback. Agent "a" streams 5 samples a second
# through a recording relay the whole time; a second host holding agent "b"'s
# own key (v2peer.py) then tries: a HELLO as "a" with b's key; a replay of a's
# recorded session; absurd sample values; a flood of profile chunks nobody
# asked for; 64 idle sockets from another address, reopened as they are
# dropped, while a's link is cut and must come back within 5 s. Also refused
# at start: a profile directory that is a symlink, or not private. Expect
# every attack refused and counted in report.json, and not one of a's samples
# lost. Last, with telemetry.encrypt and --encrypt, samples still arrive and
# none is readable in the relay's recording. ~35 s.
#
#   tests/telemetry/agent-attacks.sh BUILD_DIR
set -eu

BUILD=$(cd "${1:?usage: agent-attacks.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
DRENCH=$BUILD/app/drench/drench
AGENT=$BUILD/app/drench-agent/drench-agent
WORK=$(mktemp -d /tmp/drench-agent-attacks.XXXXXX)
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
head -c 32 /dev/urandom | base64 > "$WORK/master.key"
for id in a b; do
	"$AGENT" --derive-key --key-file "$WORK/master.key" --id $id > "$WORK/$id.key"
done
sleep 600 & WATCHED_A=$!
sleep 600 & WATCHED_B=$!
PIDS="$PIDS $WATCHED_A $WATCHED_B"

cat > "$WORK/campaign.yaml" <<EOF2
output:
  folder: $WORK/out
telemetry:
  listen: 127.0.0.1:$collector
  key_file: $WORK/master.key
  interval: 200ms
  targets:
    - { name: a-target, agent: a, pid: $WATCHED_A }
    - { name: b-target, agent: b, pid: $WATCHED_B }
EOF2

echo "-- a profile directory that is a symlink, or not private, is refused"
mkdir -m 700 "$WORK/elsewhere"
ln -s "$WORK/elsewhere" "$WORK/link"
rc=0
"$AGENT" --collector 127.0.0.1:1 --key-file "$WORK/a.key" --id a --profile-dir "$WORK/link" \
	--run-for 1 2> "$WORK/symlink.err" || rc=$?
[ $rc -eq 2 ] && grep -q "symlink" "$WORK/symlink.err" || fail "symlinked profile dir accepted ($rc)"
mkdir -m 755 "$WORK/open"
rc=0
"$AGENT" --collector 127.0.0.1:1 --key-file "$WORK/a.key" --id a --profile-dir "$WORK/open" \
	--run-for 1 2> "$WORK/open.err" || rc=$?
[ $rc -eq 2 ] && grep -q "private" "$WORK/open.err" || fail "a 0755 profile dir accepted ($rc)"

"$DRENCH" monitor "$WORK/campaign.yaml" > "$WORK/monitor.out" 2> "$WORK/monitor.err" &
COLLECTOR=$!
PIDS="$PIDS $COLLECTOR"
start_relay() {
	python3 "$HERE/tcp-proxy.py" $relay $collector "$WORK/recorded" 2>> "$WORK/relay.err" &
	RELAY=$!
	PIDS="$PIDS $RELAY"
}
start_relay
sleep 1
"$AGENT" --collector 127.0.0.1:$relay --key-file "$WORK/a.key" --id a --buffer 1000 \
	--profile-dir "$WORK/a-profiles" 2> "$WORK/agent-a.err" &
AGENT_A=$!
PIDS="$PIDS $AGENT_A"
sleep 2
cp "$WORK/recorded" "$WORK/session-a"
peer() { python3 "$HERE/v2peer.py" $collector "$WORK/master.key" "$@"; }

echo "-- b's key speaking as a"
[ "$(peer impersonate a b)" = closed ] || fail "HELLO as a with b's key was not refused"
echo "-- a's recorded session replayed"
[ "$(peer replay "$WORK/session-a")" = closed ] || fail "replayed session was not refused"
echo "-- absurd sample values"
[ "$(peer values b)" = open ] || fail "an authenticated agent with bad values was cut off"
echo "-- a flood of profile chunks nobody asked for"
peer chunks b 40 > /dev/null
[ -z "$(ls "$WORK/out/profiles")" ] || fail "unrequested chunks wrote files: $(ls "$WORK/out/profiles")"

echo "-- 64 idle sockets from 127.0.0.2 while a's link is cut and comes back"
peer flood 64 9 127.0.0.2 > "$WORK/flood.out" &
FLOOD=$!
PIDS="$PIDS $FLOOD"
sleep 2
kill $RELAY
wait $RELAY 2>/dev/null || true
before=$(grep -c "connected to the collector" "$WORK/agent-a.err")
start_relay
ok=""
for _ in $(seq 50); do
	[ "$(grep -c "connected to the collector" "$WORK/agent-a.err")" -gt "$before" ] && { ok=1; break; }
	sleep 0.1
done
[ -n "$ok" ] || fail "agent a did not get back in within 5 s of the flood"
wait $FLOOD || true
echo "flood: $(cat "$WORK/flood.out")"
sleep 2

kill -TERM $AGENT_A
wait $AGENT_A 2>/dev/null || true
sleep 1
kill -TERM $COLLECTOR
wait $COLLECTOR 2>/dev/null || true
R=$WORK/out/report.json
[ -f "$R" ] || fail "no report.json"

seqs() {
	jq -R -r 'fromjson? | select(.agent == "a") | .seq' "$WORK/out/samples.jsonl" | sort -n | uniq
}
taken=$(sed -n 's/.*stopping: \([0-9]*\) samples taken.*/\1/p' "$WORK/agent-a.err")
n=$(seqs | wc -l)
max=$(seqs | tail -n 1)
echo "a: taken $taken, received $n distinct, highest $max"
[ "$max" -eq "$n" ] || fail "a lost $((max - n)) samples"
[ "$max" -ge $((taken - 2)) ] || fail "a's last samples never arrived"
t() { jq ".telemetry.$1" "$R"; }
echo "telemetry: $(jq -c '.telemetry | del(.agents)' "$R")"
[ "$(t rejected_auth)" -ge 2 ] || fail "impersonation and replay not counted in rejected_auth"
[ "$(t rejected_values)" -ge 5 ] || fail "absurd values not counted"
[ "$(t rejected_malformed)" -ge 40 ] || fail "unrequested chunks not counted"
[ "$(t rejected_connections)" -ge 1 ] || fail "flood evictions not counted"
[ "$(t lost)" -eq 0 ] || fail "samples lost: $(t lost)"
grep -q "rejected frame\|rejected:" "$WORK/monitor.err" || fail "rejections not logged"

echo "-- telemetry.encrypt and --encrypt: samples arrive, none of them readable on the wire"
sed -e "s|folder: .*|folder: $WORK/enc-out|" -e "s|interval: 200ms|interval: 200ms\n  encrypt: true|" \
	"$WORK/campaign.yaml" > "$WORK/enc.yaml"
kill $RELAY
wait $RELAY 2>/dev/null || true
rm -f "$WORK/recorded"
"$DRENCH" monitor "$WORK/enc.yaml" > /dev/null 2> "$WORK/enc-monitor.err" &
COLLECTOR=$!
PIDS="$PIDS $COLLECTOR"
start_relay
sleep 1
"$AGENT" --collector 127.0.0.1:$relay --key-file "$WORK/a.key" --id a --encrypt \
	--profile-dir "$WORK/a-profiles" --run-for 3 2> "$WORK/agent-enc.err" || true
kill -TERM $COLLECTOR
wait $COLLECTOR 2>/dev/null || true
n=$(jq -R -r 'fromjson? | select(.agent == "a") | .seq' "$WORK/enc-out/samples.jsonl" | wc -l)
echo "encrypted: $n samples"
[ "$n" -ge 5 ] || fail "only $n samples over the encrypted link"
[ -s "$WORK/recorded" ] || fail "the relay recorded nothing"
! grep -q "rss_bytes" "$WORK/recorded" || fail "sample text visible on the encrypted link"
grep -q "rss_bytes" "$WORK/session-a" || fail "the plain link's recording holds no sample text"
echo PASS
