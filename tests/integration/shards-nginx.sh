#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Two shards of config/sharded.yaml, one after the other, against the rig's
# nginx, then merged. Each shard drives its half of every level from its own
# local address, and alone misses the steady phase's 300 rps gate (exit 1);
# the merge has counts that are the sums, percentiles those of the union of
# the two raw histograms, and meets the gate (exit 0). The first shard waits
# for --start-at and says how late it began. Merge refuses a shard given twice.
source "$(dirname "$0")/lib.sh"
need_rig

run_shard() { # INDEX EXTRA_ARGS...
	local i=$1 rc=0
	shift
	timeout --signal=INT --kill-after=30 60 "$DRENCH" run "$ROOT/config/sharded.yaml" \
		--set "rig.ports=[\"$VDEV\"]" --shard "$i/2" --output "$WORK/s$i" --quiet "$@" \
		>"$WORK/s$i.log" 2>&1 || rc=$?
	tail -n 12 "$WORK/s$i.log"
	[ "$rc" = 1 ] || fail "shard $i: exit $rc, expected 1 (its half misses the 300 rps gate)"
	check_report "$WORK/s$i/report.json"
}
run_shard 0 --start-at "@$(($(date +%s) + 2))"
grep -q "^drench: started .* after the time asked" "$WORK/s0.log" || fail "no start line"
run_shard 1

python3 - "$WORK/s0/report.json" "$WORK/s1/report.json" <<'PY' || fail "shards' parts"
import json, sys
r0, r1 = (json.load(open(f)) for f in sys.argv[1:])
for i, r in enumerate((r0, r1)):
    s = r["shard"]
    assert s["index"] == i and s["count"] == 2 and s["split"] == "addresses", s
    assert s["local_addresses"] == {"first": f"198.18.0.{2 + i}", "count": 1}, s
    warm, steady = s["phases"]
    assert warm["campaign_from"] == 4 and warm["from"] == 2, warm
    assert steady["campaign_from"] == 400 and steady["from"] == 200, steady
assert r0["campaign"]["digest"] == r1["campaign"]["digest"]
assert 0 <= r0["start"]["late_s"] < 0.5, r0["start"]
assert "start" not in r1
PY

rc=0
"$DRENCH" merge "$WORK/s0/report.json" "$WORK/s1/report.json" --output "$WORK/m" \
	>"$WORK/m.log" 2>&1 || rc=$?
cat "$WORK/m.log"
[ "$rc" = 0 ] || fail "merge: exit $rc, expected 0 (the whole meets 300 rps)"
check_report "$WORK/m/report.json"
python3 "$(dirname "$0")/merged-is-union.py" "$WORK/s0/report.json" "$WORK/s1/report.json" \
	"$WORK/m/report.json" ||
	fail "merged figures"
python3 - "$WORK/s0/report.json" "$WORK/s1/report.json" "$WORK/m/report.json" <<'PY' ||
import json, sys
s0, s1, m = (json.load(open(f)) for f in sys.argv[1:])
# only the whole meets the steady phase's 300 rps
assert m["verdict"] == "pass" and m["phases"][1]["expect_failures"] == [], m["phases"][1]
assert s0["phases"][1]["expect_failures"] and s1["phases"][1]["expect_failures"]
PY
	fail "the gate on the whole"
[ -s "$WORK/m/report.html" ] && [ -s "$WORK/m/series.csv" ] && [ -s "$WORK/m/metrics.prom" ] ||
	fail "merge wrote not every output"

rc=0
"$DRENCH" merge "$WORK/s0/report.json" "$WORK/s1/report.json" "$WORK/s1/report.json" \
	--output "$WORK/x" 2>"$WORK/x.err" >/dev/null || rc=$?
[ "$rc" = 2 ] && grep -q "are both shard 1: they overlap" "$WORK/x.err" ||
	fail "merge of an overlap: exit $rc, $(cat "$WORK/x.err")"
echo PASS
