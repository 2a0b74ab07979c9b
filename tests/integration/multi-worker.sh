#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Two workers on a port with two queues that do not steer (af_packet fanout
# spreads replies by its own hash): the software redirect brings every reply
# to the worker that owns its port. Every request answered, no error, no
# frame dropped for a full ring, and the per-worker counts add up to the total.
source "$(dirname "$0")/lib.sh"
need_rig
out="$WORK/mw"
rc=0
timeout --signal=INT --kill-after=30 60 "$DRENCH" run \
	--dev "net_af_packet0,iface=$GEN_IF,qpairs=2" --lcores 0@0,1@1,2@1 \
	--url "http://$SUT_IP/64b" --connections 32 --duration 5s --quiet --output "$out" || rc=$?
rep="$out/report.json"
[ -f "$rep" ] || fail "no report (exit $rc)"
[ "$rc" = 0 ] || fail "exit $rc"
python3 - "$rep" <<'PY' || fail "per-worker accounting"
import json, sys
r = json.load(open(sys.argv[1]))
p = r["phases"][0]
w = r["workers"]
assert len(w) == 2, w
assert r["steering"].startswith("software redirect"), r["steering"]
assert sum(x["requests"] for x in w) == p["requests"], (w, p["requests"])
assert sum(x["responses"] for x in w) == sum(p["responses"].values()), w
assert all(x["requests"] > 0 for x in w), w
assert all(x["steer_drops"] == 0 for x in w), w
# frames redirected by one worker are the frames the other took in
assert w[0]["steered_out"] == w[1]["steered_in"] and w[1]["steered_out"] == w[0]["steered_in"], w
print("workers", [(x["requests"], x["steered_in"], x["steered_out"]) for x in w])
PY
echo PASS
