#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Body expectations on the datapath: nginx's /64b body is 64 'a'. A pattern
# that must match and is absent, and one that must not match and is present,
# each fail every response, counted under the pattern's name; the ones that
# hold fail none. The run exits 1.
source "$(dirname "$0")/lib.sh"
need_rig
{ campaign_head; cat <<YAML; } >"$WORK/v.yaml"
requests:
  - name: small
    path: /64b
    expect:
      body:
        must: ["a{64}", "b+"]
        must_not: ["a{65}", "^a"]
phases:
  - {name: p, duration: 3s, connections: 4}
output:
  folder: $WORK/v
YAML
rc=0
timeout --signal=INT 60 "$DRENCH" run "$WORK/v.yaml" --quiet || rc=$?
[ "$rc" = 1 ] || fail "exit $rc, expected 1"
python3 - "$WORK/v/report.json" <<'PY' || fail "validation counts"
import json, sys
r = json.load(open(sys.argv[1]))
p = r["phases"][0]
n = sum(p["responses"].values())
v = {x["pattern"]: x for x in r["validation"]}
assert n > 100 and p["errors"]["validation"] == n, (n, p["errors"])
assert v["a{64}"]["failed"] == 0 and v["a{64}"]["matched"] == n, v
assert v["b+"]["failed"] == n and v["b+"]["matched"] == 0, v
assert v["a{65}"]["failed"] == 0, v
assert v["^a"]["failed"] == n, v
print("responses", n, {k: (x["matched"], x["failed"]) for k, x in v.items()})
PY
echo PASS
