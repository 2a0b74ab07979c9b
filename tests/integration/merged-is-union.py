#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""merged-is-union.py SHARD.json... MERGED.json: the merged report's counts are
the sums of the shards', and its percentiles are those drench reports for the
union of the shards' raw histograms (computed here from the buckets, as
lib/stats/hist.c does)."""
import json
import math
import sys

shards = [json.load(open(f)) for f in sys.argv[1:-1]]
m = json.load(open(sys.argv[-1]))

def low(b):
    shift = 0 if (b >> 7) < 2 else (b >> 7) - 1
    return (b - (shift << 7)) << shift, shift

def percentile(h, p):  # what drench reports for a histogram (stats/hist.c)
    if h["count"] == 0:
        return None
    if p >= 100:
        return h["max"]
    rank = min(max(1, math.ceil(p / 100.0 * h["count"])), h["count"])
    seen = 0
    for b in sorted(h["buckets"]):
        seen += h["buckets"][b]
        if seen >= rank:
            lo, shift = low(b)
            hi = lo + (1 << shift) - 1
            return min(max(lo + (hi - lo) // 2, h["min"]), h["max"])

def union(hs):
    u = {"count": 0, "min": None, "max": 0, "buckets": {}}
    for h in hs:
        u["count"] += h["count"]
        if h["count"]:
            u["min"] = h["min"] if u["min"] is None else min(u["min"], h["min"])
        u["max"] = max(u["max"], h["max"])
        for b, c in h["buckets"]:
            u["buckets"][b] = u["buckets"].get(b, 0) + c
    return u

for k, mp in enumerate(m["phases"]):
    ps = [s["phases"][k] for s in shards]
    assert mp["requests"] == sum(p["requests"] for p in ps), k
    for c in ("2xx", "3xx", "4xx", "5xx"):
        assert mp["responses"][c] == sum(p["responses"][c] for p in ps), (k, c)
    for e in mp["errors"]:
        assert mp["errors"][e] == sum(p["errors"][e] for p in ps), (k, e)
    assert mp["connections"]["opened"] == sum(p["connections"]["opened"] for p in ps)
    u = union(p["histogram"] for p in ps)
    for key, q in (("p50", 50), ("p90", 90), ("p99", 99), ("p999", 99.9), ("max", 100)):
        assert mp["latency_us"][key] == percentile(u, q), (k, key, mp["latency_us"][key], percentile(u, q))
    print(f"{mp['name']}: requests {mp['requests']} = "
          f"{' + '.join(str(p['requests']) for p in ps)}, rps {mp['rps']:.0f}, "
          f"p50 {mp['latency_us']['p50']} p99 {mp['latency_us']['p99']} us (union's)")
