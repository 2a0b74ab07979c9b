#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# drench against nginx through each fault of an impaired wire (wire-impair,
# both ways) x keep-alive with 4 KiB bodies, one
# request per connection, and keep-alive with 256 KiB bodies. Every case is
# bounded; in each one:
#   - the run ends (exit 0 or 1, never a fault or a hang) with a report;
#   - every request is answered or counted as an error, within the errors
#     the fault allows (none where nothing is lost);
#   - body bytes are exactly 2xx x the body's size;
#   - nginx's access log agrees: every 2xx drench counted, nginx completed,
#     and nginx saw no request drench did not count;
#   - the fault happened (wire-impair's own count);
#   - after drench's drain no connection is left open on the server.
# Each case has its own nginx port, so its log lines and its connections are
# its own.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ns-servers.sh"
need_rig
DURATION=${DURATION:-2s}
ONLY=${ONLY:-} # a fault name: run only its cases
BASE_PORT=8100
cleanup() {
	"$RIG" impair off >/dev/null 2>&1 || true
	stop_ns_servers
}
trap cleanup EXIT

# name | wire-impair arguments | counter that shows the fault | errors allowed
# per 1000 requests: where frames are lost, a request whose answer is still
# being retransmitted when the drain ends counts as a timeout
FAULTS=(
	"loss|--loss 5|lost|10"
	"duplicate|--duplicate 5|duplicated|0"
	"corrupt|--corrupt 1|corrupted|0"
	"reorder|--reorder 25 --reorder-gap 5|reordered|0"
	"delay|--delay 50 --jitter 10|received|0"
	"rate|--rate 10mbit --limit 100|forwarded|10"
	"mix|--loss 2 --duplicate 2 --corrupt 1 --reorder 10 --reorder-gap 5 --delay 10 --jitter 5|lost|10"
)
# name | path | body size | connections | drench arguments. Four 256 KiB
# bodies in flight are 0.8 s at 10 Mbit/s: each is answered within the drain.
MODES=(
	"keepalive|4k|4096|16|"
	"churn|4k|4096|16|--requests-per-conn 1"
	"big|256k|262144|4|"
)

ports=()
for i in $(seq 0 $((${#FAULTS[@]} * ${#MODES[@]} - 1))); do ports+=($((BASE_PORT + i))); done
start_logging_nginx "${ports[@]}"
IMPAIR_LOG=${DRENCH_RIG_DIR:-/run/drench-rig}/wire-impair.log

# wire_count COUNTER : that counter of the last wire-impair run, both ways
wire_count() {
	tail -n 2 "$IMPAIR_LOG" | sed -n "s/.* $1 \([0-9]*\).*/\1/p" | awk '{ s += $1 } END { print s + 0 }'
}

# server_counts PORT : "lines completed" of nginx's log for that port
server_counts() {
	awk -v p="$1" '$1 == p { n++; if ($2 == 200 && $4 == "OK") ok++ } END { print n + 0, ok + 0 }' \
		"$WORK/access.log"
}

# no_open_conns PORT : the server closes what drench closed (2 s to settle)
no_open_conns() {
	for _ in $(seq 20); do
		[ -z "$(server_open_conns "$1")" ] && return 0
		sleep 0.1
	done
	server_open_conns "$1" >&2
	return 1
}

one_case() { # NAME IMPAIR COUNTER ALLOWED PORT PATH SIZE CONNS MODE_ARGS
	local name=$1 impair=$2 counter=$3 allowed=$4 port=$5 path=$6 SIZE=$7 conns=$8 mode_args=$9
	local out="$WORK/$name" rc=0 t0=$SECONDS bad="" run_s
	"$RIG" impair "$impair --seed $port" >/dev/null
	local t_run
	t_run=$(date +%s.%N)
	# shellcheck disable=SC2086
	RUN_LIMIT=40 drench_run "$out" --url "http://$SUT_IP:$port/$path" --connections "$conns" \
		--duration "$DURATION" --quiet $mode_args >/dev/null || rc=$?
	run_s=$(python3 -c "import sys, time; print(time.time() - float(sys.argv[1]))" "$t_run")
	"$RIG" impair off >/dev/null
	local rep="$out/report.json"
	[ -f "$rep" ] || fail "$name: no report.json (exit $rc)"
	[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "$name: exit code $rc: a runtime fault or a hang"
	local p='r["phases"][0]' req ok answered failed errs body srv_n srv_ok seen
	read -r req ok answered failed errs body < <(json "$rep" "'%d %d %d %d %d %d' % (${p}['requests'], ${p}['responses']['2xx'], sum(${p}['responses'].values()) + ${p}['responses_other'], ${p}['errors']['timeout'] + ${p}['errors']['reset'] + ${p}['errors']['parse'], sum(${p}['errors'].values()), ${p}['body_bytes'])")
	read -r srv_n srv_ok < <(server_counts "$port")
	seen=$(wire_count "$counter")
	echo "$name: requests $req, 2xx $ok, errors $errs; nginx logged $srv_n ($srv_ok complete); wire $counter $seen; $((SECONDS - t0)) s"
	[ "$req" -gt 0 ] || bad+=" no requests;"
	[ "$req" = $((answered + failed)) ] || bad+=" $req requests != $answered answered + $failed failed;"
	[ "$((errs * 1000))" -le $((allowed * req)) ] || bad+=" $errs errors (allowed $allowed per 1000);"
	[ "$body" = $((ok * SIZE)) ] || bad+=" body bytes $body != $ok x $SIZE;"
	[ "$ok" -le "$srv_ok" ] || bad+=" drench counted $ok 2xx, nginx completed only $srv_ok;"
	[ "$srv_n" -le "$req" ] || bad+=" nginx saw $srv_n requests, drench sent $req;"
	[ "${seen:-0}" -gt 0 ] || bad+=" the wire shows no $counter;"
	if [[ $impair == *--corrupt* ]]; then
		local caught
		caught=$(json "$rep" "sum(v for k, v in r['net'].items() if k.startswith('drop_'))")
		echo "  drench dropped $caught damaged frames"
		[ "$caught" -gt 0 ] || bad+=" corrupted frames reached drench but none was dropped;"
	fi
	if [[ $impair == *--delay* ]]; then # each way at least delay - jitter
		local p50 delay jitter floor_us
		delay=$(sed -n 's/.*--delay \([0-9]*\).*/\1/p' <<<"$impair")
		jitter=$(sed -n 's/.*--jitter \([0-9]*\).*/\1/p' <<<"$impair")
		floor_us=$((2 * (delay - ${jitter:-0}) * 1000))
		p50=$(json "$rep" "int(${p}['latency_us']['p50'])")
		echo "  latency p50 $p50 us"
		[ "$p50" -ge "$floor_us" ] || bad+=" p50 $p50 us under a delay of 2 x ($delay - ${jitter:-0}) ms;"
	fi
	if [[ $impair == *--rate* ]]; then # the rate: bodies over the whole run (drain included) fit 10 Mbit/s
		python3 -c "exit(0 if $body * 8 <= 10e6 * $run_s else 1)" ||
			bad+=" more than 10 Mbit/s of bodies ($body B in $run_s s) through a 10 Mbit/s wire;"
	fi
	no_open_conns "$port" || bad+=" connections left open on the server after the drain;"
	[ -z "$bad" ] || { echo "  FAILED:$bad"; FAILED+=("$name"); }
}

FAILED=()
i=0
for f in "${FAULTS[@]}"; do
	IFS='|' read -r fname impair counter allowed <<<"$f"
	[ -z "$ONLY" ] || [ "$ONLY" = "$fname" ] || { i=$((i + ${#MODES[@]})); continue; }
	for m in "${MODES[@]}"; do
		IFS='|' read -r mname mpath msize mconns margs <<<"$m"
		one_case "$fname-$mname" "$impair" "$counter" "$allowed" "${ports[$i]}" "$mpath" \
			"$msize" "$mconns" "$margs"
		i=$((i + 1))
	done
done
[ ${#FAILED[@]} = 0 ] || fail "cases failed: ${FAILED[*]}"
echo PASS
