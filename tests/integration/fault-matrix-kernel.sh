#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The Linux kernel as drench's TCP peer, as the client this time: `drench
# serve` owns 198.18.0.2 on the generator's port, and curl in the server's
# namespace fetches from it through each fault of the impaired wire
# (wire-impair, both ways): keep-alive and one request per connection with
# 4 KiB bodies, keep-alive with 256 KiB bodies. In each case:
#   - every fetch ends in time with 200, and the bytes curl got are exactly
#     the responder's body ('a' + k % 26) each time;
#   - the fault happened (wire-impair's own count);
#   - no connection is left open on the client's side once curl is done.
# At the end of each body size the responder's report agrees: as many
# requests as curl sent, every one answered, body bytes = responses x size.
source "$(dirname "$0")/lib.sh"
NS=${DRENCH_NS:-drench-sut}
need_rig
ONLY=${ONLY:-} # a fault name: run only its cases
PORT=9000
GEN_IP=198.18.0.2
FETCHERS=4 # curl processes at once, each its own connection(s)
SERVE_PID=""
cleanup() {
	"$RIG" impair off >/dev/null 2>&1 || true
	stop_serve
}
trap cleanup EXIT

FAULTS=(
	"loss|--loss 5|lost"
	"duplicate|--duplicate 5|duplicated"
	"corrupt|--corrupt 1|corrupted"
	"reorder|--reorder 25 --reorder-gap 5|reordered"
	"delay|--delay 50 --jitter 10|received"
	"rate|--rate 10mbit --limit 100|forwarded"
)
IMPAIR_LOG=${DRENCH_RIG_DIR:-/run/drench-rig}/wire-impair.log
wire_count() {
	tail -n 2 "$IMPAIR_LOG" | sed -n "s/.* $1 \([0-9]*\).*/\1/p" | awk '{ s += $1 } END { print s + 0 }'
}

# start_serve SIZE : the responder on the generator's port, bounded
start_serve() {
	rm -rf "$WORK/serve-$1"
	timeout --signal=INT --kill-after=10 120 "$DRENCH" serve --dev "$VDEV" \
		--local-ip "$GEN_IP/24" --port "$PORT" --body-size "$1" --duration 100s \
		--output "$WORK/serve-$1" >"$WORK/serve-$1.log" 2>&1 &
	SERVE_PID=$!
	for _ in $(seq 100); do
		ip netns exec "$NS" curl -s -o /dev/null --max-time 1 "http://$GEN_IP:$PORT/" && return 0
		kill -0 "$SERVE_PID" 2>/dev/null || { cat "$WORK/serve-$1.log" >&2; fail "drench serve exited"; }
		sleep 0.1
	done
	fail "drench serve does not answer on $GEN_IP:$PORT"
}

stop_serve() {
	[ -n "$SERVE_PID" ] || return 0
	kill -INT "$SERVE_PID" 2>/dev/null || true
	wait "$SERVE_PID" 2>/dev/null || true
	SERVE_PID=""
}

# client_open : the kernel client's connections to the responder not yet
# closed (TIME_WAIT is closed: it is the active closer's)
client_open() {
	ip netns exec "$NS" ss -Htn state established state syn-sent state fin-wait-1 \
		state fin-wait-2 state close-wait state last-ack state closing "( dport = :$PORT )"
}

SENT=0 # requests sent to the current responder, the readiness probes included
one_case() { # NAME IMPAIR COUNTER SIZE FETCHES CURL_ARGS
	local name=$1 impair=$2 counter=$3 size=$4 fetches=$5 curl_args=$6
	local t0=$SECONDS bad="" urls=() pids=() i
	for i in $(seq "$fetches"); do urls+=("http://$GEN_IP:$PORT/$name/$i"); done
	"$RIG" impair "$impair --seed $PORT$fetches" >/dev/null
	for i in $(seq "$FETCHERS"); do
		# shellcheck disable=SC2086
		ip netns exec "$NS" curl -s --max-time 40 $curl_args -w '%{stderr}%{http_code}\n' \
			"${urls[@]}" >"$WORK/$name.$i.body" 2>"$WORK/$name.$i.codes" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do wait "${pids[$i]}" || bad+=" curl $((i + 1)) exited $?;"; done
	SENT=$((SENT + FETCHERS * fetches))
	"$RIG" impair off >/dev/null
	local seen
	seen=$(wire_count "$counter")
	for i in $(seq "$FETCHERS"); do
		local codes
		codes=$(grep -c '^200$' "$WORK/$name.$i.codes" || true)
		[ "$codes" = "$fetches" ] || bad+=" curl $i: $codes of $fetches answered 200;"
		cmp -s "$WORK/$name.$i.body" "$WORK/expected-$size-$fetches" ||
			bad+=" curl $i: the bytes differ from $fetches bodies of $size;"
	done
	echo "$name: $((FETCHERS * fetches)) fetches; wire $counter $seen; $((SECONDS - t0)) s"
	[ "${seen:-0}" -gt 0 ] || bad+=" the wire shows no $counter;"
	for _ in $(seq 30); do [ -z "$(client_open)" ] && break; sleep 0.1; done
	[ -z "$(client_open)" ] || { client_open >&2; bad+=" connections left open on the client;"; }
	[ -z "$bad" ] || { echo "  FAILED:$bad"; FAILED+=("$name"); }
}

# expected SIZE N : N bodies of SIZE bytes as the responder sends them
expected() {
	python3 -c "import sys; s, n = int(sys.argv[1]), int(sys.argv[2])
body = bytes(97 + k % 26 for k in range(s)); sys.stdout.buffer.write(body * n)" "$1" "$2" \
		>"$WORK/expected-$1-$2"
}

# responder_agrees SIZE : its report counts what curl sent, all answered
responder_agrees() {
	stop_serve
	local rep="$WORK/serve-$1/report.json"
	[ -f "$rep" ] || fail "responder for $1 B: no report.json"
	python3 - "$rep" "$SENT" "$1" <<'PY' || FAILED+=("responder-$3")
import json, sys
r = json.load(open(sys.argv[1]))["responder"]
sent, size = int(sys.argv[2]), int(sys.argv[3])
print(f"responder {size} B: requests {r['requests']}, responses {r['responses']}, "
      f"body bytes {r['body_bytes']}, connections {r['connections']}")
bad = []
if r["requests"] != sent: bad.append(f"{r['requests']} requests, curl sent {sent}")
if r["responses"] != r["requests"]: bad.append("not every request answered")
if r["body_bytes"] != r["responses"] * size: bad.append("body bytes != responses x size")
if bad:
    print("  FAILED: " + "; ".join(bad))
    sys.exit(1)
PY
}

# run_size SIZE FETCHES MODE... : one responder, every fault x each MODE
# ("name|curl arguments")
run_size() {
	local size=$1 fetches=$2 f m
	shift 2
	expected "$size" "$fetches"
	start_serve "$size"
	SENT=1 # the probe that found it answering
	for f in "${FAULTS[@]}"; do
		IFS='|' read -r fname impair counter <<<"$f"
		[ -z "$ONLY" ] || [ "$ONLY" = "$fname" ] || continue
		for m in "$@"; do
			IFS='|' read -r mname margs <<<"$m"
			one_case "$fname-$mname-$size" "$impair" "$counter" "$size" "$fetches" "$margs"
		done
	done
	responder_agrees "$size"
}

FAILED=()
run_size 4096 40 "keepalive|" "churn|-H Connection:close"
run_size 262144 6 "keepalive|"
[ ${#FAILED[@]} = 0 ] || fail "cases failed: ${FAILED[*]}"
echo PASS
