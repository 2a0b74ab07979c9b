#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Helpers for tests of drench run against drench serve over a net_memif pair:
# start and stop the responder, run a bounded client, run a case again when
# the memif PMD crashed. Source it; DRENCH=path/to/drench. Skips (77)
# without root or hugepages.
DRENCH=${DRENCH:?set DRENCH to the drench binary}
WORK=$(mktemp -d /tmp/drench-memif.XXXXXX)
SOCK=/run/drench-memif-it.$$.sock
SRV_PID=

cleanup() {
	[ -n "$SRV_PID" ] && kill -INT "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null || true
	rm -f "$SOCK"
	rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (DPDK, hugepages)"
	exit 77
fi
if [ "$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)" -lt 64 ]; then
	echo "SKIP: fewer than 64 free hugepages (scripts/rig.sh up reserves them)"
	exit 77
fi

# serve NAME ARGS... : start the responder in the background, wait until it listens
serve() {
	local name=$1
	shift
	rm -f "$SOCK"
	timeout --signal=INT --kill-after=10 "${SERVE_LIMIT:-60}" "$DRENCH" serve --lcores 0 \
		--dev "net_memif0,role=server,socket=$SOCK${MEMIF_OPTS:-}" --local-ip 198.18.0.1/24 --quiet \
		"$@" >"$WORK/$name.serve.log" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 100); do
		grep -q "^drench serve: port" "$WORK/$name.serve.log" && return 0
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$WORK/$name.serve.log" >&2
	fail "$name: drench serve did not start"
}

# stop_server NAME
stop_server() {
	local rc=0
	kill -INT "$SRV_PID" 2>/dev/null || true
	wait "$SRV_PID" || rc=$?
	SRV_PID=
	if [ "$rc" != 0 ]; then
		cat "$WORK/$1.serve.log" >&2
		fail "$1: drench serve exited with $rc"
	fi
}

# client NAME ARGS... : a bounded drench run against the responder. The
# responder stops as soon as the client is done with its port (its report is
# written), while the client is held, before it closes the port: the memif PMD
# of DPDK 22.11 may crash in rx_burst when the peer disconnects while it polls.
client() {
	local name=$1 pid rc=0
	shift
	timeout --signal=INT --kill-after=10 "${CLIENT_LIMIT:-60}" "$DRENCH" run --lcores 0,1 \
		--dev "net_memif0,role=client,socket=$SOCK${MEMIF_OPTS:-}" --local-ip 198.18.0.2/24 \
		--url http://198.18.0.1/ --quiet --output "$WORK/$name" "$@" \
		>"$WORK/$name.run.log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null && ! grep -qs "^report: " "$WORK/$name.run.log"; do
		sleep 0.05
	done
	# Hold the client (its workers have stopped polling) so that it cannot
	# close its end of the memif while the responder still polls and shuts down.
	local child
	child=$(pgrep -P "$pid" || true)
	[ -n "$child" ] && kill -STOP "$child"
	stop_server "$name"
	[ -n "$child" ] && kill -CONT "$child"
	wait "$pid" || rc=$?
	if [ "$rc" != 0 ]; then
		cat "$WORK/$name.run.log" >&2
		fail "$name: drench run exited with $rc"
	fi
}

# DPDK 22.11's memif PMD can segfault inside rx_burst (librte_net_memif, seen
# in dmesg). A case whose responder died of SIGSEGV runs again, at most three
# times, and says so; any other failure fails at once.
run_case() { # NAME
	local try
	for try in 1 2 3; do
		if ( "case_$1" ) 2>"$WORK/$1.err"; then
			return 0
		fi
		cat "$WORK/$1.err" >&2
		grep -q "drench serve exited with 139" "$WORK/$1.err" || exit 1
		echo "NOTE: $1: drench serve crashed in the memif PMD (SIGSEGV), attempt $try" >&2
	done
	fail "$1: drench serve crashed three times"
}

