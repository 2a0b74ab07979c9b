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
	wait_serving "$name"
}

# wait_serving NAME : until the responder SRV_PID listens (10 s at most)
wait_serving() {
	for _ in $(seq 100); do
		grep -q "^drench serve: port" "$WORK/$1.serve.log" && return 0
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$WORK/$1.serve.log" >&2
	fail "$1: the responder did not start"
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

# child_of PID : the drench process under `timeout` PID (empty if none came)
child_of() {
	local child
	for _ in $(seq 50); do
		child=$(pgrep -P "$1" || true)
		[ -n "$child" ] && break
		sleep 0.1
	done
	echo "$child"
}

# hold_at_summary PID LOG : SIGSTOP PID as soon as LOG shows its summary:
# its workers have stopped polling, its port is still open (the report is
# written before the port is closed). 0 when held, 1 when PID ended first.
hold_at_summary() {
	python3 - "$1" "$2" "${CLIENT_LIMIT:-60}" <<'PY'
import os, signal, sys, time
pid, log = int(sys.argv[1]), sys.argv[2]
seen, deadline = b"", time.monotonic() + float(sys.argv[3])
with open(log, "rb") as f:
    while time.monotonic() < deadline:
        chunk = f.read()
        seen += chunk
        if b"\n--- drench summary ---" in seen:
            os.kill(pid, signal.SIGSTOP)
            sys.exit(0)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.exit(1)
        if not chunk:
            time.sleep(0.001)
sys.exit(1)
PY
}

# client NAME ARGS... : a bounded drench run against the responder. The
# memif PMD of DPDK 22.11 may crash in rx_burst when the peer disconnects
# while it polls, so neither side closes its port while the other polls: the
# client is held once its workers are done (its summary is printed, its port
# still open), the responder stops, then the client writes its report and
# closes.
client() {
	local name=$1
	shift
	timeout --signal=INT --kill-after=10 "${CLIENT_LIMIT:-60}" "$DRENCH" run --lcores 0,1 \
		--dev "net_memif0,role=client,socket=$SOCK${MEMIF_OPTS:-}" --local-ip 198.18.0.2/24 \
		--url http://198.18.0.1/ --quiet --output "$WORK/$name" "$@" \
		>"$WORK/$name.run.log" 2>&1 &
	finish_client "$name" $! "$WORK/$name.run.log"
}

# finish_client NAME PID LOG : hold the client (under `timeout` PID) at its
# summary, stop the responder, let the client close; fail unless it exits 0
finish_client() {
	local name=$1 pid=$2 log=$3 rc=0 child held=0
	child=$(child_of "$pid")
	[ -n "$child" ] && hold_at_summary "$child" "$log" && held=1
	stop_server "$name"
	[ "$held" = 1 ] && kill -CONT "$child"
	wait "$pid" || rc=$?
	if [ "$rc" != 0 ]; then
		cat "$log" >&2
		fail "$name: drench run exited with $rc"
	fi
	[ "$held" = 1 ] || fail "$name: the client ended before it could be held"
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

