#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Two shards at once, each over its own net_memif pair to its own drench
# serve, both waiting for one --start-at; then merged. Each shard drives half
# of the rate from its own local address; the merged counts are the sums of
# the shards' and of what the two responders saw, the merged percentiles
# those of the union of the raw histograms, the starts within 0.5 s.
# Needs root and hugepages (four DPDK processes, --in-memory); skips (77)
# without them. Usage: DRENCH=path/to/drench shards-memif.sh
set -euo pipefail

source "$(dirname "$0")/memif-lib.sh"
SOCK_A=/run/drench-shards-a.$$.sock
SOCK_B=/run/drench-shards-b.$$.sock
SRV_A= SRV_B=
# the case runs in a subshell (run_case): it stops its own responders
stop_servers() {
	for p in $SRV_A $SRV_B; do kill -INT "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -f "$SOCK_A" "$SOCK_B"
}

# start_shard NAME SOCK INDEX AT : a client in the background; its pid in PID_NAME
start_shard() {
	timeout --signal=INT --kill-after=10 60 "$DRENCH" run --lcores 0,1 \
		--dev "net_memif0,role=client,socket=$2" --local-ip 198.18.0.2-198.18.0.3/24 \
		--url http://198.18.0.1/ --rate 600 --connections 16 --duration 3s --quiet \
		--shard "$3/2" --start-at "$4" --output "$WORK/$1" >"$WORK/$1.run.log" 2>&1 &
	eval "PID_$1=$!"
}

case_two_pairs() {
	trap stop_servers EXIT
	SOCK=$SOCK_A serve a --body-size 200
	SRV_A=$SRV_PID
	SOCK=$SOCK_B serve b --body-size 200
	SRV_B=$SRV_PID
	local at="@$(($(date +%s) + 3))" ca cb ha hb held=1 rc
	start_shard a "$SOCK_A" 0 "$at"
	start_shard b "$SOCK_B" 1 "$at"
	ca=$(child_of "$PID_a")
	cb=$(child_of "$PID_b")
	# each client held at its summary (port still open) before its responder
	# stops: the memif PMD must not see its peer leave while it polls
	hold_at_summary "$ca" "$WORK/a.run.log" & ha=$!
	hold_at_summary "$cb" "$WORK/b.run.log" & hb=$!
	wait "$ha" || held=0
	wait "$hb" || held=0
	SRV_PID=$SRV_A stop_server a
	SRV_A=
	SRV_PID=$SRV_B stop_server b
	SRV_B=
	kill -CONT "$ca" "$cb" 2>/dev/null || true
	for n in a b; do
		rc=0
		eval "wait \$PID_$n" || rc=$?
		[ "$rc" = 0 ] || { cat "$WORK/$n.run.log" >&2; fail "shard $n: exit $rc"; }
	done
	[ "$held" = 1 ] || fail "a client ended before it could be held"
	rc=0
	"$DRENCH" merge "$WORK/a/report.json" "$WORK/b/report.json" --output "$WORK/m" \
		>"$WORK/m.log" 2>&1 || rc=$?
	cat "$WORK/m.log"
	[ "$rc" = 0 ] || fail "merge: exit $rc"
	python3 "$(dirname "$0")/merged-is-union.py" "$WORK/a/report.json" "$WORK/b/report.json" \
		"$WORK/m/report.json" || fail "merged figures"
	python3 - "$WORK/m/report.json" "$WORK/a.serve.log" "$WORK/b.serve.log" <<'PY' ||
import json, re, sys
m = json.load(open(sys.argv[1]))
served = 0
for log in sys.argv[2:]:
    s = re.search(r"^summary: .* responses (\d+),", open(log).read(), re.M)
    assert s, f"no summary in {log}"
    served += int(s.group(1))
p = m["phases"][0]
assert p["responses"]["2xx"] == served, (p["responses"], served)
assert p["requests"] == served and sum(p["errors"].values()) == 0, p
# 600 rps for 3 s, split in two
assert abs(p["requests"] - 1800) <= 1800 * 0.05, p["requests"]
assert m["start_spread_s"] is not None and m["start_spread_s"] < 0.5, m["start_spread_s"]
firsts = sorted(s["start"]["late_s"] for s in m["shards"])
print(f"merged: {p['requests']} requests = what the two responders answered; "
      f"starts {m['start_spread_s']:.6f}s apart, late by {firsts}")
PY
		fail "merged against the responders"
}

run_case two_pairs
echo "PASS: two shards at once over two memif pairs"
