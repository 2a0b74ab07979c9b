#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Shared by the memif scripts (bench-loopback, bench-vs-dperf, bench-ipv6,
# memif-teardown-check; sourced):
# background processes and drench's two sides over a net_memif pair, with the
# same flags in each. The caller sets DRENCH, SECS, OUT, SOCK,
# MEMIF, BG= and a die() function.

# wait_for FILE PATTERN PID : until FILE has PATTERN (15 s at most)
wait_for() {
	for _ in $(seq 150); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || break
		sleep 0.1
	done
	cat "$1" >&2
	die "$1: no '$2'"
}

# stop_bg : Ctrl-C to the background server (timeout passes it on); it gets
# 12 s (dperf prints four more seconds before it exits), then SIGKILL
stop_bg() {
	local child
	kill -INT "$BG" 2>/dev/null || true
	for _ in $(seq 120); do
		kill -0 "$BG" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$BG" 2>/dev/null; then
		child=$(pgrep -P "$BG" || true)
		if [ -n "$child" ]; then
			kill -KILL "$child" 2>/dev/null || true
		fi
	fi
	wait "$BG" || true
	BG=
}

# drench_serve NAME ARGS... : the responder on lcore 0, in the background
drench_serve() {
	local name=$1
	shift
	rm -f "$SOCK"
	timeout --signal=INT --kill-after=10 $((SECS + 60)) "$DRENCH" serve --lcores 0 \
		--dev "net_memif0,role=server,$MEMIF" --local-ip 198.18.0.1/24 \
		--max-conns 262144 --mbufs 16383 "$@" >"$OUT/$name.serve" 2>&1 &
	BG=$!
	wait_for "$OUT/$name.serve" "^drench serve: port" "$BG"
}

# drench_client NAME ARGS... : drench run, worker on lcore 1. The responder
# stops once the client has written its report, before the client closes its
# port (the memif PMD of DPDK 22.11 may crash in rx_burst when its peer
# disconnects)
drench_client() {
	local name=$1 pid rc=0
	shift
	timeout --signal=INT --kill-after=10 $((SECS + 60)) "$DRENCH" run --lcores 0,1 --quiet \
		--dev "net_memif0,role=client,$MEMIF" --local-ip 198.18.0.2/24 \
		--url http://198.18.0.1/ --duration "${SECS}s" --drain 2s --output "$OUT/$name" \
		"$@" >"$OUT/$name.run" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null && ! grep -qs "^report: " "$OUT/$name.run"; do
		sleep 0.05
	done
	stop_bg
	wait "$pid" || rc=$?
	[ "$rc" = 0 ] || { cat "$OUT/$name.run" >&2; die "$name: drench run failed ($rc)"; }
}

