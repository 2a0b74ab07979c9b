#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# drench monitor + drench-agent against the Go target of tests/targets/:
# one target process per endpoint (three leaks and a clean one), each loaded
# by its own wrk on loopback at a modest rate. Expect: leak for every leaking
# endpoint and ok for the clean one, each leak called within 3 minutes, and
# the top entry (own code only) of the profile captured on the leak verdict,
# against the warm-up baseline, naming the leaking handler: the heap profile
# for the map and ticker leaks, the goroutine profile for the goroutine leak
# (stacks are not heap). About 2 minutes.
#
#   tests/telemetry/leak-target.sh BUILD_DIR
set -eu

BUILD=$(cd "${1:?usage: leak-target.sh BUILD_DIR}" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
DRENCH=$BUILD/app/drench/drench
AGENT=$BUILD/app/drench-agent/drench-agent
LOAD_S=${LOAD_S:-80}
WATCH_S=${WATCH_S:-110}
WORK=$(mktemp -d /tmp/drench-leak-target.XXXXXX)
PIDS=""

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	[ -f "$WORK/out/report.json" ] && jq -c '.targets[] | {name, verdict, leak_after_s}' "$WORK/out/report.json" >&2
	exit 1
}

for tool in go wrk jq curl; do
	command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done

echo "building the Go target"
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=${GOCACHE:-/tmp/drench-gocache} \
	go build -o "$WORK/leaky" "$SRC/tests/targets/leaky.go"

base=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000))
collector_port=$base
head -c 32 /dev/urandom | base64 > "$WORK/key"
"$AGENT" --derive-key --key-file "$WORK/key" --id local > "$WORK/local.key"

# name path port rps
cat > "$WORK/endpoints" <<EOF2
map /leak/map $((base + 1)) 500
goroutine /leak/goroutine $((base + 2)) 300
ticker /leak/ticker $((base + 3)) 1000
clean /clean $((base + 4)) 1000
EOF2

cat > "$WORK/campaign.yaml" <<EOF2
name: leak-target
output:
  folder: $WORK/out
telemetry:
  listen: 127.0.0.1:$collector_port
  key_file: $WORK/key
  interval: 1s
  duration: ${WATCH_S}s
  memory_limit: 1GiB
  detector:
    warmup: 15s
    floor_window: 5s
    min_window: 30s
    min_points: 6
    recovery: 20s
  targets:
EOF2

while read -r name path port rps; do
	"$WORK/leaky" -listen 127.0.0.1:$port > "$WORK/$name.log" 2>&1 &
	PIDS="$PIDS $!"
	cat >> "$WORK/campaign.yaml" <<EOF2
    - name: $name
      agent: local
      pid: $!
      metrics_url: http://127.0.0.1:$port/metrics
      pprof_url: http://127.0.0.1:$port/debug/pprof
      requests_metric: target_http_requests_total
EOF2
done < "$WORK/endpoints"

while read -r name path port rps; do
	for i in $(seq 50); do
		curl -sf "http://127.0.0.1:$port/metrics" > /dev/null && break
		sleep 0.2
	done
done < "$WORK/endpoints"

"$DRENCH" monitor "$WORK/campaign.yaml" > "$WORK/monitor.out" 2> "$WORK/monitor.err" &
MONITOR=$!
PIDS="$PIDS $MONITOR"
sleep 0.5
"$AGENT" --collector 127.0.0.1:$collector_port --key-file "$WORK/local.key" --id local \
	--profile-dir "$WORK/agent-profiles" --run-for $((WATCH_S + 10)) 2> "$WORK/agent.err" &
PIDS="$PIDS $!"

# wrk's delay() paces each connection: 2 connections at rps/2 each
while read -r name path port rps; do
	cat > "$WORK/$name.lua" <<EOF2
function delay() return $((2000 / rps)) end
EOF2
	wrk -t1 -c2 -d${LOAD_S}s -s "$WORK/$name.lua" "http://127.0.0.1:$port$path" \
		> "$WORK/wrk-$name.out" 2>&1 &
	PIDS="$PIDS $!"
done < "$WORK/endpoints"

rc=0
wait $MONITOR || rc=$?
tail -n 8 "$WORK/monitor.out"
[ "$rc" -eq 1 ] || fail "drench monitor exited $rc, expected 1 (leak found)"
R=$WORK/out/report.json
verdict() { jq -r --arg n "$1" '.targets[] | select(.name == $n) | .verdict' "$R"; }
after() { jq -r --arg n "$1" '.targets[] | select(.name == $n) | .leak_after_s // 9999 | floor' "$R"; }

for name in map goroutine ticker; do
	[ "$(verdict $name)" = leak ] || fail "$name: verdict $(verdict $name), expected leak"
	[ "$(after $name)" -le 180 ] || fail "$name: leak called after $(after $name) s"
	echo "ok: $name leak called $(after $name) s after its first sample"
done
[ "$(verdict clean)" = ok ] || fail "clean: verdict $(verdict clean), expected ok"
echo "ok: clean endpoint judged ok"

# recovery was judged after the load stopped (requests_metric went flat), and
# the leak stayed
persisted() { jq -r --arg n "$1" '[.targets[] | select(.name == $n) | .metrics[] | select(.judged and .persisted_after_load and .post_load_points > 0)] | length' "$R"; }
[ "$(persisted map)" -ge 1 ] || fail "map: no recovery judged after load stopped"
echo "ok: map leak judged after load stopped, and it stayed"

# the profile captured on the leak verdict names the leaking handler: heap
# for the leaks that keep memory, goroutine for the goroutine leak
check_top() { # target function kind
	kind=${3:-heap}
	leak=$(jq -r --arg n "$1" --arg k "-leak-$kind-" '.targets[] | select(.name == $n) | .profiles[] | select(contains($k) and endswith(".pb.gz"))' "$R" | head -n 1)
	base=$(jq -r --arg n "$1" --arg k "-baseline-$kind-" '.targets[] | select(.name == $n) | .profiles[] | select(contains($k) and endswith(".pb.gz"))' "$R" | head -n 1)
	[ -n "$leak" ] && [ -n "$base" ] || fail "$1: no leak/baseline $kind profile pair"
	index=$([ "$kind" = heap ] && echo -sample_index=inuse_space || true)
	top=$(go tool pprof -top $index -show='^main\.' \
		-diff_base "$WORK/out/$base" "$WORK/out/$leak" 2>/dev/null |
		awk '/flat%/ { getline; print $NF; exit }')
	echo "$1: top of the $kind profile (own code): $top"
	# the handler itself or a closure it started (main.handler.func1)
	case "$top" in
	"main.$2" | "main.$2".*) ;;
	*) fail "$1: $kind profile top is $top, expected main.$2" ;;
	esac
}
check_top map mapLeakHandler
check_top ticker tickerLeakHandler
check_top goroutine goroutineLeakHandler goroutine
jq -c '.telemetry' "$R"
echo "PASS"
