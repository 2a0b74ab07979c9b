#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Every example campaign of config/ that fits in CI runs against the rig with
# shortened durations through --set, and writes a valid report with one entry
# per phase. smoke must pass; the others must run (they may fail a gate on a
# 2-core box, never with a usage or runtime error). Every example is either
# run here or named below with the reason it is not, so none is forgotten.
source "$(dirname "$0")/lib.sh"
need_rig

run_here=(smoke steps connection-rate open-loop-latency)
not_here=(
	# a net_memif pair, not the rig: campaign-responder.sh runs the two together
	loopback-responder loopback-client
	# a million connections need the memif responder with a large table:
	# loopback-million.sh runs the same load in the flag form
	million-connections
	# need tests/targets/leaky.go and agents in the rig namespace for their
	# verdicts; drench check covers them (tests/config/examples_test.c)
	soak leak-bisection
	# two shards and their merge: shards-nginx.sh runs it whole
	sharded
)
for f in "$ROOT"/config/*.yaml; do
	n=$(basename "$f" .yaml)
	[[ " ${run_here[*]} ${not_here[*]} " == *" $n "* ]] ||
		fail "config/$n.yaml is neither run here nor listed in not_here with a reason"
done

run_example() { # NAME EXPECTED_RC OVERRIDES...
	local name=$1 want=$2 out="$WORK/$1"
	shift 2
	local sets=()
	for s in "$@"; do sets+=(--set "$s"); done
	local rc=0
	timeout --signal=INT --kill-after=30 120 "$DRENCH" run "$ROOT/config/$name.yaml" \
		"${sets[@]}" --output "$out" --quiet >"$out.log" 2>&1 || rc=$?
	tail -n 25 "$out.log"
	[ -f "$out/report.json" ] || fail "$name: no report.json (exit $rc)"
	case "$want" in
	pass) [ "$rc" = 0 ] || fail "$name: exit $rc, expected 0" ;;
	ran) [ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "$name: exit $rc (usage or runtime fault)" ;;
	esac
	check_report "$out/report.json" || fail "$name: report.json breaks the contract"
	echo "$name: exit $rc, $(json "$out/report.json" 'len(r["phases"])') phases"
}

run_example smoke pass 'phases.*.duration=3s'
run_example steps ran 'phases.*.steps.hold=1s' 'phases.*.steps.pause=1s' 'phases.*.steps.to=30'
run_example connection-rate ran 'phases.*.duration=2s'
run_example open-loop-latency ran 'phases.*.duration=2s' 'phases.*.rate=2k'
# it asks for html and prometheus besides json
for f in report.html metrics.prom; do
	[ -s "$WORK/open-loop-latency/$f" ] || fail "open-loop-latency: no $f"
done
grep -q 'drench_requests_total{phase="steady"}' "$WORK/open-loop-latency/metrics.prom" ||
	fail "metrics.prom lacks the steady phase"
# every TCP and net counter, named and helped by its table
grep -q '^# HELP drench_tcp_conn_established_total connections that reached ESTABLISHED$' \
	"$WORK/open-loop-latency/metrics.prom" || fail "metrics.prom lacks the tcp counters"
grep -q '^drench_net_rx_packets_total [1-9]' "$WORK/open-loop-latency/metrics.prom" ||
	fail "metrics.prom lacks the net counters"
echo PASS
