#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# How often DPDK 22.11's memif PMD crashes the side that stays when its peer
# dies under load: TRIALS times, `drench serve` answers a keep-alive
# `drench run` over a net_memif pair, the client is killed (SIGKILL) 1.5 s
# into its 2 s run, and the responder is then stopped with Ctrl-C. A responder
# that exits non-zero (139: SIGSEGV in librte_net_memif) counts as a crash.
#   [DRENCH=BIN] scripts/memif-teardown-check.sh [TRIALS]     (root, hugepages)
# Last line: "serve crashed in C of N trials; logs DIR"
set -uo pipefail
cd "$(dirname "$0")/.."
TRIALS=${1:-10}
SECS=2
DRENCH=${DRENCH:-build/app/drench/drench}
SOCK=/run/drench-memif-teardown.$$.sock
MEMIF="socket=$SOCK,rsize=12"
OUT=$(mktemp -d /tmp/drench-teardown.XXXXXX)
BG=
trap 'rm -f "$SOCK"' EXIT

die() {
	echo "memif-teardown-check: $*" >&2
	exit 2
}

source scripts/memif-bench-lib.sh

crashed=0
for i in $(seq "$TRIALS"); do
	drench_serve "serve.$i" --body-size 1
	"$DRENCH" run --lcores 0,1 --quiet --dev "net_memif0,role=client,$MEMIF" \
		--local-ip 198.18.0.2/24 --url http://198.18.0.1/ --duration "${SECS}s" \
		--connections 64 >"$OUT/run.$i" 2>&1 &
	client=$!
	sleep 1.5
	kill -KILL "$client" 2>/dev/null
	wait "$client" 2>/dev/null
	sleep 1
	kill -INT "$BG" 2>/dev/null
	wait "$BG"
	rc=$?
	BG=
	[ "$rc" = 0 ] || crashed=$((crashed + 1))
	echo "trial $i: responder exit $rc"
done
echo "serve crashed in $crashed of $TRIALS trials; logs $OUT"
