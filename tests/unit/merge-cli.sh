#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# drench merge from the command line, in any build (it needs no DPDK): shard
# reports written here with known samples merge into the sums and the union's
# percentiles, with every output; overlapping, missing and foreign shards are
# refused by name with exit 2; a gate the whole misses exits 1.
set -euo pipefail
DRENCH=${DRENCH:?}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# shard DIR INDEX COUNT DIGEST MIN_RPS VALUES... : a shard's report.json.
# Values below 256 us have a bucket each (index = value), so the union's
# percentile is plain arithmetic here.
shard() {
	mkdir -p "$1"
	python3 - "$@" <<'PY'
import json, sys
out, idx, count, digest, min_rps = sys.argv[1:6]
vals = [int(v) for v in sys.argv[6:]]
b = {}
for v in vals:
    b[v] = b.get(v, 0) + 1
hist = {"version": 1, "sub_bits": 7, "max_bits": 36, "count": len(vals), "sum": sum(vals),
        "min": min(vals), "max": max(vals), "clamped": 0,
        "buckets": [[i, b[i]] for i in sorted(b)]}
ph = {"name": "steady", "start": 100.0 + int(idx), "end": 110.0, "requests": len(vals),
      "responses": {"2xx": len(vals), "3xx": 0, "4xx": 0, "5xx": 0},
      "errors": {"connect": 0, "timeout": 0, "reset": 0, "parse": 0, "validation": 0},
      "rps": len(vals) / 10.0, "latency_us": {"p50": 0, "p90": 0, "p99": 0, "p999": 0, "max": 0},
      "body_bytes": 64 * len(vals), "responses_other": 0, "delayed": 0, "requested_rate": 0.0,
      "connections": {"opened": 2, "closed": 2, "port_busy": 0, "unused": 0},
      "tcp": {k: 0 for k in ("retrans_rto", "retrans_fast", "retrans_syn", "conn_established",
                             "rst_rx", "rst_tx", "ooo_queued", "ooo_drop_full", "drop_bad_seq")},
      "histogram": hist, "histogram_uncorrected": hist, "seconds": 10.0, "expect": None}
cols = ["t", "phase", "requests", "2xx", "3xx", "4xx", "5xx", "other", "err_connect",
        "err_timeout", "err_reset", "err_parse", "err_validation", "retrans", "open_conns",
        "p50_us", "p99_us"]
pt = [1.0, 0, len(vals), len(vals)] + [0] * 10 + [2, None, None]
r = {"schema": 1, "verdict": "pass", "phases": [ph], "targets": [], "interrupted": False,
     "shard": {"index": int(idx), "count": int(count)},
     "campaign": {"name": "c", "digest": digest},
     "expect": {"max_error_ratio": None, "status_classes": None, "latency_max_us": {},
                "min_rps": float(min_rps)},
     "series": {"t0": 1000.0 + int(idx), "columns": cols, "points": [pt]}}
json.dump(r, open(out + "/report.json", "w"))
PY
}
shard "$dir/s0" 0 2 d 1.2 10 20 30 40 50
shard "$dir/s1" 1 2 d 1.2 60 70 80 90 100 110 120 130 140 150

rc=0
"$DRENCH" merge "$dir/s1/report.json" "$dir/s0/report.json" --output "$dir/m" >"$dir/out" || rc=$?
cat "$dir/out"
[ "$rc" = 0 ] || fail "merge: exit $rc"
for f in report.json report.html metrics.prom series.csv; do
	[ -s "$dir/m/$f" ] || fail "no $f"
done
python3 - "$dir/m/report.json" <<'PY' || fail "merged figures"
import json, math, sys
r = json.load(open(sys.argv[1]))
p = r["phases"][0]
union = sorted(range(10, 151, 10))
def pct(q):  # the rank hist_percentile takes: ceil(q * n), at least 1
    return union[max(1, math.ceil(q / 100 * len(union))) - 1]
assert p["requests"] == 15 and p["responses"]["2xx"] == 15, p
assert p["rps"] == 1.5, p["rps"]
for k, q in (("p50", 50), ("p90", 90), ("p99", 99)):
    assert p["latency_us"][k] == pct(q), (k, p["latency_us"][k], pct(q))
assert p["latency_us"]["max"] == 150
assert p["histogram"]["count"] == 15
assert r["verdict"] == "pass" and r["merged"] is True
assert [s["index"] for s in r["shards"]] == [0, 1]
assert r["series"]["points"][0][2] == 5 and r["series"]["points"][1][2] == 10, r["series"]
print("merged: requests", p["requests"], "p50", p["latency_us"]["p50"], "p99", p["latency_us"]["p99"])
PY
grep -qx 'drench_requests_total{phase="steady"} 15' "$dir/m/metrics.prom" ||
	fail "metrics.prom lacks the merged count"
grep -qx 'drench_latency_us{phase="steady",quantile="0.5"} 80' "$dir/m/metrics.prom" ||
	fail "metrics.prom lacks the merged p50"

refused() { # WANT_MESSAGE FILES...
	local want=$1 rc=0
	shift
	"$DRENCH" merge "$@" --output "$dir/r" >/dev/null 2>"$dir/err" || rc=$?
	[ "$rc" = 2 ] || fail "exit $rc for $*, expected 2"
	grep -qF "$want" "$dir/err" || fail "message: $(cat "$dir/err"), expected: $want"
}
shard "$dir/dup" 1 2 d 1 5
shard "$dir/other" 1 2 e 1 5
refused "$dir/s1/report.json and $dir/dup/report.json are both shard 1: they overlap" \
	"$dir/s0/report.json" "$dir/s1/report.json" "$dir/dup/report.json"
refused "shard 1 of 2 is missing" "$dir/s0/report.json"
refused "$dir/s0/report.json and $dir/other/report.json are reports of different campaigns" \
	"$dir/s0/report.json" "$dir/other/report.json"
echo '{"schema": 1}' >"$dir/bad.json"
refused "$dir/bad.json: not a report.json" "$dir/s0/report.json" "$dir/bad.json"

# the shards have 0.5 and 1 rps: a 1.2 rps gate only the whole passes (above,
# exit 0), a 3 rps gate even the whole misses: exit 1
shard "$dir/g0" 0 2 g 3 10 20 30 40 50
shard "$dir/g1" 1 2 g 3 60 70 80 90 100 110 120 130 140 150
rc=0
"$DRENCH" merge "$dir/g0/report.json" "$dir/g1/report.json" --output "$dir/g" >"$dir/out" || rc=$?
[ "$rc" = 1 ] || fail "a gate of 3 rps against 1.5: exit $rc, expected 1"
grep -qx "FAIL campaign: 2 rps < 3 rps" "$dir/out" || fail "gate message: $(cat "$dir/out")"
rc=0
"$DRENCH" merge --output "$dir/n" 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "no report given: exit $rc, expected 2"
# grep -q would stop reading at the match, and under pipefail a SIGPIPE to drench fails the pipe
"$DRENCH" merge --help | grep "^usage: drench merge" >/dev/null || fail "--help"
echo PASS
