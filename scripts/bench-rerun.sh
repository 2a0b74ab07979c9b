#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Is a rerun as fast as the first run? drench runs RUNS times back to back
# against the rig's nginx from the same address (198.18.0.2) on a clean
# wire, per shape: keep-alive, and one request per connection (drench
# closes first). A third shape puts a kernel client between two drench
# runs: wrk from the same address with "Connection: close", so that nginx
# closes first and holds TIME_WAIT for the kernel's tuples, on the kernel's
# timestamps. Prints each run's rate, its SYN retransmissions (by the
# timer, 1 s each) and SYNs sent again at once (after resetting a server's
# old state for the tuple, one round trip each), and its rate over the first
# run's.
#   scripts/bench-rerun.sh [SECONDS] [RUNS]
# The rig must be up (scripts/rig.sh up); run under the rig lock.
set -euo pipefail
cd "$(dirname "$0")/.."
export DRENCH=${DRENCH:-build/app/drench/drench}
source tests/integration/lib.sh
source scripts/kernel-client-lib.sh
need_rig
SECS=${1:-3}
RUNS=${2:-2}
CORE=${BENCH_CORE:-1}
CONNS=16
URL="http://$SUT_IP/64b"

# one_run NAME ARGS... : prints "rps syn_retransmissions syn_again connect_errors"
one_run() {
	local out="$WORK/$1" rc=0
	shift
	drench_run "$out" --lcores "0,$CORE" --url "$URL" --connections "$CONNS" \
		--duration "${SECS}s" --quiet "$@" >/dev/null || rc=$?
	[ -f "$out/report.json" ] || fail "$out: no report.json (exit $rc)"
	local p='r["phases"][0]'
	json "$out/report.json" "'%.0f %d %d %d' % (${p}['rps'], ${p}['tcp']['retrans_syn'],
		${p}['tcp']['syn_again'], ${p}['errors']['connect'])"
}

# kernel_churn : wrk from drench's address, nginx closing every connection
kernel_churn() {
	local offloads rc=0
	offloads=$(plain_gen_if)
	lend_gen_ip
	wrk_run "$WORK/wrk.txt" "$SECS" "$CORE" -c"$CONNS" -H "Connection: close" "$URL" || rc=$?
	return_gen_ip
	restore_gen_if "$offloads"
	[ "$rc" = 0 ] || fail "wrk exited $rc: $(cat "$WORK/wrk.txt")"
	echo "  between runs 1 and 2: wrk, $(wrk_rps "$WORK/wrk.txt") connections/s"
}

# reruns NAME BETWEEN ARGS... : RUNS runs of drench; BETWEEN (a command or
# "true") runs after the first
reruns() {
	local name=$1 between=$2 first="" i rps syn again conn
	shift 2
	for i in $(seq "$RUNS"); do
		read -r rps syn again conn < <(one_run "$name-$i" "$@")
		[ -n "$first" ] || first=$rps
		printf "%-18s run %d: %7s rps, SYN retransmitted %3s, sent again %5s, connect errors %s, run %d/run 1: %s\n" \
			"$name" "$i" "$rps" "$syn" "$again" "$conn" "$i" \
			"$(python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$rps" "$first")"
		[ "$i" != 1 ] || "$between"
	done
}

"$RIG" impair off >/dev/null
trap return_gen_ip EXIT
echo "nginx $URL, $CONNS connections, ${SECS}s per run, load on core $CORE, clean wire"
reruns keepalive true
reruns churn true --requests-per-conn 1
reruns churn-after-kernel kernel_churn --requests-per-conn 1
