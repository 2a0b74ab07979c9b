#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Ctrl-C during a run: drench drains, closes its connections, prints the
# summary and still writes report.json, which says it was interrupted and
# accounts for every request; the exit code is 1 (the campaign did not run to
# its end), never a crash or a hang.
source "$(dirname "$0")/lib.sh"
need_rig
out="$WORK/int"
"$DRENCH" run --dev "$VDEV" --url "http://$SUT_IP/4k" --connections 64 --duration 60s \
	--output "$out" --quiet >"$WORK/int.log" 2>&1 &
pid=$!
sleep 4
kill -INT "$pid"
start=$(date +%s)
rc=0
wait "$pid" || rc=$?
took=$(($(date +%s) - start))
tail -n 12 "$WORK/int.log"
[ "$rc" = 1 ] || fail "exit $rc after Ctrl-C, expected 1"
[ "$took" -le 15 ] || fail "took $took s to stop after Ctrl-C"
grep -q "interrupted, draining" "$WORK/int.log" || fail "no drain message"
grep -q -- "--- drench summary ---" "$WORK/int.log" || fail "no summary"
rep="$out/report.json"
check_report "$rep" || fail "report.json breaks the contract"
python3 - "$rep" <<'PY' || fail "report after Ctrl-C"
import json, sys
r = json.load(open(sys.argv[1]))
p = r["phases"][0]
assert r["interrupted"] is True and r["verdict"] == "fail"
answered = sum(p["responses"].values()) + p["responses_other"]
failed = p["errors"]["timeout"] + p["errors"]["reset"] + p["errors"]["parse"]
assert p["requests"] > 0 and p["requests"] == answered + failed, p
assert p["end"] - p["start"] < 10, "the phase should end at the interrupt"
print("requests", p["requests"], "answered", answered, "failed", failed)
PY
echo PASS
