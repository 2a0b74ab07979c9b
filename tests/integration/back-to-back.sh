#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Several runs one right after the other against the same server, from the
# same address, on a clean wire: a rerun must not pay for what the runs before
# it left in the server (TIME_WAIT after a server's own close, state of
# connections drench reset). Each case runs RUNS times; every run must open
# every connection without a SYN retransmission or a connect error, and each
# rerun's rate must stay within a loose bound of the first run's (a stall
# costs a 1 s SYN RTO per connection and drops the rate by far more).
#   nginx, one request per connection (drench closes first)
#   lighttpd closing keep-alive connections after 8 requests, and churning
#   python3 http.server (HTTP/1.0: the server closes every connection)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ns-servers.sh"
need_rig
RUNS=${RUNS:-3}
DURATION=${DURATION:-3s}
MIN_RATIO=${MIN_RATIO:-0.25}
trap stop_ns_servers EXIT

LIGHTTPD_PORT=8081
PYTHON_PORT=8082
start_lighttpd $LIGHTTPD_PORT 8
start_python_http $PYTHON_PORT

# one_run NAME I URL ARGS... : prints "rps syn_retrans connect_errors"
one_run() {
	local name=$1 i=$2 url=$3 out="$WORK/$1-$2" rc=0
	shift 3
	drench_run "$out" --url "$url" --duration "$DURATION" --quiet "$@" >/dev/null || rc=$?
	local rep="$out/report.json"
	[ -f "$rep" ] || fail "$name run $i: no report.json (exit $rc)"
	[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "$name run $i: exit code $rc"
	local p='r["phases"][0]'
	json "$rep" "'%.1f %d %d %d' % (${p}['rps'], ${p}['tcp']['retrans_syn'], ${p}['errors']['connect'], ${p}['responses']['2xx'])"
}

# back_to_back NAME URL ARGS... : RUNS runs, checked against the first
back_to_back() {
	local name=$1 url=$2 first="" i rps syn conn ok bad=0
	shift 2
	for i in $(seq "$RUNS"); do
		read -r rps syn conn ok < <(one_run "$name" "$i" "$url" "$@")
		[ -n "$first" ] || first=$rps
		local ratio
		ratio=$(python3 -c "print('%.2f' % ($rps / $first if $first > 0 else 0))")
		echo "$name run $i: $rps rps (ratio to run 1: $ratio), 2xx $ok, syn retransmissions $syn, connect errors $conn"
		[ "$ok" -gt 0 ] || { echo "  no response"; bad=1; }
		[ "$syn" = 0 ] || { echo "  SYN retransmitted on a clean wire"; bad=1; }
		[ "$conn" = 0 ] || { echo "  connect errors"; bad=1; }
		python3 -c "exit(0 if $ratio >= $MIN_RATIO else 1)" ||
			{ echo "  rerun below $MIN_RATIO x the first run's rate"; bad=1; }
	done
	[ "$bad" = 0 ] || STALLED+=("$name")
}

STALLED=()
back_to_back nginx-churn "http://$SUT_IP/64b" --connections 16 --requests-per-conn 1
back_to_back lighttpd-keepalive "http://$SUT_IP:$LIGHTTPD_PORT/64b" --connections 16
back_to_back lighttpd-churn "http://$SUT_IP:$LIGHTTPD_PORT/64b" --connections 16 --requests-per-conn 1
# http.server accepts from a backlog of 5: more connections would overflow
# it, and the kernel's drops would look like the stall this test looks for
back_to_back python-http "http://$SUT_IP:$PYTHON_PORT/64b" --connections 4
[ ${#STALLED[@]} = 0 ] || fail "reruns stalled: ${STALLED[*]}"
echo PASS
